"""Reading inputs and writing outputs, with errors that name the problem.

Why atomic writes: a plan or transcript half-written by a crash or Ctrl-C is worse than none; the
text goes to a temporary file beside the target, is flushed to disk, and is renamed over it in one step.
Why special files are written in place: renaming over `/dev/null`, a FIFO or a `/proc/self/fd` link
would replace the device or pipe with a regular file (as root, the system's /dev/null).
Why new transcripts are 0600: conversations hold business plans; like ssh and gpg, a new private file
is readable by its owner only, whatever the umask. A file being replaced keeps its mode.
"""
from __future__ import annotations

import os
import stat
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
    try:
        atomic_write(target, text)
    except OSError as exc:
        raise InputError(f"{what}: cannot write {path}: {exc.strerror or exc}") from None


def is_special(path: Path) -> bool:
    """True for an existing device, FIFO or socket (following links, so /proc/self/fd/1 counts), and
    for anything under /proc or /dev, where a rename would replace what the link stands for."""
    if str(path.expanduser().absolute()).startswith(("/proc/", "/dev/")) and path.exists():
        return True
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)


def writable_folder(folder: Path) -> str | None:
    """None when a file can be created in `folder`, else why not (a real probe: permissions, read-only
    file systems and a regular file in the way all show up, even for root)."""
    import tempfile

    if not folder.exists():
        return f"the folder {folder} does not exist"
    if not folder.is_dir():
        return f"{folder} is not a folder"
    try:
        fd, tmp = tempfile.mkstemp(prefix=".capplan-probe-", dir=folder)
        os.close(fd)
        os.unlink(tmp)
    except OSError as exc:
        return f"cannot write in the folder {folder}: {exc.strerror or exc}"
    return None


def atomic_write(path: Path, text: str, private: bool = False) -> None:
    """Write `text` to `path` whole or not at all; `private` makes a new file 0600."""
    if is_special(path):
        with open(path, "w", encoding="utf-8") as fh:  # a device or pipe: write through, never replace
            fh.write(text)
        return
    import tempfile  # only commands that write pay for the import

    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.chmod(tmp, _mode_for(path, private))  # mkstemp makes 0600; keep the replaced file's mode
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


def _mode_for(path: Path, private: bool = False) -> int:
    try:
        return path.stat().st_mode & 0o777  # keep the mode of the file being replaced
    except OSError:
        if private:
            return 0o600
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
