"""The OpenAI-compatible backend: Chat Completions with tools, streamed, behind one retry layer.

Why Chat Completions and `create(stream=True)`: it is the protocol OpenAI, Azure and the local servers
(Ollama, vLLM, llama.cpp, LM Studio) all speak, and `create(stream=True)` tolerates servers that omit
`tool_calls[].index`, where the SDK's `.stream()` helper crashes (openai-python#2806).

Why tenacity with the SDK's retries off: one place decides what is retried (connection errors,
timeouts, 408/409/429/5xx), honours Retry-After, tells the person "retrying in N s", and never
retries a bad key or an exhausted quota, which get a plain-English message instead. Only opening the
request (up to the first chunk) is retried; a stream that has started is never replayed.
"""
from __future__ import annotations

import os
import time
from typing import Any, Callable

import openai
from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt, stop_after_delay
from tenacity import wait_random_exponential

from agent import redact
from agent.backends.stream_guard import GuardedStream, StreamStalled
from agent.backends.base import DEFAULT_MODEL, BackendError, Message, Reply, TextCallback, ToolCall, ToolSchema, Usage

PLACEHOLDER_KEY = "local"  # local servers ignore the key, but the SDK refuses to run without one
MAX_RETRY_AFTER_S = 120.0
Notify = Callable[[str], None]


def is_transient(exc: BaseException) -> bool:
    """Worth another attempt: the network, timeouts, rate limits and server errors; never 4xx mistakes."""
    if isinstance(exc, openai.RateLimitError) and _is_quota(exc):
        return False
    if isinstance(exc, (openai.APIConnectionError, openai.RateLimitError, openai.InternalServerError)):
        return True  # APIConnectionError includes APITimeoutError
    return isinstance(exc, openai.APIStatusError) and (exc.status_code in (408, 409) or exc.status_code >= 500)


def _is_quota(exc: openai.APIStatusError) -> bool:
    body = exc.body if isinstance(exc.body, dict) else {}
    err = body.get("error", body) if isinstance(body.get("error", body), dict) else {}
    return "insufficient_quota" in (exc.code, exc.type, err.get("code"), err.get("type"))


def retry_after_seconds(exc: BaseException | None) -> float | None:
    """The server's Retry-After (ms or s form), capped; None when it gave none (HTTP-date is ignored)."""
    headers = getattr(getattr(exc, "response", None), "headers", None) or {}
    for name, div in (("retry-after-ms", 1000.0), ("retry-after", 1.0)):
        try:
            return max(0.0, min(float(headers[name]) / div, MAX_RETRY_AFTER_S))
        except (KeyError, ValueError, TypeError):
            pass
    return None


class OpenAIBackend:
    """Streams replies and tool calls from any OpenAI-compatible server. See agent/backends/base.py."""

    name = "openai"

    def __init__(self, model: str | None = None, base_url: str | None = None, api_key: str | None = None, *,
                 timeout_s: float = 120.0, max_attempts: int = 4, max_retry_s: float = 90.0,
                 backoff_s: float = 1.0, notify: Notify | None = None) -> None:
        self.model = model or os.environ.get("CAPPLAN_MODEL") or DEFAULT_MODEL
        self.base_url = base_url or os.environ.get("OPENAI_BASE_URL") or None
        self._key = api_key or os.environ.get("OPENAI_API_KEY") or PLACEHOLDER_KEY
        redact.register(self._key if self._key != PLACEHOLDER_KEY else None)
        self.max_attempts = max_attempts
        self.max_retry_s = max_retry_s
        # a stream with no chunk for this long (keep-alives do not count), or a reply longer than the
        # deadline, is stopped: no server can hang a turn
        self.idle_timeout_s = float(os.environ.get("CAPPLAN_STREAM_IDLE_S") or 90.0)
        self.reply_deadline_s = float(os.environ.get("CAPPLAN_REPLY_DEADLINE_S") or 600.0)
        self._attempts = 0
        self.backoff_s = backoff_s
        self.notify: Notify = notify or (lambda _msg: None)
        self._client = openai.OpenAI(api_key=self._key, base_url=self.base_url, max_retries=0,
                                     timeout=openai.Timeout(timeout_s, connect=min(5.0, timeout_s)))

    def intro(self) -> str | None:
        return None

    def scrub(self, text: str) -> str:
        """Remove the API key (its fragments, and anything shaped like a key) from text for people or files."""
        return redact.scrub(text, [self._key if self._key != PLACEHOLDER_KEY else None])

    # -- the request --------------------------------------------------------------------------
    def respond(self, messages: list[Message], tools: list[ToolSchema], session: Any,
                on_text: TextCallback | None = None) -> Reply:
        started = time.perf_counter()
        try:
            stream, first = self._open(messages, tools)
        except KeyboardInterrupt:
            return Reply(interrupted=True, model_seconds=time.perf_counter() - started)
        except openai.OpenAIError as exc:
            raise BackendError(self.scrub(self._explain(exc))) from None
        except StreamStalled as exc:
            raise BackendError(f"The model server at {self.base_url or 'api.openai.com'} sent no reply ({exc}); "
                               "stopped waiting. Try again, or check the server.") from None
        except (ValueError, TypeError, KeyError, AttributeError) as exc:  # not an event stream at all
            raise BackendError(self.scrub(f"The model server at {self.base_url or 'api.openai.com'} did not send "
                                          f"a Chat Completions stream ({_short(exc)}). Is the base URL right "
                                          "(it usually ends in /v1)?")) from None
        if first is None:
            kind = stream.content_type() or "no content type"
            raise BackendError(f"The model server at {self.base_url or 'api.openai.com'} answered without any reply "
                               f"data ({redact.one_line(kind, 60)}), so it is probably not an OpenAI-compatible API. "
                               "Is the base URL right (it usually ends in /v1)?")
        reply = self._read(stream, first, on_text)
        reply.model_seconds = time.perf_counter() - started
        return reply

    def _open(self, messages: list[Message], tools: list[ToolSchema]) -> tuple[Any, Any]:
        """Open the stream and read its first chunk, retrying transient failures."""
        kwargs: dict[str, Any] = {"model": self.model, "messages": messages, "stream": True,
                                  "stream_options": {"include_usage": True}}
        if tools:
            kwargs["tools"] = tools
        self._attempts = 0
        for attempt in Retrying(retry=retry_if_exception(is_transient), wait=self._wait,
                                stop=stop_after_attempt(self.max_attempts) | stop_after_delay(self.max_retry_s),
                                before_sleep=self._before_sleep, reraise=True):
            with attempt:
                self._attempts = attempt.retry_state.attempt_number
                try:
                    stream = self._client.chat.completions.create(**kwargs)
                except openai.BadRequestError as exc:
                    if "stream_options" not in str(exc) or "stream_options" not in kwargs:
                        raise
                    kwargs.pop("stream_options")  # older local servers reject it; usage is then unknown
                    stream = self._client.chat.completions.create(**kwargs)
                guarded = GuardedStream(stream, self.idle_timeout_s, self.reply_deadline_s)
                try:
                    first = guarded.next()
                except BaseException:
                    guarded.close()
                    raise
                return guarded, first
        raise AssertionError("unreachable")  # pragma: no cover

    def _wait(self, rs: RetryCallState) -> float:
        exc = rs.outcome.exception() if rs.outcome else None
        server = retry_after_seconds(exc)
        if server is not None:
            return server
        return wait_random_exponential(multiplier=self.backoff_s, max=30 * self.backoff_s)(rs)

    def _before_sleep(self, rs: RetryCallState) -> None:
        exc = rs.outcome.exception() if rs.outcome else None
        wait = rs.next_action.sleep if rs.next_action else 0.0
        self.notify(self.scrub(f"{_short(exc)}; retrying in {wait:.1f} s (attempt {rs.attempt_number + 1} of up to {self.max_attempts})"))

    def _read(self, stream: GuardedStream, first: Any, on_text: TextCallback | None) -> Reply:
        """Keep every piece that arrived, whatever the server does next: a dropped stream, a stall or
        a malformed chunk ends the reply with a note (the session goes on); tool calls of a reply that
        did not finish cleanly are dropped, since their arguments may be cut short."""
        text: list[str] = []
        calls: dict[int, dict[str, Any]] = {}
        usage: Usage | None = None
        interrupted = broken = finished = False
        malformed: list[str] = []

        def take(chunk: Any) -> None:
            nonlocal usage, finished
            u = getattr(chunk, "usage", None)
            if u:
                usage = Usage(*(v if isinstance(v, int) and not isinstance(v, bool) else 0 for v in (
                    getattr(u, "prompt_tokens", 0), getattr(u, "completion_tokens", 0), getattr(u, "total_tokens", 0))))
            choices = getattr(chunk, "choices", None) or []
            if not isinstance(choices, list):
                raise TypeError(f"'choices' is {type(choices).__name__}, not a list")
            for choice in choices:
                finished = finished or bool(getattr(choice, "finish_reason", None))
                delta = getattr(choice, "delta", None)
                if delta is None:
                    continue
                content = getattr(delta, "content", None)
                if content:
                    if not isinstance(content, str):
                        raise TypeError(f"'content' is {type(content).__name__}, not text")
                    text.append(content)
                    if on_text:
                        on_text(content)
                tcs = getattr(delta, "tool_calls", None) or []
                if not isinstance(tcs, list):
                    raise TypeError(f"'tool_calls' is {type(tcs).__name__}, not a list")
                for tc in tcs:
                    _accumulate(calls, tc)

        chunk = first
        try:
            while chunk is not None:
                try:
                    take(chunk)
                except (TypeError, ValueError, AttributeError, KeyError) as exc:  # one bad chunk: skip it
                    malformed.append(_short(exc))
                chunk = stream.next()
        except KeyboardInterrupt:
            interrupted = True
        except openai.OpenAIError as exc:  # a dropped stream: keep what arrived, never replay it
            broken = True
            self.notify(self.scrub(f"the reply was cut off ({_short(exc)}); keeping what arrived"))
        except StreamStalled as exc:
            broken = True
            self.notify(f"the model server stopped sending ({exc}); keeping what arrived")
        except (ValueError, TypeError, KeyError, AttributeError) as exc:  # undecodable data: the stream is over
            broken = True
            self.notify(self.scrub(f"the model server sent a malformed chunk ({_short(exc)}); keeping what arrived"))
        finally:
            if interrupted or broken:
                stream.close()
        if not (finished or interrupted or broken):
            self.notify("the model server ended the reply without saying it was complete; it may be cut short")
        if malformed:
            self.notify(self.scrub(f"ignored {len(malformed)} malformed chunk(s) from the model server "
                                   f"({malformed[0]})"))
        tool_calls = [] if interrupted or broken else [
            ToolCall(id=c["id"] or f"call_{i}", name=c["name"], arguments=c["arguments"] or "{}")
            for i, c in sorted(calls.items()) if c["name"]]
        return Reply(text="".join(text), tool_calls=tool_calls, usage=usage, streamed=True, interrupted=interrupted)

    # -- plain-English errors -------------------------------------------------------------------
    def _attempt_text(self) -> str:
        n = self._attempts or 1
        return "1 attempt" if n == 1 else f"{n} attempts"

    def _explain(self, exc: openai.OpenAIError) -> str:
        where = self.base_url or "api.openai.com"
        if isinstance(exc, openai.AuthenticationError):
            return (f"The model server at {where} rejected the API key (401). Check OPENAI_API_KEY, "
                    "or run `capplan chat --offline` for the built-in guided mode.")
        if isinstance(exc, openai.RateLimitError) and _is_quota(exc):
            return ("The API account has no quota left (insufficient_quota): add credit or a payment method "
                    "in the provider's billing settings, then try again. Retrying would not help.")
        if isinstance(exc, openai.PermissionDeniedError):
            return f"The model server at {where} refused access (403) to model {self.model}."
        if isinstance(exc, openai.NotFoundError):
            return (f"The model server at {where} does not know model '{self.model}' (404). "
                    "Choose another with --model or CAPPLAN_MODEL.")
        if isinstance(exc, openai.APITimeoutError):
            return f"The model server at {where} did not answer in time after {self._attempt_text()}."
        if isinstance(exc, openai.APIConnectionError):
            return (f"Cannot reach the model server at {where} after {self._attempt_text()}. "
                    "Check the network or OPENAI_BASE_URL, or use --offline.")
        if isinstance(exc, openai.RateLimitError):
            return "The model server is still rate-limiting after several retries; wait a minute and try again."
        if isinstance(exc, openai.APIStatusError):
            return f"The model server answered {exc.status_code}: {_short(exc, 300)}"
        return f"The model request failed: {_short(exc, 300)}"


def _accumulate(calls: dict[int, dict[str, Any]], tc: Any) -> None:
    """Join tool-call deltas by index; a server that omits the index starts a call with each new id."""
    i = getattr(tc, "index", None)
    if isinstance(i, bool) or not isinstance(i, int):
        i = None  # a missing or malformed index (a string, say): join by id instead
    if i is None:
        ids = {c["id"] for c in calls.values()}
        i = len(calls) if (tc.id and tc.id not in ids) or not calls else max(calls)
    slot = calls.setdefault(i, {"id": None, "name": "", "arguments": ""})
    tc_id = getattr(tc, "id", None)
    slot["id"] = tc_id if isinstance(tc_id, str) and tc_id else slot["id"]
    fn = getattr(tc, "function", None)
    if fn:
        name, args = getattr(fn, "name", None), getattr(fn, "arguments", None)
        slot["name"] += name if isinstance(name, str) else ""
        slot["arguments"] += args if isinstance(args, str) else ""


def _short(exc: BaseException | None, limit: int = 120) -> str:
    if exc is None:
        return "error"
    status = getattr(exc, "status_code", None)
    label = {429: "rate limited (429)", 408: "timeout (408)"}.get(status or 0)
    if label:
        return label
    if status:
        return f"server error ({status})"
    if isinstance(exc, openai.APITimeoutError):
        return "timed out"
    if isinstance(exc, openai.APIConnectionError):
        return "connection failed"
    msg = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return msg[:limit]
