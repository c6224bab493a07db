"""Ranking settings: one frozen dataclass, each field with its default and what it does.

The defaults were chosen by measurement on the development queries (docs/RETRIEVAL.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

from search.errors import ConfigError


@dataclass(frozen=True)
class RankingConfig:
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
        default=0.05,
        metadata={
            "help": "for when / where / who questions, added to passages that state a date, "
            "a place or a titled name"
        },
    )
    count_depth: int = field(
        default=30, metadata={"help": "how many of the best passages the count check reads"}
    )
    front_penalty: float = field(
        default=0.1, metadata={"help": "pushes cover, contents, masthead and adverts down"}
    )
    balance_min: int = field(
        default=2, metadata={"help": "each language with candidates gets this many of the top k"}
    )
    pool: int = field(default=100, metadata={"help": "candidates taken from each list"})

    @classmethod
    def from_dict(cls, data: dict) -> RankingConfig:
        """Build from a mapping; an unknown key is an error that names the known ones."""
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ConfigError(
                f"unknown ranking setting(s) {sorted(unknown)}; known: {sorted(known)}"
            )
        return cls(**data)


DEFAULT_RANKING = RankingConfig()
