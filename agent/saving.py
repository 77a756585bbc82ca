"""Saving a conversation's transcript: a listener of the chat loop, not a part of it.

Why a listener: the loop only reports that a turn ended or that the person asked to save; this object
knows the person's path (`--save`, `/save PATH`, or the resumed file) and writes both files after
every turn, so a crash loses at most the turn being typed. `say` and `warn` are how it tells the
person (the terminal UI's info/error); the browser app keeps sessions in its store instead.

Nothing saved is destroyed:
- another session (or an editor) may write the same file; before each save the file is compared
  with what this session last wrote (or found at start), under a lock on its folder, and if it
  changed, this session saves beside it (`t-2.md`) and says so, instead of overwriting it;
- `/reset` keeps the file as it was and starts a new one (`fork`);
- `save()` returns False when the file could not be written, so the command can exit non-zero.
"""
from __future__ import annotations

import contextlib
import os
import time
from pathlib import Path
from typing import Callable, Iterator

from agent.hooks import LoopHooks
from agent.session import Session

Say = Callable[[str], None]


def _quiet(_: str) -> None:
    return None


Fingerprint = tuple[int, int, int] | None  # (inode, mtime ns, size); None: no file


def fingerprint(path: Path) -> Fingerprint:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_ino, st.st_mtime_ns, st.st_size)


def check_target(path: str | Path, what: str = "--save") -> str | None:
    """Why `path` cannot take a transcript (its .md and .json), or None: the same rule for --save and /save."""
    from agent import transcript
    from agent.files import writable_folder

    md, js = transcript.paths_for(path)
    for target in (Path(path).expanduser(), md, js):
        if target.is_dir():
            return f"{what}: {target} is a directory; give a file name such as review.md"
    problem = writable_folder(md.parent if str(md.parent) else Path("."))
    return f"{what}: {problem}" if problem else None


def sibling(path: Path) -> Path:
    """`t.md` -> `t-2.md` (or the next free number) whose .md and .json both do not exist."""
    from agent import transcript

    md, _ = transcript.paths_for(path)
    stem = str(md)[: -len(md.suffix)] if md.suffix else str(md)
    for n in range(2, 10_000):
        cand = Path(f"{stem}-{n}.md")
        if not any(p.exists() for p in transcript.paths_for(cand)):
            return cand
    raise FileExistsError(17, "no free file name", stem)


class TranscriptSaver(LoopHooks):
    def __init__(self, session: Session, path: str | Path | None = None, secrets: tuple[str, ...] = (),
                 say: Say = _quiet, warn: Say = _quiet) -> None:
        self.session = session
        self.path: Path | None = None
        self.secrets = secrets
        self.say = say
        self.warn = warn
        self._expected: dict[Path, Fingerprint] = {}
        if path:
            self._adopt(Path(path))

    def _adopt(self, path: Path) -> None:
        """Save to `path` from now on; what is there now may be replaced (the person chose it)."""
        from agent import transcript

        self.path = path
        self._expected = {p: fingerprint(p) for p in transcript.paths_for(path)}

    def save(self, path: str | Path | None = None) -> bool:
        """Save now (the person asked): a new path becomes the autosave path from here on."""
        if path:
            problem = check_target(path, "/save")
            if problem:
                self.warn(problem)
                return False
            self._adopt(Path(path))
        if self.path is None:
            self._adopt(Path(time.strftime("capplan-chat-%Y%m%d-%H%M%S.md")))
        written = self._write(f"Could not save to {self.path}")
        if written:
            self.say(f"Saved {written[0]} and {written[1]}")
        return written is not None

    def autosave(self) -> bool:
        if self.path is None:
            return True
        return self._write(f"Autosave to {self.path} failed") is not None

    def fork(self) -> Path | None:
        """After /reset: the saved file stays as it was; later saves go to a new file beside it."""
        from agent import transcript

        if self.path is None or not any(p.exists() for p in transcript.paths_for(self.path)):
            return None
        self._adopt(sibling(self.path))
        return self.path

    def _write(self, failure: str) -> tuple[Path, Path] | None:
        from agent import transcript

        assert self.path is not None
        try:
            with _folder_lock(self.path):
                changed = [p for p, fp in self._expected.items() if fingerprint(p) not in (fp, None)]
                if changed:
                    old = self.path
                    self._adopt(sibling(old))
                    self.warn(f"{changed[0]} was changed by another session or program since this session "
                              f"last saved it; saving to {self.path} instead, so neither is lost.")
                md, js = transcript.save(self.session, self.path, self.secrets)
                self._expected = {md: fingerprint(md), js: fingerprint(js)}
        except OSError as exc:
            self.warn(f"{failure}: {exc.strerror or exc}")
            return None
        return md, js

    # -- hooks ---------------------------------------------------------------------------------------
    def save_requested(self) -> None:
        self.save()

    def turn_end(self, timing: dict[str, float]) -> None:
        started = time.perf_counter()
        self.autosave()  # the saved row lacks its own save time; the next save (or the last) has it
        timing["save_s"] = round(time.perf_counter() - started, 4)


@contextlib.contextmanager
def _folder_lock(path: Path) -> Iterator[None]:
    """An advisory lock on the transcript's folder, so two sessions' check-then-write cannot interleave."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: the change check alone
        yield
        return
    folder = path.expanduser().parent if str(path.parent) else Path(".")
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        yield
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock
