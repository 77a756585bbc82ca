"""A local server speaking the OpenAI Chat Completions wire format (JSON and streaming SSE), for
offline tests, demos and benchmarks.

Why a real HTTP server: the openai SDK 3.x runs on httpx2, so httpx-level mocks silently do nothing;
a stdlib server on 127.0.0.1:0 exercises the real client, HTTP, SSE, timeouts and retries, and never
touches the network. Callers push scripted turns (or give a responder); the server records every
request it receives. It lives in the package, not in tests/, so the benchmarks can use it too.
"""
from __future__ import annotations

import json
import queue
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable


@dataclass
class Turn:
    """One scripted answer. `tool_calls`: [{"name", "arguments" (str or dict), "id"?}]."""

    content: str = ""
    tool_calls: list[dict[str, Any]] = field(default_factory=list)
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    error: dict[str, Any] | None = None  # body of an error response, e.g. {"error": {"code": ...}}
    delay_s: float = 0.0  # before the response headers (a slow server)
    raw_sse: str | None = None  # send this body verbatim as the event stream
    piece: int = 6  # split text and arguments into deltas of this many characters
    omit_index: bool = False  # leave tool_calls[].index out, as some local servers do
    usage: tuple[int, int] = (50, 10)
    chunk_delay_s: float = 0.0  # pause between streamed events (a slow generation, for interrupt tests)
    # misbehaving-server modes (the hostile suite): see MODES
    mode: str | None = None
    keepalive_s: float = 30.0  # mode "keepalive": how long to send only comments before giving up


# What a misbehaving server can do, by name (Turn.mode):
MODES = {
    "malformed_json": "the content so far, then `data: {not json}`, then more content",
    "choices_not_list": 'a chunk whose "choices" is the number 5, between good chunks',
    "string_index": 'tool-call deltas whose "index" is the string "0"',
    "bad_content_type": 'a chunk whose delta "content" is a number',
    "keepalive": "SSE comments (`: keep-alive`) only, every 50 ms, never a data event",
    "html_200": "HTTP 200 with an HTML page instead of an event stream",
    "truncated": "half the content, then the connection closes without [DONE]",
    "empty_200": "HTTP 200 event stream with no events at all",
}


@dataclass
class Request:
    path: str
    headers: dict[str, str]
    body: dict[str, Any]


class FakeOpenAIServer:
    """Speaks just enough Chat Completions (JSON and SSE) for the chat agent."""

    def __init__(self, responder: Callable[[dict[str, Any]], Turn] | None = None) -> None:
        self.turns: "queue.Queue[Turn]" = queue.Queue()
        self.requests: list[Request] = []
        self.events_sent = 0  # streamed SSE events written so far (tests wait on it)
        self.responder = responder
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.02},
                                        daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def push(self, *turns: Turn) -> None:
        for t in turns:
            self.turns.put(t)

    def next_turn(self, body: dict[str, Any]) -> Turn:
        try:
            return self.turns.get_nowait()
        except queue.Empty:
            return self.responder(body) if self.responder else Turn(content="(no scripted turn left)")

    def __enter__(self) -> "FakeOpenAIServer":
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


def _handler_for(fake: FakeOpenAIServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *_args: Any) -> None:  # keep test output clean
            pass

        def do_POST(self) -> None:  # noqa: N802 - http.server's naming
            length = int(self.headers.get("content-length") or 0)
            raw = self.rfile.read(length) if length else b"{}"
            try:
                body = json.loads(raw or b"{}")
            except ValueError:
                body = {}
            fake.requests.append(Request(self.path, {k.lower(): v for k, v in self.headers.items()}, body))
            turn = fake.next_turn(body)
            try:
                if turn.delay_s:
                    time.sleep(turn.delay_s)
                if turn.status != 200:
                    self._json(turn.status, turn.error or {"error": {"message": f"fake error {turn.status}",
                                                                     "type": "server_error", "code": None}},
                               turn.headers)
                elif body.get("stream"):
                    self._sse(turn, body)
                else:
                    self._json(200, _completion(turn, body), turn.headers)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def _json(self, status: int, payload: dict[str, Any], headers: dict[str, str]) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            for k, v in headers.items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)

        def _misbehave(self, turn: Turn, body: dict[str, Any]) -> None:
            def send(event: Any) -> None:
                text = event if isinstance(event, str) else json.dumps(event)
                self.wfile.write(f"data: {text}\n\n".encode())
                self.wfile.flush()
                fake.events_sent += 1

            events = _chunks(turn, body, False)
            if turn.mode == "string_index":
                for e in events:
                    for c in (e.get("choices") or []):
                        for tc in (c.get("delta") or {}).get("tool_calls") or []:
                            tc["index"] = str(tc.get("index", 0))
            head, tail = events[:len(events) // 2], events[len(events) // 2:]
            if turn.mode == "keepalive":
                end = time.monotonic() + turn.keepalive_s
                while time.monotonic() < end:
                    self.wfile.write(b": keep-alive\n\n")
                    self.wfile.flush()
                    time.sleep(0.05)
                return
            if turn.mode == "empty_200":
                return
            if turn.mode == "truncated":
                for e in head:
                    send(e)
                return
            for e in head:
                send(e)
            if turn.mode == "malformed_json":
                send("{not json")
            elif turn.mode == "choices_not_list":
                send({**_base(body, "chat.completion.chunk"), "choices": 5})
            elif turn.mode == "bad_content_type":
                send({**_base(body, "chat.completion.chunk"),
                      "choices": [{"index": 0, "delta": {"content": 42}, "finish_reason": None}]})
            for e in tail:
                send(e)
            self.wfile.write(b"data: [DONE]\n\n")

        def _html(self) -> None:
            page = b"<!doctype html><html><body><h1>Welcome to nginx!</h1></body></html>"
            self.send_response(200)
            self.send_header("content-type", "text/html")
            self.send_header("content-length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)

        def _sse(self, turn: Turn, body: dict[str, Any]) -> None:
            if turn.mode == "html_200":
                self._html()
                return
            self.send_response(200)
            self.send_header("content-type", "text/event-stream")
            self.send_header("connection", "close")
            for k, v in turn.headers.items():
                self.send_header(k, v)
            self.end_headers()
            if turn.mode:
                self._misbehave(turn, body)
            elif turn.raw_sse is not None:
                self.wfile.write(turn.raw_sse.encode())
            else:
                include_usage = bool((body.get("stream_options") or {}).get("include_usage"))
                for event in _chunks(turn, body, include_usage):
                    self.wfile.write(f"data: {json.dumps(event)}\n\n".encode())
                    fake.events_sent += 1
                    if turn.chunk_delay_s:
                        self.wfile.flush()
                        time.sleep(turn.chunk_delay_s)
                self.wfile.write(b"data: [DONE]\n\n")
            self.wfile.flush()
            self.close_connection = True

    return Handler


def _args_text(call: dict[str, Any]) -> str:
    args = call.get("arguments", {})
    return args if isinstance(args, str) else json.dumps(args)


def _base(body: dict[str, Any], obj: str) -> dict[str, Any]:
    return {"id": "chatcmpl-fake", "object": obj, "created": 1700000000, "model": body.get("model", "fake")}


def _completion(turn: Turn, body: dict[str, Any]) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": turn.content or None}
    if turn.tool_calls:
        message["tool_calls"] = [{"id": c.get("id", f"call_{i}"), "type": "function",
                                  "function": {"name": c["name"], "arguments": _args_text(c)}}
                                 for i, c in enumerate(turn.tool_calls)]
    p, c = turn.usage
    return {**_base(body, "chat.completion"),
            "choices": [{"index": 0, "message": message, "logprobs": None,
                         "finish_reason": "tool_calls" if turn.tool_calls else "stop"}],
            "usage": {"prompt_tokens": p, "completion_tokens": c, "total_tokens": p + c}}


def _chunks(turn: Turn, body: dict[str, Any], include_usage: bool) -> list[dict[str, Any]]:
    base = _base(body, "chat.completion.chunk")

    def chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
        return {**base, "choices": [{"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}]}

    out = [chunk({"role": "assistant", "content": ""})]
    n = max(1, turn.piece)
    out += [chunk({"content": turn.content[i:i + n]}) for i in range(0, len(turn.content), n)]
    for idx, call in enumerate(turn.tool_calls):
        head: dict[str, Any] = {"id": call.get("id", f"call_{idx}"), "type": "function",
                                "function": {"name": call["name"], "arguments": ""}}
        if not turn.omit_index:
            head["index"] = idx
        out.append(chunk({"tool_calls": [head]}))
        text = _args_text(call)
        for i in range(0, len(text), n):
            part: dict[str, Any] = {"function": {"arguments": text[i:i + n]}}
            if not turn.omit_index:
                part["index"] = idx
            out.append(chunk({"tool_calls": [part]}))
    out.append(chunk({}, "tool_calls" if turn.tool_calls else "stop"))
    if include_usage:
        p, c = turn.usage
        out.append({**base, "choices": [], "usage": {"prompt_tokens": p, "completion_tokens": c,
                                                      "total_tokens": p + c}})
    return out
