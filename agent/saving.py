"""Saving a conversation's transcript: a listener of the chat loop, not a part of it.

Why a listener: the loop only reports that a turn ended or that the person asked to save; this object
knows the person's path (`--save`, `/save PATH`, or the resumed file) and writes both files after
every turn, so a crash loses at most the turn being typed. `say` and `warn` are how it tells the
person (the terminal UI's info/error); the browser app keeps sessions in its store instead.
"""
from __future__ import annotations

import time
from pathlib import Path
from typing import Callable

from agent.hooks import LoopHooks
from agent.session import Session

Say = Callable[[str], None]


def _quiet(_: str) -> None:
    return None


class TranscriptSaver(LoopHooks):
    def __init__(self, session: Session, path: str | Path | None = None, secrets: tuple[str, ...] = (),
                 say: Say = _quiet, warn: Say = _quiet) -> None:
        self.session = session
        self.path = Path(path) if path else None
        self.secrets = secrets
        self.say = say
        self.warn = warn

    def save(self, path: str | Path | None = None) -> None:
        """Save now (the person asked): a new path becomes the autosave path from here on."""
        from agent import transcript

        if path:
            self.path = Path(path)
        if self.path is None:
            self.path = Path(time.strftime("capplan-chat-%Y%m%d-%H%M%S.md"))
        try:
            md, js = transcript.save(self.session, self.path, self.secrets)
        except OSError as exc:
            self.warn(f"Could not save to {self.path}: {exc.strerror or exc}")
            return
        self.say(f"Saved {md} and {js}")

    def autosave(self) -> None:
        if self.path is None:
            return
        from agent import transcript

        try:
            transcript.save(self.session, self.path, self.secrets)
        except OSError as exc:
            self.warn(f"Autosave to {self.path} failed: {exc.strerror or exc}")

    # -- hooks ---------------------------------------------------------------------------------------
    def save_requested(self) -> None:
        self.save()

    def turn_end(self, timing: dict[str, float]) -> None:
        started = time.perf_counter()
        self.autosave()  # the saved row lacks its own save time; the next save (or the last) has it
        timing["save_s"] = round(time.perf_counter() - started, 4)
