"""Ranking settings for an evaluation: ``--ranking KEY=VALUE`` and ``--ranking-file FILE.toml``
(each repeatable), read with the same rules as the query CLI and the server
(:mod:`search.config`): an unknown key or a value of the wrong type is a one-line error."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from search.config import RankingConfig, parse_assignments, read_toml


def ranking(pairs: list[str] | None = None, files: list[Path] | None = None) -> RankingConfig:
    """Defaults, then each file in order, then each KEY=VALUE pair."""
    values: dict[str, Any] = {}
    for path in files or []:
        values.update(read_toml(path))
    values.update(parse_assignments(pairs or []))
    return RankingConfig.from_dict(values)


def changes(config: RankingConfig) -> dict[str, Any]:
    """The settings that differ from the defaults."""
    return config.changed()
