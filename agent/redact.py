"""Secrets out, control characters out, long values cut: the one filter for every way text leaves capplan.

Why one module: the API key must never reach a terminal, a transcript, a log, an error message or a
page, and a scenario name typed by a model must not clear the screen or inject a heading. Every
writer (chat UI, transcripts, CLI error lines, the web app) calls these functions instead of keeping
its own rule, so a fix here is a fix everywhere.

What counts as a secret:
- the configured key (``OPENAI_API_KEY`` and any key a backend registers), whatever its shape (Azure
  and local-server keys are not ``sk-`` shaped), and any fragment of it of ``FRAGMENT`` characters or
  more (a key cut in half by a truncated message is still a leak);
- anything shaped like a provider key (``sk-...``, ``sk-proj-...``, ``sk-ant-...``), configured or not;
- a key the server masked (``sk-abc*****wxyz``): the visible ends are fragments of a real key.
"""
from __future__ import annotations

import json
import os
import re
import unicodedata
from typing import Any, Iterable

MASK = "***"
FRAGMENT = 8  # characters of the configured key that count as a recognisable fragment
MIN_SECRET = 6  # shorter "keys" (e.g. the placeholder "local") are not secrets
ENV_KEYS = ("OPENAI_API_KEY", "AZURE_OPENAI_API_KEY")
_SHAPE = re.compile(r"(?<![A-Za-z0-9])sk-[A-Za-z0-9_\-]{8,}")
_MASKED = re.compile(r"(?<![A-Za-z0-9_\-])[A-Za-z0-9_\-]+\*{3,}[A-Za-z0-9_\-]+")  # starts at a word start: linear
_registered: set[str] = set()
# C0/C1 controls (ESC starts every terminal escape sequence) and the bidi controls that reorder text
_BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f" + _BIDI + "]")


def register(secret: str | None) -> None:
    """Remember a key a backend was given directly (not through the environment)."""
    if secret and len(secret) >= MIN_SECRET:
        _registered.add(secret)


def secrets(extra: Iterable[str | None] = ()) -> list[str]:
    """Every secret known now, longest first (so a key is replaced before a key it contains)."""
    found = {s for s in (*extra, *(os.environ.get(k) for k in ENV_KEYS), *_registered)
             if s and len(s) >= MIN_SECRET}
    return sorted(found, key=len, reverse=True)


def scrub(text: str, extra: Iterable[str | None] = ()) -> str:
    """`text` with every known secret, fragment of one, masked key and key-shaped string replaced."""
    if not text:
        return text
    for secret in secrets(extra):
        text = text.replace(secret, MASK)
        if len(secret) >= FRAGMENT + 4:
            text = _scrub_fragments(text, secret)
    if "*" in text:
        text = _MASKED.sub(MASK, text)
    if "sk-" in text:
        text = _SHAPE.sub("sk-" + MASK, text)
    return text


def scrub_json(obj: Any, extra: Iterable[str | None] = (), **dumps: Any) -> str:
    """`obj` as compact JSON with every string scrubbed, and nothing else touched.

    Why not scrub the dumped text: a key's fragment can be digits ("...20261201..."), and masking it inside
    a number or across a quote breaks the document (a saved transcript that no longer loads). The fast
    path scrubs the text once; only when that changes something are the strings scrubbed one by one.
    """
    dumps.setdefault("ensure_ascii", False)
    text = json.dumps(obj, **dumps)
    if scrub(text, extra) == text:
        return text
    found = list(extra)

    def clean(x: Any) -> Any:
        if isinstance(x, str):
            return scrub(x, found)
        if isinstance(x, dict):
            return {clean(k): clean(v) for k, v in x.items()}
        if isinstance(x, (list, tuple)):
            return [clean(v) for v in x]
        return x

    return json.dumps(clean(obj), **dumps)


def _scrub_fragments(text: str, secret: str) -> str:
    """Replace every run of `FRAGMENT`+ consecutive characters of `secret` found in `text`."""
    windows: dict[str, int] = {}
    for j in range(len(secret) - FRAGMENT + 1):
        windows.setdefault(secret[j:j + FRAGMENT], j)
    pattern = re.compile("|".join(re.escape(w) for w in sorted(windows, key=len, reverse=True)))
    out, pos = [], 0
    for m in pattern.finditer(text):
        if m.start() < pos:
            continue
        j = windows[m.group()]
        start, end = m.start(), m.end()
        k = j + FRAGMENT
        while end < len(text) and k < len(secret) and text[end] == secret[k]:
            end, k = end + 1, k + 1
        out.append(text[pos:start])
        out.append(MASK)
        pos = end
    if not out:
        return text
    out.append(text[pos:])
    return "".join(out)


def strip_controls(text: str, keep_newlines: bool = True) -> str:
    """Remove terminal control and bidi characters; newlines and tabs stay unless `keep_newlines` is off."""
    if not keep_newlines:
        text = text.replace("\r\n", " ").replace("\n", " ").replace("\t", " ")
    return _CONTROL.sub("", text)


def for_terminal(text: str, extra: Iterable[str | None] = ()) -> str:
    """What may be printed: secrets scrubbed, control and bidi characters removed."""
    return strip_controls(scrub(str(text), extra))


def one_line(text: str, limit: int = 120) -> str:
    """A name or value shown inside a sentence or a table cell: one line, no controls, cut to `limit`."""
    return shorten(strip_controls(scrub(str(text)), keep_newlines=False), limit)


def shorten(text: str, limit: int = 120) -> str:
    """Cut a long echoed value, saying how long it was (a 50 MB name must not give a 50 MB error line)."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}... ({len(text):,} characters)"


def echo(value: object, limit: int = 80) -> str:
    """repr() of a value for an error message, cut to `limit` characters."""
    return shorten(repr(value), limit)


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]#|!~])")


def md_inline(text: str, limit: int = 200) -> str:
    """A value written into Markdown as plain text: one line, HTML as entities, Markdown escaped."""
    text = one_line(text, limit).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", text)


def md_block(text: str) -> str:
    """Free text (a message) written into Markdown: controls gone, raw HTML shown as text, no headings."""
    text = strip_controls(scrub(text)).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return "\n".join("\\" + line if line.lstrip().startswith(("#", "===", "---")) else line
                     for line in text.split("\n"))


def is_printable_name(text: str) -> bool:
    """True when `text` has no control, bidi or unassigned characters (names shown as given)."""
    return not _CONTROL.search(text) and all(unicodedata.category(c) != "Cn" for c in text)


class StreamScrubber:
    """Holds back the last unfinished word of a streamed reply, so a key split across chunks is
    scrubbed as a whole: keys contain no whitespace, so text up to the last whitespace is final."""

    MAX_HOLD = 4096  # a "word" longer than this is flushed anyway (scrubbed by fragment too)

    def __init__(self) -> None:
        self._pending = ""

    def feed(self, chunk: str) -> str:
        self._pending += chunk
        cut = max(self._pending.rfind(c) for c in " \n\t")
        if cut < 0 and len(self._pending) < self.MAX_HOLD:
            return ""
        cut = len(self._pending) - 1 if cut < 0 else cut
        ready, self._pending = self._pending[:cut + 1], self._pending[cut + 1:]
        return for_terminal(ready)

    def flush(self) -> str:
        ready, self._pending = self._pending, ""
        return for_terminal(ready)
