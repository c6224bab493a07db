"""Standard numbers and committee codes, recognised however they are typed.

Recognition runs on the matching form of a text (``normalize.fold``: half-width, ASCII hyphens,
lower case), so ``GB/T 12350-2022``, ``gb/t 12350-2022``, ``ＧＢ／Ｔ １２３５０－２０２２``,
``GB／T 12350—2022`` and ``GB / T 12350 - 2022`` are one identifier. A prefix is a sequence of
known issuer or committee codes (GB, GB/T, ISO/IEC, CEN/TC, ITU-T ...) or any slash-joined
letters (T/CAS, Q/GDW); then a number with optional parts (802.3cz, -5-1, :2023).

Each identifier gives compact terms for the keyword index: its *stem* without year or part
(``gbt12350``), its *full* form (``gbt123502022``) and aliases: the committee code alone
(``CLC/TC 215`` is also ``tc215``) and the number alone when it has a year or part
(``n123502022``, so ``12350-2022`` typed without its prefix finds the standard).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from search.text.normalize import fold

ISSUERS = (  # standard issuers, lower case (the matching form)
    "gb",
    "gbt",
    "gbz",
    "gb/t",
    "gb/z",
    "iso",
    "iec",
    "iso/iec",
    "en",
    "cen",
    "clc",
    "cenelec",
    "ieee",
    "astm",
    "itu-t",
    "itu-r",
    "itu",
    "etsi",
    "din",
    "bs",
    "jis",
    "ansi",
    "ul",
    "cwa",
    "ts",
    "pas",
    "nb",
    "jb",
    "dl",
    "hj",
    "yy",
    "hg",
    "sj",
    "gjb",
    "ga",
    "qc",
)
COMMITTEES = ("tc", "sc", "wg", "jtc", "sg", "ag", "cag", "pc", "smb")
_ORG = "|".join(sorted({*ISSUERS, *COMMITTEES}, key=lambda s: (-len(s), s))).replace(
    "/", r"\s*/\s*"
)
_SEP = r"(?:\s*/\s*|\s+|-)"
_PREFIX = rf"(?:{_ORG})(?:{_SEP}(?:{_ORG}|[tz](?![a-z])))*|[a-z]{{1,8}}(?:\s*/\s*[a-z]{{1,6}})+"
_NUMBER = r"(?:[a-z]\.)?\d+(?:\.\d+)*[a-z]{0,3}"
_TAIL = r"(?:\s*[-:]\s*\d+[a-z]{0,3}|\.\d+[a-z]{0,3}|\s+(?:19|20)\d\d(?!\d))*"
PATTERN = re.compile(rf"(?<![a-z0-9])({_PREFIX})\s*({_NUMBER})({_TAIL})(?![a-z0-9])")
NUMBER_ONLY = re.compile(r"(?<![a-z0-9/.\-])(\d{3,}(?:\.\d+)*)(\s?[-:]\s?(?:19|20)\d\d)(?![\d])")


@dataclass(frozen=True)
class Identifier:
    """One identifier as found: its prefix, number and tail (year/part), matching form."""

    prefix: str
    number: str
    tail: str
    start: int
    end: int

    @property
    def stem(self) -> str:
        return _compact(self.prefix + self.number)

    @property
    def full(self) -> str:
        return _compact(self.prefix + self.number + self.tail)

    @property
    def aliases(self) -> list[str]:
        """Other compact forms a passage holding this identifier is found by."""
        out = []
        last = re.split(r"[\s/-]+", self.prefix.strip())[-1]
        if last in COMMITTEES and last != self.prefix.strip():
            out.append(_compact(last + self.number))
        if self.tail and self.number[0].isdigit():
            out.append("n" + _compact(self.number + self.tail))
        return out

    @property
    def canonical(self) -> str:
        """One spelling for every way of typing it: ``gb/t 12350-2022``."""
        prefix = re.sub(r"\s*/\s*", "/", self.prefix.strip())
        prefix = re.sub(r"\s+", " ", prefix)
        tail = re.sub(r"\s*([-:.])\s*", r"\1", self.tail)
        tail = re.sub(r"\s+(?=\d)", "-", tail)
        return f"{prefix} {self.number}{tail}" if prefix else f"{self.number}{tail}"


def _compact(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text)


def find(folded: str) -> list[Identifier]:
    """Identifiers of a text already in matching form (``normalize.fold``), in order."""
    out: list[Identifier] = []
    taken: list[tuple[int, int]] = []
    for m in PATTERN.finditer(folded):
        prefix, number, tail = m.group(1), m.group(2), m.group(3)
        glued = not folded[m.start(2) - 1].isspace()
        committee = re.split(r"[\s/-]+", prefix)[-1] in COMMITTEES
        if glued and not tail and "/" not in prefix and len(number) == 1 and not committee:
            continue  # a word glued to one digit (co2, h2, en1) is not a standard number
        out.append(Identifier(prefix, number, tail, m.start(), m.end()))
        taken.append(m.span())
    for m in NUMBER_ONLY.finditer(folded):
        if any(a <= m.start() < b for a, b in taken):
            continue
        out.append(Identifier("", m.group(1), m.group(2), m.start(), m.end()))
    return sorted(out, key=lambda i: i.start)


def identifiers(text: str) -> list[tuple[str, str]]:
    """Identifiers in ``text`` as (stem, full) compact forms: ``GB/T 12350-2022`` gives
    ("gbt12350", "gbt123502022"); without a year or part both are the same. A number typed
    alone with its year (``12350-2022``) gives its number-only form ("n123502022")."""
    out = []
    for ident in find(fold(text)):
        if ident.prefix:
            out.append((ident.stem, ident.full))
        else:
            only = ident.aliases[0]
            out.append((only, only))
    return list(dict.fromkeys(out))


def identifier_terms(text: str) -> list[str]:
    """Every compact form a passage is found by: stem, full form and aliases."""
    out: list[str] = []
    for ident in find(fold(text)):
        if ident.prefix:
            out += [ident.stem, ident.full]
        out += ident.aliases
    return list(dict.fromkeys(out))


def canonical_text(folded: str) -> str:
    """``folded`` with each identifier spelled one way (see ``Identifier.canonical``)."""
    parts, at = [], 0
    for ident in find(folded):
        if ident.start < at:
            continue
        parts += [folded[at : ident.start], ident.canonical]
        at = ident.end
    parts.append(folded[at:])
    return "".join(parts)
