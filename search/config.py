"""Ranking settings: one frozen dataclass, each field with its default and what it does, read
from a TOML file or ``--ranking KEY=VALUE`` flags (CLI, evaluation, server); unknown keys fail.

The defaults were chosen by measurement on the development queries (docs/RETRIEVAL.md).
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from search.errors import ConfigError


@dataclass(frozen=True)
class RankingConfig:
    learned_fusion: float = field(
        default=1.0,
        metadata={
            "help": "1: combine the lists with the trained model (search/rank/learned.py); "
            "0: with the fixed weights below"
        },
    )
    dense_chunk_weight: float = field(
        default=0.6,
        metadata={"help": "dense score = this x chunk cosine + the rest x best sentence window"},
    )
    keyword_weight: float = field(
        default=0.05,
        metadata={"help": "BM25 of the query's own words, for passages in the query's language"},
    )
    translated_weight: float = field(
        default=0.15,
        metadata={"help": "BM25 of dictionary translations, for passages in the other language"},
    )
    sense_pool: int = field(
        default=2, metadata={"help": "dictionary senses considered per query word"}
    )
    senses_kept: int = field(
        default=2,
        metadata={"help": "of those, kept: the ones the index uses with the other query words"},
    )
    identifier_weight: float = field(
        default=0.5, metadata={"help": "BM25 of identifiers (GB/T 12350-2022 ...), any language"}
    )
    coverage_weight: float = field(
        default=0.0,
        metadata={
            "help": "share of the query's words (or their translations) a passage holds, "
            "any language"
        },
    )
    neighbour_weight: float = field(
        default=0.1,
        metadata={"help": "adds this x the better fused score of a passage's two neighbours"},
    )
    count_weight: float = field(
        default=0.1,
        metadata={
            "help": "for counting questions (how many, 多少), added to passages that state a "
            "number of the thing counted"
        },
    )
    kind_weight: float = field(
        default=0.0,
        metadata={
            "help": "for when / where / who questions, added to passages that state a date, "
            "a place or a titled name (off: it did not carry over to other corpora, "
            "docs/RETRIEVAL.md)"
        },
    )
    count_depth: int = field(
        default=30, metadata={"help": "how many of the best passages the count check reads"}
    )
    front_penalty: float = field(
        default=0.5,
        metadata={
            "help": "pushes cover, contents, masthead and adverts down (subtracted from the "
            "fused score)"
        },
    )
    other_at: int = field(
        default=0,
        metadata={
            "help": "the best good passage of a language missing from the top this-many is "
            "moved up to that rank (0: off)"
        },
    )
    balance_min: int = field(
        default=2, metadata={"help": "each language with candidates gets this many of the top k"}
    )
    good_quantile: float = field(
        default=0.9,
        metadata={
            "help": "the good/weak cut of an index: this quantile of the best scores of "
            "off-topic questions on it (search/rank/calibrate.py; measured at build)"
        },
    )
    good_coverage: float = field(
        default=0.25,
        metadata={
            "help": "a good match needs at least this share of the query's terms known to "
            "the index, itself or by a translation"
        },
    )
    pool: int = field(default=100, metadata={"help": "candidates taken from each list"})

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RankingConfig:
        """Build from a mapping; an unknown key or a value of the wrong kind is a
        ``ConfigError`` that names the known settings."""
        known = {f.name: f for f in fields(cls)}
        unknown = set(data) - set(known)
        if unknown:
            raise ConfigError(
                f"unknown ranking setting(s) {sorted(unknown)}; known: {sorted(known)}"
            )
        values = {}
        for name, value in data.items():
            kind = int if known[name].type in (int, "int") else float
            ok = isinstance(value, int | float) and not isinstance(value, bool)
            if not ok or (kind is int and not float(value).is_integer()) or value != value:
                what = "a whole number" if kind is int else "a number"
                raise ConfigError(f"ranking setting '{name}' must be {what} (got {value!r})")
            if value < 0:
                raise ConfigError(f"ranking setting '{name}' must not be negative (got {value})")
            values[name] = kind(value)
        return cls(**values)

    @classmethod
    def load(cls, file: str | Path | None = None, assignments: Iterable[str] = ()) -> RankingConfig:
        """Settings from a TOML ``file`` (keys at the top level or under ``[ranking]``), then
        ``KEY=VALUE`` ``assignments`` (``--ranking`` flags); the defaults for the rest."""
        data: dict[str, Any] = read_toml(file) if file else {}
        data.update(parse_assignments(assignments))
        return cls.from_dict(data)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def changed(self) -> dict[str, Any]:
        """The settings that differ from the defaults."""
        default = RankingConfig()
        return {k: v for k, v in asdict(self).items() if getattr(default, k) != v}


def read_toml(path: str | Path) -> dict[str, Any]:
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read ranking file '{path}': {exc.strerror or exc}") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"ranking file '{path}' is not valid TOML: {exc}") from exc
    table = data.get("ranking", data)
    if not isinstance(table, dict):
        raise ConfigError(f"ranking file '{path}': [ranking] must be a table of settings")
    return table


def parse_assignments(items: Iterable[str]) -> dict[str, float]:
    """``["pool=200", "keyword_weight=0.1"]`` -> ``{"pool": 200.0, ...}`` (numbers only)."""
    out: dict[str, float] = {}
    for item in items:
        name, sep, raw = item.partition("=")
        name = name.strip()
        if not sep or not name:
            raise ConfigError(f"--ranking takes KEY=VALUE (got {item!r})")
        try:
            out[name] = float(raw)
        except ValueError:
            raise ConfigError(f"ranking setting '{name}' must be a number (got {raw!r})") from None
    return out


def describe() -> str:
    """One line per ranking setting, for ``--help``."""
    return "\n".join(
        f"  {f.name} (default {f.default}): {f.metadata.get('help', '')}"
        for f in fields(RankingConfig)
    )


DEFAULT_RANKING = RankingConfig()
