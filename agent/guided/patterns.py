"""The words the guided mode's readers key on, as one regular expression per rule.

Why a module of its own: these are the guided mode's vocabulary of cue words (what "online at once",
"peak", "grow", "what if" look like); the readers in `intents.py`, `quantities.py` and `meanings.py`
use them, and a new phrasing is added here, in one place. Typo-tolerant keywords and shorthand are in
`typos.py`, applied before these run; the words for a plan's figures ("why so many GPUs?") are the plan's own
(`forecasting/vocabulary.py`, METRIC_WORDS), which the explain tool reads too.
"""
from __future__ import annotations

import re

MAX_CHARS = 4000  # a pasted essay is read up to here; nobody describes a workload in more

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
    r"\b(?P<word>doubl\w*|tripl\w*|quadrupl\w*|twice|halv\w*|half)\b|(?<![\w.])(?:(?P<xlo>\d+(?:\.\d+)?)\s*(?:-|–|to)\s*)?(?P<x>\d+(?:\.\d+)?)\s*(?:x|×|times)(?!\w)"
    r"|(?<![\w.])x\s*(?P<x2>\d+(?:\.\d+)?)\b|\b(?P<w2>two|three|four|five|ten)\s+times\b", _I)
_MULT_WORDS = {"doubl": 2.0, "twice": 2.0, "tripl": 3.0, "quadrupl": 4.0, "halv": 0.5, "half": 0.5,
               "two": 2.0, "three": 3.0, "four": 4.0, "five": 5.0, "ten": 10.0}
EVERY = re.compile(r"\s*(?:(?:every|each|per|a|an|in(?:\s+(?:a|one))?|over\s+(?:the|a|one)(?:\s+(?:next|coming))?|within\s+(?:a|one)|this)\s+(?:(?P<n>\d+(?:\.\d+)?|two|three|six|twelve|eighteen)\s+)?"
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

# Questions answered by the uncertainty, serving-options and usage-file tools (issues 9, 10, 13)
OPTIONS = re.compile(r"\bshould (?:we|i) (?:self[- ]?host|host (?:it )?ourselves|run (?:it|our own))\b|\bcheapest (?:way|option|setup)\b"
                     r"|\bpays? (?:off|for itself)\b|\bbreak[- ]?even\b|\bworth (?:it )?(?:to )?self[- ]?host\w*\b"
                     r"|\bserving options\b|\bhosted (?:api )?or (?:self[- ]?host\w*|our own)\b|\bapi or (?:self[- ]?host\w*|our own gpus)\b", _I)
HOW_SURE = re.compile(r"\bhow (?:sure|certain|confident|accurate|reliable)\b|\bhow much (?:could|might) (?:it|that|this) (?:vary|change)\b"
                      r"|\b(?:margin of error|error bars?|confidence interval)\b", _I)
WHAT_MATTERS = re.compile(r"\bwhat matters (?:the )?most\b|\bmatters most\b|\bwhich (?:assumptions?|inputs?|factors?|figures?)\b.{0,30}"
                          r"\b(?:drives?|matters?|moves?|affects?)\b|\bwhat drives the cost\b|\bbiggest (?:cost )?drivers?\b", _I)
USAGE_PATH = re.compile(r"(?<![\w/.~-])((?:~/|\.{1,2}/|/)?(?:[\w.-]+/)*[\w-][\w.-]*\.(?:csv|jsonl|ndjson|json|prom|txt|log))(?![\w/])", _I)
USAGE_CALIBRATE = re.compile(r"\bcalibrat\w*|\bmeasure\w*|\banaly[sz]\w*|\bread (?:it|this|the|our)?\b|\bplan from\b|\blearn from\b", _I)
USAGE_COMPARE = re.compile(r"\bcompar\w*|\bagainst\b|\bvs\.?\b|\bversus\b|\bcheck\w*|\bhow (?:close|far|accurate)\b", _I)

# Shares said with their base ("1-2% of our 200k users are online at once", "at peak 3-4% are on")
SHARE_OF = re.compile(r"\s*of\s+(?:our|the|all|its|their|my|them|those)?\s*$", _I)  # the share's words run past the count
SHARE_BEFORE = re.compile(r"%\s*of\s+(?:our|the|all|its|their|my|those)?\s*$", _I)  # the count a share is of
ARE_ON = re.compile(r"\s*(?:of\s+(?:them|users|us)\s+)?(?:are|is)\s+(?:on|on it|on the app|using it|active|logged on)\b", _I)
