"""A browser turn: the chat loop runs on a worker thread; its hooks become Server-Sent Events.

Why a thread per turn and the session loaded from the store each time: the loop, the backends and the
tools are the synchronous code `capplan chat` runs; the event loop keeps serving other sessions while
one thinks. Loading and saving through the store means a restart, a second tab or a second server
process sees the same session. One turn per session at a time (a second gets 409); a turn whose page
was closed still finishes and is saved.

Events (`event: NAME`, `data: JSON`): `turn_start` {text}, `reply_start`, `text` {text}, `reply_end`, `tool_start` {id, name,
arguments}, `tool_end` {id, name, ok, summary}, `plan` {scenario view}, `notice` {text}, `error`
{message}, and last `done` {session}. Every payload is scrubbed of secrets.
"""
from __future__ import annotations

import asyncio
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any, AsyncIterator, Callable

from agent.backends.base import Reply, ToolCall
from agent.hooks import LoopHooks
from agent.session import ScenarioRecord, Session
from agent.tools import ToolResult
from agent.web import views
from agent.web.store import Conflict, Row, SessionStore

log = logging.getLogger("capplan.web")
Emit = Callable[[str, dict[str, Any]], None]
BackendFactory = Callable[[Callable[[str], None]], Any]  # notify -> a Backend


class WebListener(LoopHooks):
    """Turns the loop's reports into events for one browser request."""

    def __init__(self, emit: Emit) -> None:
        self.emit = emit

    def turn_start(self, text: str) -> None:
        self.emit("turn_start", {"text": text})

    def reply_start(self) -> None:
        self.emit("reply_start", {})

    def text_delta(self, text: str) -> None:
        self.emit("text", {"text": text})

    def reply_end(self, reply: Reply) -> None:
        self.emit("reply_end", {"interrupted": reply.interrupted})

    def tool_start(self, call: ToolCall) -> None:
        self.emit("tool_start", {"id": call.id, "name": call.name, "arguments": views.short_arguments(call.arguments)})

    def tool_end(self, call: ToolCall, result: ToolResult, session: Session) -> None:
        self.emit("tool_end", {"id": call.id, "name": call.name, "ok": result.ok,
                               "summary": views.tool_summary(result.content)})

    def plan_made(self, record: ScenarioRecord, session: Session) -> None:
        view = views.scenario_view(session, record)
        if view is not None:
            self.emit("plan", view)

    def notice(self, text: str) -> None:
        self.emit("notice", {"text": text})

    def error(self, message: str) -> None:
        self.emit("error", {"message": message})


def sse(event: str, data: dict[str, Any]) -> bytes:
    return f"event: {event}\ndata: {views.safe_json(data)}\n\n".encode("utf-8")


class TurnService:
    def __init__(self, store: SessionStore, make_backend: BackendFactory, workers: int = 32) -> None:
        self.store = store
        self.make_backend = make_backend
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="capplan-turn")
        self._locks: dict[str, asyncio.Lock] = {}

    def lock(self, sid: str) -> asyncio.Lock:
        return self._locks.setdefault(sid, asyncio.Lock())

    async def call(self, fn: Callable[..., Any], *args: Any) -> Any:
        """Run blocking store work off the event loop."""
        return await asyncio.get_running_loop().run_in_executor(self.pool, fn, *args)

    async def stream(self, row: Row, work: Callable[[Any], None], lock: asyncio.Lock) -> AsyncIterator[bytes]:
        """Run `work(chat_loop)` for the session in `row` (lock already held); yield its events."""
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[tuple[str, dict[str, Any]] | None] = asyncio.Queue()

        def emit(event: str, data: dict[str, Any]) -> None:
            loop.call_soon_threadsafe(queue.put_nowait, (event, data))

        def job() -> None:
            try:
                self._run(row, work, emit)
            finally:
                loop.call_soon_threadsafe(queue.put_nowait, None)
                loop.call_soon_threadsafe(lock.release)  # released when the turn ends, even if the page left

        loop.run_in_executor(self.pool, job)
        while True:
            item = await queue.get()
            if item is None:
                return
            yield sse(*item)

    def _run(self, row: Row, work: Callable[[Any], None], emit: Emit) -> None:
        from agent import transcript
        from agent.loop import ChatLoop

        try:
            session = transcript.session_from_data(row.data, "session")
            backend = self.make_backend(lambda text: emit("notice", {"text": text}))
            chat = ChatLoop(backend, session, hooks=[WebListener(emit)])
            work(chat)
            saved = time.time()
            revision = self.store.save(row.id, transcript.to_json(session), row.revision, views.title_of(session))
            emit("done", {"session": {"id": row.id, "title": views.title_of(session), "updated_at": saved,
                                      "revision": revision, "final": session.final,
                                      "scenarios": list(session.scenarios)}})
        except Conflict:
            emit("error", {"message": "This session was changed in another tab or server since it was opened; "
                                      "reload the page to see the latest and try again."})
        except Exception as exc:  # noqa: BLE001 - a turn must end with a message, never a hung stream
            log.error("turn failed in session %s: %s", row.id, type(exc).__name__)
            emit("error", {"message": f"Something went wrong on the server ({type(exc).__name__}); "
                                      "the conversation so far is kept."})
