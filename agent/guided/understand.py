"""What one chat message says, read with regular expressions: the guided mode's whole "language model".

Why patterns and not a model: the guided mode must work offline on a fresh machine, and a person
describing a capacity question uses a small vocabulary (users, online at once, growth, months,
model and GPU names). Each pattern below is one readable rule; `understand()` applies them all and
returns what it found, and the backend decides what to do with it.

How a number gets its meaning: the words right after it ("3,000 *online at once*") win, then the
words right before it ("*peak concurrency of* 5k"), read only up to the clause boundary so that
"200k users, and 3,000 online" gives each number its own words. A number with no words of its own
is left "bare": it answers whatever the guided mode just asked.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from agent.guided import names
from agent.guided.activity import Activity, read_activity
from agent.guided.normalise import normalise
from agent.guided.numbers import Number, find_durations, find_numbers, rate_period_months, to_monthly_rate

MAX_CHARS = 4000  # a pasted essay is read up to here; nobody describes a workload in more
PEOPLE_ON_EARTH = 8.3e9

_I = re.IGNORECASE
CONCURRENT = re.compile(
    r"\bonline\b|\bat once\b|\bat (?:the )?same time\b|\bsimultaneous(?:ly)?\b|\bconcurren(?:t(?:ly)?|cy)\b|\bccu\b"
    r"|\bin parallel\b|\bat any (?:given )?(?:moment|time|point|one time)\b|\bat a time\b|\bat one time\b"
    r"|\b(?:live|active|open) (?:sessions|chats|conversations|connections)\b|\bconnected\b|\blogged[- ]in\b"
    r"|\bare chatting\b|\bchatting (?:at|right now)\b|\bright now\b|\bat any one time\b", _I)
REGISTERED = re.compile(
    r"\bregistered\b|\bsign(?:ed)?[- ]?ups?\b|\baccounts?\b|\bcustomers?\b|\bemployees?\b|\bstaff\b|\bstudents?\b"
    r"|\bresidents\b|\blicen[cs]es\b|\bheadcount\b|\benrolled\b"
    r"|\bmembers?\b|\bsubscribers?\b|\busers?\b|\bpeople\b|\bclients?\b|\blearners?\b|\bpatients?\b|\bseats?\b"
    r"|\bmaus?\b|\bmonthly active\b|\bdaus?\b|\buser ?base\b|\bemployees\b|\bworkers\b|\bcitizens\b|\bvisitors\b"
    r"|\bpupils\b|\bteachers\b|\bdevelopers\b|\bengineers\b|\bagents\b|\banalysts\b|\blawyers\b|\bdoctors\b"
    r"|\bnurses\b|\bemployees\b|\breps\b|\bbuyers\b|\bsellers\b|\bdrivers\b|\bparents\b|\bguests\b|\bshoppers\b|\bplayers\b|\bfans\b|\bmembership\b", _I)
PEAK = re.compile(r"\bnever more than\b|\bno more than\b|\bup to\b|\bpeaks?\b|\bpeaking\b|\bat most\b|\bmax(?:imum)?\b|\bbusiest\b|\bhighest\b|\bspikes?\b"
                  r"|\bspiking\b|\brush hour\b|\btops? out\b", _I)
AVERAGE = re.compile(r"\baverage\b|\bon avg\b|\bavg\b|\btypical(?:ly)?\b|\busually\b|\bnormally\b|\bmean\b", _I)
OTHER_UNIT = re.compile(
    r"^\s*(?:[a-z]+\s+)?(?:tokens?|ms|milliseconds?|seconds?|secs?|s\b|minutes?|mins?|hours?|days?|weeks?"
    r"|gpus?|servers?|instances?|replicas?|nodes?|machines?|cards?|messages?|msgs?|requests?|rps|qps|tps|tpm|rpm"
    r"|gb|tb|mb|gib|tib|calls?|turns?|steps?|dollars?|usd|eur|euros?|bucks|documents?|docs|pages?|chunks?|files?"
    r"|vcpus?|cpus?|cores?|regions?|languages?|questions?|times?|x|_+)(?![a-z])", _I)
GROWTH = re.compile(r"\bgrow(?:s|ing|th)?\b|\bincreas\w*|\bexpand\w*|\bup by\b|\bris(?:e|es|ing)\b"
                    r"|\bclimb\w*|\bcompound\w*|\bmom\b|\byoy\b|\bgain\w*|\bscal(?:e|es|ing) up\b", _I)
SHRINK = re.compile(r"\bshrink\w*|\bdeclin\w*|\blos(?:e|es|ing)\b|\bdown\b|\bdrop\w*|\bfall(?:s|ing)?\b|\bchurn\w*", _I)
NO_GROWTH = re.compile(r"\bno growth\b|\bnot growing\b|\b(?:flat|stable|steady|constant)\b|\bzero growth\b"
                       r"|\bwon'?t grow\b|\bdon'?t grow\b|\bnot expecting growth\b", _I)
MULTIPLE = re.compile(
    r"\b(?P<word>doubl\w*|tripl\w*|quadrupl\w*|twice|halv\w*|half)\b|(?<![\w.])(?P<x>\d+(?:\.\d+)?)\s*(?:x|×|times)(?!\w)"
    r"|(?<![\w.])x\s*(?P<x2>\d+(?:\.\d+)?)\b|\b(?P<w2>two|three|four|five|ten)\s+times\b", _I)
_MULT_WORDS = {"doubl": 2.0, "twice": 2.0, "tripl": 3.0, "quadrupl": 4.0, "halv": 0.5, "half": 0.5,
               "two": 2.0, "three": 3.0, "four": 4.0, "five": 5.0, "ten": 10.0}
EVERY = re.compile(r"\s*(?:(?:every|each|per|a|an|in)\s+(?:(?P<n>\d+(?:\.\d+)?|two|three|six|twelve|eighteen)\s+)?"
                   r"(?P<unit>years?|months?|quarters?|weeks?)|(?P<adv>yearly|annually|monthly|quarterly))\b", _I)
_WORD_N = {"two": 2, "three": 3, "six": 6, "twelve": 12, "eighteen": 18}
_UNIT_MONTHS = {"year": 12.0, "month": 1.0, "quarter": 3.0, "week": 12 / 52, "yearly": 12.0, "annually": 12.0,
                "monthly": 1.0, "quarterly": 3.0}
CLAUSE_END = re.compile(r"[,;.!?\n()|]|\band\b|\bbut\b|\bwhile\b|\bwith\b|\bwhere\b|\bwhich\b|\bplus\b|\balso\b"
                        r"|\bso\b|\bthen\b|\bgrow\w*\b", _I)

# Before-a-number phrases, anchored at the number ("peak concurrency of 5k", "user base: 200k")
BEFORE_CONC = re.compile(r"(?:concurren\w*|online(?: at once)?|at once|simultaneous\w*|ccu|at the same time)"
                         r"(?:\s+users?)?\s*(?:of|is|are|at|around|about|roughly|approx\w*|of about|reaches|reaching"
                         r"|hits?|goes to|to|=|:|~|-)*\s*$", _I)
BEFORE_PEAK = re.compile(r"(?:never more than|no more than|up to|peak\w*|spik\w*|max\w*|tops? out|busiest)\b[\w\s]{0,30}?(?:of|is|are|at|to|around|about"
                         r"|roughly|=|:|~|hits?|reaches)?\s*$", _I)
BEFORE_REG = re.compile(r"(?:registered(?:\s+users)?|users?|user ?base|sign[- ]?ups|accounts|customers|members"
                        r"|subscribers|employees|students|headcount|audience|population)\s*(?:of|is|are|at|around"
                        r"|about|roughly|approx\w*|total|=|:|~|-)*\s*$", _I)
BEFORE_GROWTH = re.compile(r"(?:grow\w*|growth(?:\s+rate)?|increas\w*|expand\w*|rise|rising|mom|yoy|up|by|rate)"
                           r"\s*(?:of|is|at|by|around|about|roughly|=|:|~)*\s*$", _I)
BEFORE_SHRINK = re.compile(r"(?:shrink\w*|declin\w*|los\w*|down|drop\w*|fall\w*|churn\w*)\s*(?:of|is|at|by|around"
                           r"|about|=|:|~)*\s*$", _I)
HORIZON_HINT = re.compile(r"\b(?:for|over|next|horizon|ahead|out|within|coming|plan|planning|in|through|until)\b", _I)
NOT_HORIZON = re.compile(r"\b(?:every|each|per|ago|last|past|since|old|already|launched|started)\b", _I)

APP_AGENT = re.compile(
    r"\bagent(?:s|ic)?\b|\bautonomous\w*\b|\bautomat\w*|\bfiles? (?:tickets?|claims?|expenses?|reports?|bugs?|issues?)\b"
    r"|\bbooks? (?:meetings?|flights?|travel|appointments?|hotels?|tables?|trips?)\b|\bruns? (?:tasks?|jobs?|workflows?|code)\b"
    r"|\bexecut\w* (?:tasks?|actions?|workflows?|code)\b|\btakes? actions?\b|\bmulti[- ]step\b|\bworkflows?\b"
    r"|\btool[- ]?(?:use|calling|calls)\b|\bcoding assistant that (?:writes|runs)\b|\bdoes tasks\b|\bcompletes tasks\b"
    r"|\bby itself\b|\bon its own\b|\bautonomously\b", _I)
HUMAN_AGENT = re.compile(r"\b(?:support|human|customer[- ]service|service|sales|call[- ]cent(?:er|re)|live|travel|real"
                         r"|insurance|estate)\s+agents?\b|(?:\d[\d,.]*[km]?|\bour|\bthe|\bhuman)\s+agents\b", _I)
APP_CHATBOT = re.compile(
    r"\bchat\s?bots?\b|\bchat\b|\bassistants?\b|\bcopilots?\b|\bsupport bots?\b|\bbots?\b|\btutor\w*|\bhelp ?desk\b"
    r"|\bq ?& ?a\b|\bfaq\b|\bconversational\b|\bcompanion\b|\bcustomer (?:service|support)\b|\banswers? questions\b"
    r"|\bchatting\b|\bmessaging\b|\bsearch assistant\b|\brag\b|\bknowledge base\b", _I)

SELF_HOST = re.compile(
    r"\bself[- ]?host\w*|\bhost (?:it|them|the model|models|llama\w*|our own)\b.{0,20}?\b(?:ourselves|our own)\b"
    r"|\bon[- ]?prem\w*|\bin[- ]house\b|\bour own (?:gpus?|hardware|servers?|cluster|infra\w*|data ?cent\w*)\b"
    r"|\bown gpus?\b|\brun (?:it|the model|models|them) (?:ourselves|locally|on our)\b|\bvllm\b|\bsglang\b"
    r"|\btgi\b|\bopen[- ](?:weights?|source) models?\b|\bhost (?:it )?ourselves\b|\bon (?:our )?gpus\b", _I)
CONSIDERING = re.compile(r"\b(?:consider(?:ing)?|thinking about|might|evaluat\w*|explor\w*)\s+(?:\w+\s+){0,2}?self[- ]?host", _I)
HOSTED_API = re.compile(r"\b(?:hosted|managed) (?:api|model|llm)\b|\bvia (?:the |an )?api\b|\bapi\b|\bopenai\b"
                        r"|\banthropic\b|\bbedrock\b|\bvertex\b|\bazure openai\b|\bstop self[- ]hosting\b", _I)

WHAT_IF = re.compile(r"\bhow would (?:it|that|things|the plan) look\b|\bwhat would (?:it|that) cost\b|\bwant to know what\b"
                     r"|\bwhat does that do\b|\bcan you show me that\b|\band if we\b|\bif the whole\b|\bwhat (?:if|about|happens if|would happen if|would it (?:look|be|cost) (?:like )?if)\b"
                     r"|\bsuppose\b|\bimagine\b|\bhow about\b|\bwhat would\b|\bscenario (?:where|with|in which)\b"
                     r"|\bif we\b|\bif our\b|\bif (?:users?|concurrency|growth|traffic)\b|\bwhat'?s the impact\b"
                     r"|\bcompare (?:it )?(?:with|to|against)\b|\bhypothetic\w*|\bsay we\b|\blet'?s say\b|\bassume we\b", _I)
CORRECTION = re.compile(r"\bactually\b|\bsorry\b|\bcorrection\b|\bi meant\b|\bmake (?:it|that)\b|\bchange (?:it|that|this)\b"
                        r"|\binstead\b|\bupdate\b|\bno,? (?:it'?s|we|it is|we have)\b|\boops\b|\bmy mistake\b|\btypo\b"
                        r"|\bcorrect(?:ed|ing)? (?:that|it|the)\b|\bwait\b|\brather\b|\bfix\b", _I)
SHOW_PLAN = re.compile(r"\b(?:show|see|give|print|display|view)\b.{0,20}\b(?:plan|summary|results?|figures|numbers)\b"
                       r"|^\s*(?:the )?(?:plan|summary|results?)\s*[?.!]*\s*$|\bsummari[sz]e\b|\brecap\b"
                       r"|\bwhere are we\b|\bwhat do (?:we|i) need\b|\bshow (?:it|me)\b", _I)
EXPLAIN = re.compile(r"\bwhy\b|\bexplain\w*|\bhow (?:did|do|does|come|was|were|is|are) (?:you|it|that|this|we)?\s*"
                     r"(?:get|calculat\w*|comput\w*|work\w*|derive\w*|figure\w*|come)?|\bwhere does\b|\bwhere do\b"
                     r"|\bhow come\b|\bbreak ?down\b|\bderivation\b|\bjustify\b|\bshow (?:me )?the (?:math|maths|arithmetic|working)\b", _I)
ASSUMPTIONS = re.compile(r"\bassum\w*|\bdefaults?\b|\bwhat did you (?:use|take)\b|\binputs\b|\bparameters\b", _I)
ADOPT = re.compile(r"\blet'?s (?:go|use|take|stick|pick|keep)\b|\bgo with\b|\badopt\w*|\bsettle\w* on\b|\bwe'?ll (?:take|use|go)\b"
                   r"|\bpick (?:the|that)\b|\bchoose (?:the|that)\b|\bstick with\b|\block (?:it )?in\b|\bmake (?:it|that|this) (?:the )?final\b"
                   r"|\b(?:use|keep) (?:the|that) .{0,30}\b(?:one|scenario|plan|version|option)\b|\bi'?ll take\b|\bthat one\b|\bfinal(?:i[sz]e)?\b"
                   r"|\bmake (?:that|it|this) (?:the|our) (?:plan|baseline|choice)\b", _I)
SAVE = re.compile(r"\bsave\w*|\bexport\w*|\bdownload\w*|\bwrite (?:it|this|that) (?:out|down|to)\b|\bkeep a copy\b", _I)
HELP = re.compile(r"^\s*(?:help|\?|what can you do|how does this work|commands|usage|menu|options)\s*[?.!]*\s*$"
                  r"|\bwhat can (?:you|i) (?:do|ask)\b|\bhow do i use\b|\bhelp me\b", _I)
GREETING = re.compile(r"^\s*(?:hi|hello|hey|hiya|good (?:morning|afternoon|evening)|greetings|yo)\b[\s!.,]*(?:there)?[\s!.]*$", _I)
THANKS = re.compile(r"\b(?:thanks|thank you|thx|cheers|great|perfect|awesome|bye|goodbye)\b", _I)
YES = re.compile(r"^\s*(?:yes|yeah|yep|yup|sure|ok(?:ay)?|fine|go ahead|sounds good|correct|right|that'?s (?:right|fine|ok)"
                 r"|(?:use |take |keep )?(?:the )?defaults?|agreed|please do|do it|y)\b", _I)
UNSURE = re.compile(r"^\s*(?:no idea|not sure|unsure|i don'?t know|dunno|idk|don'?t know|no clue|whatever|you (?:decide|choose|pick))\b", _I)
NO = re.compile(r"^\s*(?:no|nope|nah|n)\b(?![\s,]+(?:growth|idea|clue|change))", _I)
RESET = re.compile(r"\bstart (?:over|again|from scratch)\b|\breset\b|\bnew scenario from scratch\b", _I)

EXPLAIN_TOPICS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"\bgpus?\b|\breplicas?\b|\bh100|\bh200|\ba100|\bl40", _I), "llm.self_hosted.gpus"),
    (re.compile(r"\btpm\b|\btokens? per minute\b|\btokens?\b|\brate limit|\btier\b", _I), "llm.api.required_tpm"),
    (re.compile(r"\brpm\b|\brequests? per minute\b", _I), "llm.api.required_rpm"),
    (re.compile(r"\bllm cost\b|\bapi cost\b|\bapi bill\b|\bmodel cost\b", _I), "llm.monthly_usd"),
    (re.compile(r"\bcost\w*|\bexpensive\b|\bprice\w*|\bspend\w*|\bbudget\b|\bbill\b|\bmoney\b|\$|\bcheap\b", _I), "cost.monthly_usd"),
    (re.compile(r"\bworkers?\b", _I), "compute.workers.instances"),
    (re.compile(r"\bservers?\b|\binstances?\b|\bmachines?\b|\bnodes?\b|\bapp tier\b|\bcompute\b|\bvms?\b|\bcpu\b", _I), "compute.app.instances"),
    (re.compile(r"\bautoscal\w*|\bscaling\b|\bmin replicas\b|\bmax replicas\b|\bthresholds?\b", _I), "compute.autoscaling.max_replicas"),
    (re.compile(r"\bpeak\b|\bconcurren\w*", _I), "load.peak_concurrent_users"),
    (re.compile(r"\brequests?\b|\brps\b|\bmessages? per second\b|\bthroughput\b|\btraffic\b", _I), "load.requests_per_second"),
    (re.compile(r"\bcache\b|\bredis\b|\bmemory\b", _I), "storage.cache.memory_gb"),
    (re.compile(r"\bvector\w*|\bembedding\w*", _I), "storage.vector.storage_gb"),
    (re.compile(r"\bdatabase\b|\bdb\b|\bstorage\b|\bdisk\b|\bpostgres\w*", _I), "storage.database.storage_gb"),
    (re.compile(r"\begress\b|\bnetwork\w*|\bbandwidth\b", _I), "network.egress_gb_per_month"),
    (re.compile(r"\bllm calls?\b|\bmodel calls?\b", _I), "load.llm_calls_per_second"),
]

ADOPT_TARGETS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"\b(?:baseline|original|first|current|initial|base)\b", _I), "@baseline"),
    (re.compile(r"\b(?:doubl\w*|2x|twice)\b", _I), "doubl"),
    (re.compile(r"\btripl\w*|\b3x\b", _I), "tripl"),
    (re.compile(r"\bhalv\w*|\bhalf\b", _I), "half"),
    (re.compile(r"\bself[- ]?host\w*|\bgpus?\b|\bh100|\bh200|\ba100|\bl40|\bb200|\bllama|\bown\b", _I), "self"),
    (re.compile(r"\bgrowth\b|\bgrow\w*", _I), "growth"),
    (re.compile(r"\bconcurren\w*|\bpeak\b|\bonline\b", _I), "concurren"),
    (re.compile(r"\b(?:last|latest|that|this|new|what[- ]if|second|other|previous)\b", _I), "@latest"),
]


@dataclass
class Understanding:
    """Everything one message said. `None` means "not mentioned", never "zero"."""

    registered: float | None = None
    concurrent: float | None = None  # average, or kind not said
    concurrent_is_average: bool = False  # "on average" was said
    peak: float | None = None
    concurrent_share: float | None = None  # "1% online at once": share of registered users
    peak_share: float | None = None
    growth: float | None = None  # monthly, compound
    growth_note: str | None = None  # how a yearly/quarterly rate was converted, to say back
    horizon: int | None = None
    app_type: str | None = None
    deployment: str | None = None
    model: str | None = None
    gpu: str | None = None
    added_per_month: float | None = None  # "adding 10k users a month": linear growth, in users
    added_users: float | None = None  # "10k more users": a one-off increase
    multiply: dict[str, float] = field(default_factory=dict)  # "users" | "concurrency" | "growth" -> factor
    intents: set[str] = field(default_factory=set)
    explain_topic: str | None = None
    adopt_target: str | None = None
    bare_numbers: list[float] = field(default_factory=list)
    bare_percents: list[float] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    activity: Activity = field(default_factory=Activity)  # usage figures people know (agent/guided/activity.py)
    users_are_staff: bool = False  # "our 500 agents": people called agents use the app

    def has_numbers(self) -> bool:
        return any(v is not None for v in (self.registered, self.concurrent, self.peak, self.concurrent_share,
                                           self.peak_share, self.growth, self.horizon, self.added_per_month,
                                           self.added_users)) or bool(self.multiply) or self.activity.found()

    def has_facts(self) -> bool:
        return any(v is not None for v in (self.registered, self.concurrent, self.peak, self.concurrent_share,
                                           self.peak_share, self.growth, self.horizon, self.app_type,
                                           self.added_per_month, self.added_users,
                                           self.deployment, self.model, self.gpu)) or bool(self.multiply) \
            or self.activity.found()


def _mask(text: str, spans: list[tuple[int, int]]) -> str:
    chars = list(text)
    for s, e in spans:
        chars[s:e] = "_" * (e - s)
    return "".join(chars)


def _clause_after(text: str, n_end: int, limit: int) -> str:
    window = text[n_end:min(limit, n_end + 60)]
    m = CLAUSE_END.search(window)
    return window[:m.start()] if m else window


def _clause_before(text: str, n_start: int, floor: int) -> str:
    window = text[max(floor, n_start - 50):n_start]
    cuts = list(re.finditer(r"[;.!?\n(|]|,\s|\band\b|\bbut\b|\bwhile\b|\bwith\b|\bplus\b", window, _I))
    return window[cuts[-1].end():] if cuts else window


def understand(message: str) -> Understanding:
    """Read one message. Never raises: text it cannot read simply yields an empty Understanding."""
    u = Understanding()
    text = (message or "")[:MAX_CHARS]
    if not text.strip():
        return u
    text, u.problems = normalise(text)  # stage 1: typos, shorthand, locale numbers, number words
    _names(text, u)
    spans = [(f.start, f.end) for f in names.find_api_models(text) + names.find_open_models(text) + names.find_gpus(text)]
    u.activity = read_activity(_mask(text, spans))  # usage figures claim their numbers first
    masked = _mask(text, spans + u.activity.spans)
    _app_type(masked, u)
    u.users_are_staff = bool(re.search(r"(?:\d[\d,.]*[km]?|\bour|\bthe)\s+(?:\w+\s+)?agents\b", masked, _I)) and u.app_type != "agent"
    _intents(masked, u)
    _quantities(masked, u)
    if u.activity.growth_multiple and u.growth is None:
        factor, months = u.activity.growth_multiple
        u.growth = factor ** (1.0 / months) - 1.0
        u.growth_note = f"{factor:g}x over {months:g} months is {u.growth:.2%} a month, compounded"
        u.multiply.pop("users", None)
    validate_counts(u)
    return u


def _names(text: str, u: Understanding) -> None:
    open_models = names.find_open_models(text)
    api_models = [f for f in names.find_api_models(text)
                  if not any(o.start <= f.start < o.end for o in open_models)]
    gpus = names.find_gpus(text)
    if open_models:
        u.model = open_models[-1].value
        u.deployment = "self_hosted"
    elif api_models:
        u.model = api_models[-1].value
        u.deployment = "api"
    if gpus:
        u.gpu = gpus[-1].value
        u.deployment = "self_hosted"
    if SELF_HOST.search(text) and not CONSIDERING.search(text):
        u.deployment = "self_hosted"
    elif u.deployment is None and HOSTED_API.search(text):
        u.deployment = "api"


def _app_type(text: str, u: Understanding) -> None:
    without_humans = HUMAN_AGENT.sub(" ", text)
    if APP_AGENT.search(without_humans):
        u.app_type = "agent"
    elif APP_CHATBOT.search(text):
        u.app_type = "chatbot"


def _intents(text: str, u: Understanding) -> None:
    checks = [("what_if", WHAT_IF), ("correction", CORRECTION), ("show_plan", SHOW_PLAN), ("explain", EXPLAIN),
              ("assumptions", ASSUMPTIONS), ("adopt", ADOPT), ("save", SAVE), ("help", HELP), ("greeting", GREETING),
              ("thanks", THANKS), ("yes", YES), ("unsure", UNSURE), ("no", NO), ("reset", RESET)]
    for name, pat in checks:
        if pat.search(text):
            u.intents.add(name)
    if re.search(r"\bcompare\b|\bside by side\b|\bdifference\b", text, _I):
        u.intents.add("compare")
    if "explain" in u.intents:
        for pat, metric in EXPLAIN_TOPICS:
            if pat.search(text):
                u.explain_topic = metric
                break
    if "adopt" in u.intents:
        for pat, target in ADOPT_TARGETS:
            if pat.search(text):
                u.adopt_target = target
                break
    if "unsure" in u.intents:
        u.intents.discard("no")


def _quantities(text: str, u: Understanding) -> None:
    numbers = find_numbers(text)
    durations = [d for d in find_durations(text)]
    in_duration: set[int] = set()
    for d in durations:
        before = text[max(0, d.start - 25):d.start]
        after = text[d.end:d.end + 12]
        for i, n in enumerate(numbers):
            if d.start <= n.start < d.end:
                in_duration.add(i)
        if NOT_HORIZON.search(before[-12:]) or re.match(r"\s*(?:ago|old)\b", after, _I):
            continue
        if HORIZON_HINT.search(before) or GROWTH.search(text) or re.match(r"\s*(?:horizon|plan|ahead|out)\b", after, _I) \
                or "what_if" in u.intents or len(text.strip()) <= d.end - d.start + 12:
            u.horizon = int(round(d.months))
    _growth_phrases(text, u)
    prev_end = 0
    for i, n in enumerate(numbers):
        if i in in_duration:
            prev_end = n.end
            continue
        nxt = numbers[i + 1].start if i + 1 < len(numbers) else len(text)
        after = _clause_after(text, n.end, nxt)
        before = _clause_before(text, n.start, prev_end)
        prev_end = n.end
        if _multiplier_here(text, n) or (not n.percent and _added(text, n, before, after, u)):
            continue
        if n.percent:
            _percent(text, n, before, after, u)
        elif text[n.start].isdigit() or text[n.start] in "-.−–" or n.scaled:
            _count(n, before, after, u)  # a lone "one"/"two" is a word, not a figure ("the doubled one")
    _fill_from_message(text, u)


def _fill_from_message(text: str, u: Understanding) -> None:
    """ "lots of them are online at once, maybe 3000": a bare number takes the one quantity the message names."""
    if len(u.bare_numbers) != 1:
        return
    conc_named = bool(CONCURRENT.search(text)) and u.concurrent is None and u.peak is None and u.concurrent_share is None
    reg_named = bool(REGISTERED.search(text)) and u.registered is None
    if conc_named:
        u.concurrent = u.bare_numbers.pop()
        if PEAK.search(text) and not AVERAGE.search(text):
            u.peak, u.concurrent = u.concurrent, None
    elif reg_named and not CONCURRENT.search(text):
        u.registered = u.bare_numbers.pop()


ADD_BEFORE = re.compile(r"\b(?:add(?:s|ing)?|gain(?:s|ing)?|get(?:s|ting)?|onboard\w*|acquir\w*|welcom\w*|sign(?:s|ing)? up"
                        r"|grow(?:s|ing)? by|another|an extra|plus)\s+(?:about|around|roughly|~|some|over)?\s*$", _I)
ADD_AFTER = re.compile(r"\s*(?:(?:new|more|additional|extra)\b|sign[- ]?ups\b)", _I)


def _added(text: str, n: Number, before: str, after: str, u: Understanding) -> bool:
    """ "adding 10k users a month" is linear growth; "10k more users" a one-off increase. True if it was one."""
    if not (ADD_BEFORE.search(before) or ADD_AFTER.match(after)):
        return False
    if CONCURRENT.search(after) or PEAK.search(after) or OTHER_UNIT.match(after):
        return False
    wide = re.split(r"[,;!?\n]|\.(?!\d)", text[n.end:n.end + 45])[0]
    period = rate_period_months(wide)
    if period:
        u.added_per_month = n.value / period
    elif re.match(r"\s*(?:new\s+)?sign[- ]?ups\b", after, _I) and not ADD_BEFORE.search(before):
        return False  # "200k sign-ups" is a count of registered users
    else:
        u.added_users = n.value
    return True


def _multiplier_here(text: str, n: Number) -> bool:
    """ "10x", "3 times" are multipliers, read by _growth_phrases / _multipliers, not counts."""
    return bool(re.match(r"\s*(?:x|×|times)(?!\w)", text[n.end:], _I)) or bool(re.search(r"(?<![\w])x\s*$", text[max(0, n.start - 2):n.start], _I))


def _percent(text: str, n: Number, before: str, after: str, u: Understanding) -> None:
    value = n.fraction
    if CONCURRENT.search(after) or BEFORE_CONC.search(before) or PEAK.search(after):
        if PEAK.search(after) or BEFORE_PEAK.search(before):
            u.peak_share = value
        else:
            u.concurrent_share = value
        return
    if re.search(r"\b(?:more|fewer|less|extra)\b", after[:25], _I) and "what_if" in u.intents:
        factor = 1 + value if re.search(r"\bmore|extra\b", after[:25], _I) else 1 - value
        u.multiply[_mult_target(after)] = factor
        return
    after = re.split(r"[,;!?\n]|\.(?!\d)|\d", text[n.end:n.end + 40])[0]  # "30% growth per year": past the growth word
    shrink = bool(SHRINK.search(after[:30]) or BEFORE_SHRINK.search(before))
    growthy = shrink or bool(GROWTH.search(after) or BEFORE_GROWTH.search(before) or GROWTH.search(before)
                             or rate_period_months(after[:30]) or rate_period_months(before))
    if not growthy and GROWTH.search(text) and u.growth is None:
        growthy = True
    if not growthy:
        u.bare_percents.append(value)
        return
    period = rate_period_months(after[:30]) or rate_period_months(before) or 1.0
    rate = -abs(value) if shrink else value
    u.growth = to_monthly_rate(rate, period)
    if period != 1.0:
        u.growth_note = f"{n.value:g}% per {_period_name(period)} is {u.growth:.2%} a month, compounded"


def _period_name(months: float) -> str:
    return {12.0: "year", 3.0: "quarter"}.get(months, "week" if months < 1 and months > 0.1 else "day" if months < 0.1 else f"{months:g} months")


SERVED = re.compile(r"\b(?:serv(?:e|es|ing)|who serve|supporting|support|helping|help)\s+(?:about\s+|over\s+|some\s+|~)?$", _I)


def _count(n: Number, before: str, after: str, u: Understanding) -> None:
    value = n.value
    other = OTHER_UNIT.match(after)
    if other and not CONCURRENT.search(after[:other.end()]):
        return
    if re.search(r"[$€£]\s*$", before):
        return
    if u.users_are_staff and SERVED.search(before) and re.match(r"\s*(?:customers|clients|citizens|patients|callers)\b", after, _I):
        return  # "our 500 agents serving 2M customers": the people served are not the app's users
    conc = CONCURRENT.search(after) or BEFORE_CONC.search(before)
    peak = PEAK.search(after) or BEFORE_PEAK.search(before)
    explicit_reg = re.search(r"\bregistered\b|\bsign(?:ed)?[- ]?ups?\b|\baccounts?\b|\btotal\b", after, _I)
    reg = REGISTERED.search(after) or BEFORE_REG.search(before) or _plural_noun(after, before)
    if conc or (peak and not explicit_reg):
        is_peak = bool(peak) and not AVERAGE.search(after + before)
        if is_peak:
            u.peak = value
        else:
            u.concurrent = value
            u.concurrent_is_average = bool(AVERAGE.search(after + before))
    elif reg:
        u.registered = value
    else:
        u.bare_numbers.append(value)


def _plural_noun(after: str, before: str) -> bool:
    """ "for 2,000 analysts", "serves 300 lawyers": people we have no word for are still registered users."""
    return bool(re.match(r"\s*[a-z]{3,}s\b", after, _I)) and bool(
        re.search(r"\b(?:for|serv\w*|used by|have|has|with|by|of|our|across|supports?|helps?)\s+(?:about|around|"
                  r"roughly|some|over|nearly|almost|~)?\s*$", before, _I))


def _mult_target(context: str) -> str:
    if re.search(r"\bconcurren\w*|\bonline\b|\bat once\b|\bpeak\b|\bsimultaneous\w*|\bsame time\b", context, _I):
        return "concurrency"
    if re.search(r"\bgrowth\b|\bgrow\w*", context, _I):
        return "growth"
    return "users"


def _growth_phrases(text: str, u: Understanding) -> None:
    """ "doubling every year", "3x a year", "no growth"; and what-if multipliers ("what if we double")."""
    if NO_GROWTH.search(text) and not re.search(r"\d\s*%", text):
        u.growth = 0.0
    for m in MULTIPLE.finditer(text):
        if m.group("word"):
            key = next(k for k in _MULT_WORDS if m.group("word").lower().startswith(k))
            factor = _MULT_WORDS[key]
        elif m.group("w2"):
            factor = _MULT_WORDS[m.group("w2").lower()]
        else:
            factor = float(m.group("x") or m.group("x2"))
        every = EVERY.match(text, m.end())
        if every and factor > 0:
            if every.group("adv"):
                months = _UNIT_MONTHS[every.group("adv").lower()]
            else:
                count = every.group("n")
                k = float(_WORD_N.get(count.lower(), 0) if count and not count[0].isdigit() else (count or 1))
                months = k * _UNIT_MONTHS[every.group("unit").lower().rstrip("s")]
            if months > 0:
                u.growth = factor ** (1.0 / months) - 1.0
                u.growth_note = f"growing {factor:g}x every {months:g} months is {u.growth:.2%} a month, compounded"
            continue
        if factor == 0.5 and m.group("word") and m.group("word").lower() == "half":
            if not re.match(r"\s+(?:the|our|of)\b", text[m.end():], _I):
                continue
        context = text[m.end():m.end() + 40]
        lead = re.split(r"[.;!?\n]", text[max(0, m.start() - 40):m.start()])[-1]  # this sentence only
        if "what_if" in u.intents or re.search(r"\bif\b", lead, _I):
            target = _mult_target(context) if _mult_target(context) != "users" else _mult_target(lead)
            u.multiply[target] = factor


def validate_counts(u: Understanding) -> None:
    """Plain-English problems for values no plan can use; the offending value is dropped."""
    def bad(field_name: str, label: str) -> None:
        value = getattr(u, field_name)
        if value is None:
            return
        if value <= 0:
            u.problems.append(f"The number of {label} must be a positive number; {value:,.0f} can't be right.")
            setattr(u, field_name, None)
        elif not value <= PEOPLE_ON_EARTH:
            shown = f"{value:,.0f}" if value < 1e15 else f"{value:.3g}"
            u.problems.append(f"{shown} {label} is more than everyone on Earth (about 8.3 billion).")
            setattr(u, field_name, None)

    bad("registered", "registered users")
    bad("concurrent", "users online at once")
    bad("peak", "users online at once at peak")
    for name_, label in (("concurrent_share", "The share of users online at once"), ("peak_share", "The peak share online")):
        value = getattr(u, name_)
        if value is not None and not 0 < value <= 1:
            u.problems.append(f"{label} must be between 0% and 100%; {value:.0%} can't be right.")
            setattr(u, name_, None)
    if u.growth is not None and not -0.5 <= u.growth <= 2.0:
        u.problems.append(f"A growth rate of {u.growth:.0%} a month is outside what I can plan "
                          "(between -50% and +200% a month).")
        u.growth = None
    if u.horizon is not None and not 0 <= u.horizon <= 60:
        u.problems.append(f"I can plan up to 60 months (5 years) ahead; {u.horizon} months is too far.")
        u.horizon = None
    for name_, label in (("added_per_month", "new users a month"), ("added_users", "more users")):
        value = getattr(u, name_)
        if value is not None and not 0 < value <= PEOPLE_ON_EARTH:
            u.problems.append(f"{value:,.0f} {label} is not something I can plan.")
            setattr(u, name_, None)
    for key, factor in list(u.multiply.items()):
        if not 0 < factor <= 1000:
            u.problems.append(f"A multiplier of {factor:g} is not something I can plan.")
            del u.multiply[key]


def as_dict(u: Understanding) -> dict[str, Any]:
    """The non-empty findings, for tests and debugging."""
    out = {k: v for k, v in u.__dict__.items() if v is not None and v is not False and v != [] and v != {} and v != set()}
    if "intents" in out:
        out["intents"] = sorted(out["intents"])
    return out
