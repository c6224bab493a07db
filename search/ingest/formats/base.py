"""What every format reader shares: the text it returns, byte reading with limits, decoding.

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
    kind: str = "text"  # the cleaner: pdf_text | magazine | text (see search.ingest.cleaners)
    title: str = ""
    date: str = ""
    lang: str = ""


Reader = Callable[[Path], SourceText]


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
