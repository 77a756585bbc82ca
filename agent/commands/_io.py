"""File reading and writing shared by the commands, with input errors that name the problem.

Why atomic writes: a plan or transcript half-written by a crash or Ctrl-C is worse than none; the
text goes to a temporary file beside the target and is renamed over it in one step.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

from agent.errors import InputError


def read_text(path: str, what: str) -> str:
    """The file's text ('-' reads stdin); InputError for missing, unreadable or non-UTF-8 files."""
    if path == "-":
        return sys.stdin.read()
    p = Path(path)
    try:
        return p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{what}: file not found: {path}") from None
    except IsADirectoryError:
        raise InputError(f"{what}: {path} is a directory, not a file") from None
    except PermissionError:
        raise InputError(f"{what}: permission denied: {path}") from None
    except UnicodeDecodeError:
        raise InputError(f"{what}: {path} is not UTF-8 text") from None
    except OSError as exc:
        raise InputError(f"{what}: cannot read {path}: {exc.strerror}") from None


def write_atomic(path: str | Path, text: str) -> None:
    import tempfile  # only commands that write pay for it

    target = Path(path)
    parent = target.parent if str(target.parent) else Path(".")
    if not parent.is_dir():
        raise InputError(f"--output: directory does not exist: {parent}")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
