"""The OpenAI backend against the local fake server: streaming, tool-call deltas, retries, errors."""
from __future__ import annotations

from typing import Iterator

import pytest

from agent.backends.base import Backend, BackendError
from agent.backends.openai_compatible import OpenAIBackend, is_transient
from agent.backends.local_server import FakeOpenAIServer, Turn

KEY = "sk-test-SECRETKEY1234567890"
HI = [{"role": "user", "content": "hi"}]


@pytest.fixture
def server() -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer() as srv:
        yield srv


@pytest.fixture
def notes() -> list[str]:
    return []


@pytest.fixture
def backend(server: FakeOpenAIServer, notes: list[str]) -> OpenAIBackend:
    return OpenAIBackend("fake-model", server.base_url, KEY, timeout_s=0.5, backoff_s=0.01, notify=notes.append)


def test_speaks_the_backend_protocol(backend: OpenAIBackend) -> None:
    assert isinstance(backend, Backend)
    assert backend.intro() is None and backend.name == "openai"


def test_streams_text_and_accumulates_tool_calls(server: FakeOpenAIServer, backend: OpenAIBackend) -> None:
    server.push(Turn(content="Let me plan that.", piece=3, tool_calls=[
        {"id": "call_a", "name": "forecast", "arguments": {"app_type": "chatbot", "registered_users": 5}},
        {"id": "call_b", "name": "assumptions", "arguments": "{}"}]))
    seen: list[str] = []
    reply = backend.respond(HI, [{"type": "function", "function": {"name": "forecast", "parameters": {}}}],
                            None, seen.append)
    assert "".join(seen) == reply.text == "Let me plan that."
    assert len(seen) > 3 and reply.streamed
    assert [(c.id, c.name) for c in reply.tool_calls] == [("call_a", "forecast"), ("call_b", "assumptions")]
    assert reply.tool_calls[0].arguments == '{"app_type": "chatbot", "registered_users": 5}'
    assert reply.usage is not None and reply.usage.total_tokens == 60
    body = server.requests[0].body
    assert body["stream"] is True and body["stream_options"] == {"include_usage": True}
    assert body["model"] == "fake-model" and body["tools"][0]["function"]["name"] == "forecast"
    assert server.requests[0].headers["authorization"] == f"Bearer {KEY}"


def test_tool_calls_without_index(server: FakeOpenAIServer, backend: OpenAIBackend) -> None:
    server.push(Turn(omit_index=True, tool_calls=[{"id": "c1", "name": "forecast", "arguments": {"a": 1}},
                                                  {"id": "c2", "name": "compare", "arguments": {"names": ["x"]}}]))
    reply = backend.respond(HI, [], None)
    assert [(c.id, c.name, c.arguments) for c in reply.tool_calls] == [
        ("c1", "forecast", '{"a": 1}'), ("c2", "compare", '{"names": ["x"]}')]


def test_malformed_arguments_pass_through_raw(server: FakeOpenAIServer, backend: OpenAIBackend) -> None:
    server.push(Turn(tool_calls=[{"name": "forecast", "arguments": '{"app_type": "chat'}]))
    reply = backend.respond(HI, [], None)
    assert reply.tool_calls[0].arguments == '{"app_type": "chat'


def test_retries_429_with_retry_after_then_500_then_timeout(server: FakeOpenAIServer, backend: OpenAIBackend,
                                                             notes: list[str]) -> None:
    server.push(Turn(status=429, headers={"retry-after": "0.05"}), Turn(status=500), Turn(delay_s=0.8),
                Turn(content="ok"))
    reply = backend.respond(HI, [], None)
    assert reply.text == "ok"
    assert len(server.requests) == 4  # the SDK's own retries are off: one HTTP request per attempt
    assert notes[0].startswith("rate limited (429); retrying in 0.1 s (attempt 2 of up to 4)")
    assert "server error (500)" in notes[1] and "timed out" in notes[2]


def test_gives_up_after_max_attempts(server: FakeOpenAIServer, backend: OpenAIBackend) -> None:
    server.push(*[Turn(status=503) for _ in range(4)])
    with pytest.raises(BackendError, match="answered 503"):
        backend.respond(HI, [], None)
    assert len(server.requests) == 4


@pytest.mark.parametrize("turn, message", [
    (Turn(status=401, error={"error": {"message": f"Incorrect API key provided: {KEY}", "type": "invalid_request_error",
                                       "code": "invalid_api_key"}}), "rejected the API key"),
    (Turn(status=429, error={"error": {"message": "You exceeded your current quota", "type": "insufficient_quota",
                                       "code": "insufficient_quota"}}), "no quota left"),
    (Turn(status=400, error={"error": {"message": f"bad request for key {KEY}", "type": "invalid_request_error"}}),
     "answered 400"),
    (Turn(status=404, error={"error": {"message": "model not found"}}), "does not know model 'fake-model'"),
])
def test_no_retry_for_bad_key_quota_or_bad_request(server: FakeOpenAIServer, backend: OpenAIBackend, turn: Turn,
                                                   message: str) -> None:
    server.push(turn)
    with pytest.raises(BackendError, match=message) as info:
        backend.respond(HI, [], None)
    assert len(server.requests) == 1
    assert KEY not in str(info.value)


def test_unreachable_server_is_plain_english(notes: list[str]) -> None:
    with FakeOpenAIServer() as srv:
        url = srv.base_url
    b = OpenAIBackend("m", url, KEY, timeout_s=0.3, backoff_s=0.01, max_attempts=2, notify=notes.append)
    with pytest.raises(BackendError, match="Cannot reach the model server"):
        b.respond(HI, [], None)
    assert len(notes) == 1 and "connection failed" in notes[0]


def test_cut_off_stream_keeps_partial_text(server: FakeOpenAIServer, backend: OpenAIBackend, notes: list[str]) -> None:
    chunk = ('data: {"id":"x","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,'
             '"delta":{"content":"Partial answ"},"finish_reason":null}]}\n\n'
             'data: {"error": {"message": "overloaded", "type": "server_error"}}\n\n')
    server.push(Turn(raw_sse=chunk))
    reply = backend.respond(HI, [], None)
    # the server cut it, not the person: kept, noted, and not marked as a Ctrl-C
    assert reply.text == "Partial answ" and not reply.interrupted and not reply.tool_calls
    assert len(server.requests) == 1  # a started stream is never replayed
    assert any("cut off" in n for n in notes)


def test_transient_classification() -> None:
    import httpx2
    import openai

    def status(code: int, body: object = None) -> openai.APIStatusError:
        resp = httpx2.Response(code, request=httpx2.Request("POST", "http://x"))
        cls = {429: openai.RateLimitError, 500: openai.InternalServerError, 401: openai.AuthenticationError}.get(
            code, openai.APIStatusError)
        return cls("e", response=resp, body=body)

    assert is_transient(status(429)) and is_transient(status(500)) and is_transient(status(408))
    assert is_transient(status(409))
    assert not is_transient(status(401)) and not is_transient(status(400))
    assert not is_transient(status(429, {"error": {"code": "insufficient_quota"}}))


def test_server_rejecting_stream_options_is_retried_without(server: FakeOpenAIServer, backend: OpenAIBackend) -> None:
    server.push(Turn(status=400, error={"error": {"message": "unknown field stream_options"}}), Turn(content="ok"))
    assert backend.respond(HI, [], None).text == "ok"
    assert "stream_options" not in server.requests[1].body
