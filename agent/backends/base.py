"""The one interface every chat backend speaks: the OpenAI-compatible one (`agent/backends/openai_compatible.py`) and the
built-in guided one (`agent/guided/backend.py`).

Why one small interface: the loop, the tools, the what-ifs and the transcripts must be the same code
whichever "model" answers (DESIGN.md, "The conversational agent"). A backend only decides *what to
say or which tools to call next*; it never runs tools, never touches files, never prints.

How backends are chosen (agent/commands/chat.py): with OPENAI_API_KEY or OPENAI_BASE_URL (or
--base-url) set and no --offline, `agent.backends.openai_compatible.OpenAIBackend`; otherwise the guided one, constructed as
`agent.guided.backend.GuidedBackend()` with no arguments (imported lazily).

Contract of `Backend.respond(messages, tools, session, on_text)`
----------------------------------------------------------------
Inputs (all read-only for the backend):
- `messages`: the conversation so far in Chat Completions shape, oldest first, system prompt first:
    {"role": "system",    "content": str}
    {"role": "user",      "content": str}
    {"role": "assistant", "content": str | None, "tool_calls": [{"id", "type": "function",
                                          "function": {"name": str, "arguments": str (JSON text)}}]}
    {"role": "tool",      "tool_call_id": str, "content": str}   # the compact tool result text
  The last message is either the person's new line (`user`) or the results of the tool calls the
  backend asked for in its previous reply (`tool` messages). In the second case, answer in words (or
  ask for more tools); the loop caps tool rounds per user turn (`MAX_TOOL_ROUNDS` in agent/loop.py).
- `tools`: the tool schemas in Chat Completions shape, `[{"type": "function", "function": {"name",
  "description", "parameters": <JSON Schema>}}]` (from `agent.tools.ToolRegistry.schemas()`).
  Tool names and arguments are documented in `agent/tools.py`: forecast, what_if, compare, explain,
  assumptions, adopt, show_plan.
- `session`: the `agent.session.Session`: scenarios by name (`session.scenarios`, creation order),
  `session.final_name`, `session.baseline_name`, and `session.backend_state`, a JSON-serialisable dict
  the backend may read and *write* for its own memory (e.g. the guided backend's pending question).
  It is saved in the transcript and restored by `--resume`, so keep only plain JSON values in it.
- `on_text`: call it with each piece of visible text as it is produced (streaming); the loop renders
  it live. Calling it is optional: text returned in `Reply.text` that was never passed to `on_text`
  is rendered by the loop at the end (set `Reply.streamed=False`, the default, in that case).

Output: a `Reply`. `text` (may be empty) and/or `tool_calls`. `ToolCall.arguments` is the raw JSON text
(the loop parses and validates it; malformed text becomes an error result for the backend, not a
crash). Give every call a unique `id` within the conversation (e.g. "call_1", "call_2"...).
`save=True` means the *person* asked to save (e.g. typed "save it"): the loop saves to the path the
person configured (`--save`, or `/save PATH`), never to a path chosen by a backend.

Errors: raise `BackendError(message)` with a plain-English message for the person (bad key, no quota,
server unreachable after retries). The loop shows it and keeps the session; the person can retry.
The message must never contain an API key. On KeyboardInterrupt during a streamed reply, stop, and
return what was produced with `interrupted=True` (the loop keeps the partial text in the history).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Protocol, runtime_checkable

# The chat agent's own model (here, not in openai_compatible, so `--help` names it without importing openai): OpenAI's current "mini" tier, the class gpt-5-mini held before its deprecation
# (2026-12-11, LiteLLM deprecation_date). gpt-5.4-mini: $0.75/$4.50 per M in/out, 272k context, no
# deprecation date (LiteLLM price map, litellm 1.110.2, 2026-11-27; ../shared/reference/catalog_facts.json).
# A mini model, not the cheapest (gpt-6-luna), because the agent's whole job is reliable tool calls.
DEFAULT_MODEL = "gpt-5.4-mini"

if TYPE_CHECKING:  # only for type hints: keeps start-up free of the session's imports
    from agent.session import Session

Message = dict[str, Any]
ToolSchema = dict[str, Any]
TextCallback = Callable[[str], None]


@dataclass
class ToolCall:
    """A request to run one tool. `arguments` stays raw text so a malformed one can be reported back."""

    id: str
    name: str
    arguments: str = "{}"

    def to_message(self) -> dict[str, Any]:
        return {"id": self.id, "type": "function", "function": {"name": self.name, "arguments": self.arguments}}


@dataclass
class Usage:
    """Token counts as the server reported them; zero for the guided backend."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0


@dataclass
class Reply:
    text: str = ""
    tool_calls: list[ToolCall] = field(default_factory=list)
    usage: Usage | None = None
    streamed: bool = False  # True if every character of `text` already went through on_text
    interrupted: bool = False  # Ctrl-C stopped the reply; `text` is what arrived before it
    save: bool = False  # the person asked to save; the loop uses the person's own path
    model_seconds: float = 0.0  # time spent waiting for the model (excluded from agent overhead)


class BackendError(Exception):
    """A failure the person should read in plain English; the session continues."""


@runtime_checkable
class Backend(Protocol):
    """What the chat loop needs from a model. See the module docstring for the full contract."""

    name: str  # "openai" or "guided": recorded in transcripts
    model: str  # model id ("gpt-5-mini") or "guided"

    def intro(self) -> str | None:
        """Text shown once when a new session starts (e.g. guided mode says how to connect a model)."""
        ...

    def respond(self, messages: list[Message], tools: list[ToolSchema], session: "Session",
                on_text: TextCallback | None = None) -> Reply:
        """Return the next assistant step: words, tool calls, or both."""
        ...
