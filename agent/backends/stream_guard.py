"""Reading a server's event stream with a deadline, so no server can hang a turn.

Why a worker thread: the SDK's stream iterator skips SSE comments (`: keep-alive`) internally, so a
server that sends only keep-alives never gives control back, and the HTTP read timeout never fires
because bytes keep arriving. The worker reads the stream into a queue; the caller's (main) thread
waits for each chunk with the idle timeout and the whole reply's deadline, and Ctrl-C or SIGTERM
still reach it there. On a stall the response is closed, which ends the worker.
"""
from __future__ import annotations

import queue
import threading
import time
from typing import Any

_END = object()


class StreamStalled(Exception):
    """No chunk within the idle timeout, or the whole reply took longer than its deadline."""


class GuardedStream:
    def __init__(self, stream: Any, idle_s: float, deadline_s: float) -> None:
        self._stream = stream
        self.idle_s = idle_s
        self._deadline = time.monotonic() + deadline_s
        self._q: "queue.Queue[tuple[Any, BaseException | None]]" = queue.Queue()
        self.received = 0
        threading.Thread(target=self._work, name="capplan-stream", daemon=True).start()

    def _work(self) -> None:
        try:
            for chunk in self._stream:
                self._q.put((chunk, None))
        except BaseException as exc:  # noqa: BLE001 - handed to the reading thread, which decides
            self._q.put((None, exc))
            return
        self._q.put((_END, None))

    def next(self) -> Any:
        """The next chunk; None at the end of the stream. Raises StreamStalled, or what the worker hit."""
        left = self._deadline - time.monotonic()
        wait = min(self.idle_s, left)
        if wait <= 0:
            self.close()
            raise StreamStalled("the reply took longer than its deadline")
        try:
            chunk, exc = self._q.get(timeout=wait)
        except queue.Empty:
            self.close()
            if wait < self.idle_s:
                raise StreamStalled("the reply took longer than its deadline") from None
            raise StreamStalled(f"no data for {self.idle_s:g} s") from None
        if exc is not None:
            raise exc
        if chunk is _END:
            return None
        self.received += 1
        return chunk

    def content_type(self) -> str:
        response = getattr(self._stream, "response", None)
        headers = getattr(response, "headers", None) or {}
        try:
            return str(headers.get("content-type") or "")
        except Exception:  # noqa: BLE001 - only used to word a message
            return ""

    def close(self) -> None:
        for target in (self._stream, getattr(self._stream, "response", None)):
            close = getattr(target, "close", None)
            if close is not None:
                try:
                    close()
                except Exception:  # noqa: BLE001 - closing a broken stream must not mask the reply
                    pass
