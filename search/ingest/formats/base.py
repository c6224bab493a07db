"""What every format reader shares: the text it returns, byte reading with limits, decoding.

A reader returns a :class:`SourceText`: the text, which cleaner reads it (``kind``: PDF
text goes through the same hard-wrap/header/footnote cleaning as the Chinese seed, with a
form feed between pages), and whatever title/date/language the file's metadata gives.
"""

from __future__ import annotations

import codecs
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import charset_normalizer

from search.errors import SourceError
from search.ingest.locate import Locator, newline_map

MAX_BYTES = 200 * 1024 * 1024


@dataclass(frozen=True)
class SourceText:
    text: str
    kind: str = "text"  # the cleaner: pdf_text | magazine | text (see search.ingest.cleaners)
    title: str = ""
    date: str | None = None  # only a date the file states; None when it states none
    lang: str = ""
    locate: Locator | None = None  # reader-text span -> place in the original (None: same)


Reader = Callable[[Path], SourceText]


_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_CHINESE_FAMILY = {"gb2312": "gb18030", "gbk": "gb18030", "cp936": "gb18030", "hz": "gb18030"}
_CHINESE = frozenset({"gb18030", "big5", "big5hkscs", "cp950"})


def utf16_order(data: bytes) -> str | None:
    """``utf-16-le``/``-be`` for BOM-less UTF-16 (ASCII such as line ends gives zero bytes on
    one side of each pair), else None."""
    sample = data[:8192]
    if len(sample) < 2 or b"\x00" not in sample:
        return None
    pairs = len(sample) // 2
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if odd > 0.1 * pairs and even < 0.02 * pairs:
        return "utf-16-le"
    if even > 0.1 * pairs and odd < 0.02 * pairs:
        return "utf-16-be"
    return None


def guess_encoding(data: bytes) -> str | None:
    """The encoding of ``data``: a BOM, else UTF-8 if it decodes, else BOM-less UTF-16, else
    the first Chinese encoding (GB18030 family, Big5) charset-normalizer finds plausible, else
    its best guess; None when nothing fits."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    order = utf16_order(data)
    if order:
        return order
    matches = [
        codecs.lookup(m.encoding).name for m in charset_normalizer.from_bytes(data[: 1 << 20])
    ]
    matches = [_CHINESE_FAMILY.get(n, n) for n in matches]
    chinese = [n for n in matches if n in _CHINESE]
    return (chinese or matches or [None])[0]


def decode_raw(data: bytes, name: str) -> str:
    """Decode text bytes as they are (line ends kept); binary data is refused."""
    if not data.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise SourceError(f"{name}: the file is empty")
    encoding = guess_encoding(data)
    if encoding is None:
        raise SourceError(f"{name}: looks like a binary file, not text")
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise SourceError(f"{name}: cannot tell the text encoding; convert it to UTF-8") from exc
    head = text[:8192]
    controls = sum(1 for c in head if ord(c) < 32 and c not in "\n\r\t\f")
    if "\x00" in head or controls > len(head) * 0.01:
        raise SourceError(f"{name}: looks like a binary file, not text")
    return text.removeprefix("\ufeff")


def decode(data: bytes, name: str) -> str:
    """Decode text bytes (see :func:`decode_raw`) with line ends as ``\\n``."""
    return newline_map(decode_raw(data, name))[0]


def read_text(path: Path) -> SourceText:
    """A plain text or Markdown file; citations point into its decoded text as it is."""
    text, char_map = newline_map(decode_raw(read_bytes(path), path.name))
    return SourceText(text, locate=char_map)


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
