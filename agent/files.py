"""Reading inputs and writing outputs, with errors that name the problem.

Why atomic writes: a plan or transcript half-written by a crash or Ctrl-C is worse than none; the
text goes to a temporary file beside the target, is flushed to disk, and is renamed over it in one step.
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


def write_output(path: str | Path, text: str, what: str = "--output") -> None:
    """Atomic write to a path the person chose; a missing folder is their input error, not a crash."""
    target = Path(path)
    if not (target.parent if str(target.parent) else Path(".")).is_dir():
        raise InputError(f"{what}: directory does not exist: {target.parent}")
    if target.is_dir():
        raise InputError(f"{what}: {path} is a directory")
    atomic_write(target, text)


def atomic_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    import tempfile  # only commands that write pay for the import

    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.chmod(tmp, _mode_for(path))  # mkstemp makes 0600; a transcript is an ordinary file
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _mode_for(path: Path) -> int:
    try:
        return path.stat().st_mode & 0o777  # keep the mode of the file being replaced
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
