"""Ranking settings for an evaluation: ``--ranking KEY=VALUE`` and ``--ranking-file FILE.toml``
reaching ``RankingConfig.from_dict`` (an unknown key or a value of the wrong type is a one-line
error)."""

from __future__ import annotations

import tomllib
from dataclasses import asdict, fields
from pathlib import Path
from typing import Any

from search.config import RankingConfig
from search.errors import ConfigError


def read_file(path: Path) -> dict[str, Any]:
    """Settings of a TOML file: top-level keys, or the keys of its ``[ranking]`` table."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read ranking file '{path}': {exc.strerror}") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"ranking file '{path}' is not valid TOML: {exc}") from exc
    return dict(data.get("ranking", data))


def parse_pairs(pairs: list[str]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise ConfigError(f"--ranking expects KEY=VALUE (got '{pair}')")
        out[key.strip()] = value.strip()
    return out


def typed(values: dict[str, Any]) -> dict[str, Any]:
    """Each value converted to its field's type (``"0.2"`` -> 0.2 for a float setting)."""
    kinds = {f.name: type(f.default) for f in fields(RankingConfig)}
    out = {}
    for key, value in values.items():
        kind = kinds.get(key)
        if kind is None:
            out[key] = value  # from_dict names the unknown key and the known ones
            continue
        try:
            number = float(value)
            if isinstance(value, bool) or (kind is int and not number.is_integer()):
                raise ValueError
            out[key] = kind(number)
        except (TypeError, ValueError):
            what = "a whole number" if kind is int else "a number"
            raise ConfigError(f"ranking setting {key} must be {what} (got {value!r})") from None
    return out


def ranking(pairs: list[str] | None = None, files: list[Path] | None = None) -> RankingConfig:
    """Defaults, then each file in order, then each KEY=VALUE pair."""
    values: dict[str, Any] = {}
    for path in files or []:
        values.update(read_file(path))
    values.update(parse_pairs(pairs or []))
    return RankingConfig.from_dict(typed(values))


def changes(config: RankingConfig) -> dict[str, Any]:
    """The settings that differ from the defaults."""
    default = asdict(RankingConfig())
    return {k: v for k, v in asdict(config).items() if default[k] != v}
