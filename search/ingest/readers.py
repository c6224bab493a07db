"""Readers: a file on disk -> text for a cleaner, one reader per format in a dict registry.

A reader returns a :class:`SourceText`: the text, which cleaner reads it (``kind``: PDF
text goes through the same hard-wrap/header/footnote cleaning as the Chinese seed, with a
form feed between pages), and whatever title/date/language the file's metadata gives.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from search.errors import SourceError

MAX_BYTES = 200 * 1024 * 1024


@dataclass(frozen=True)
class SourceText:
    text: str
    kind: str = "text"  # the cleaner: pdf_text | magazine | text (see search.ingest.clean)
    title: str = ""
    date: str = ""
    lang: str = ""


Reader = Callable[[Path], SourceText]
READERS: dict[str, Reader] = {}


def reader(*suffixes: str) -> Callable[[Reader], Reader]:
    def deco(fn: Reader) -> Reader:
        for s in suffixes:
            READERS[s] = fn
        return fn

    return deco


def decode(data: bytes, name: str) -> str:
    """Decode text bytes: UTF-8 (with or without BOM), then GB18030; binary data is refused."""
    if not data.strip():
        raise SourceError(f"{name}: the file is empty")
    if b"\x00" in data[:8192]:
        raise SourceError(f"{name}: looks like a binary file, not text")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        controls = sum(1 for c in text[:8192] if ord(c) < 32 and c not in "\n\r\t\f")
        if controls > len(text[:8192]) * 0.01:
            raise SourceError(f"{name}: looks like a binary file, not text")
        return text.replace("\r\n", "\n").replace("\r", "\n")
    raise SourceError(f"{name}: not UTF-8 or GB18030 text; convert it to UTF-8")


@reader(".txt", ".md", ".markdown")
def read_text(path: Path) -> SourceText:
    return SourceText(decode(read_bytes(path), path.name))


def read_bytes(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise SourceError(f"{path.name}: {size // 2**20} MB is over the 200 MB limit")
        return path.read_bytes()
    except PermissionError as exc:
        raise SourceError(f"{path.name}: permission denied") from exc
    except OSError as exc:
        raise SourceError(f"{path.name}: cannot read ({exc.strerror or exc})") from exc


def read_source(path: Path) -> SourceText:
    """Read ``path`` with the reader for its suffix."""
    fn = READERS.get(path.suffix.lower())
    if fn is None:
        known = " ".join(sorted(READERS))
        raise SourceError(
            f"{path.name}: unsupported file type '{path.suffix}' (supported: {known})"
        )
    return fn(path)


# The other formats register themselves with @reader on import (core dependencies, no guard).
from search.ingest import docx, html, pdf  # noqa: E402, F401
