"""The web settings: one declared table (name, default, help); unknown settings fail loudly.

Values come, lowest first, from the defaults, a TOML config file, ``SEARCH_<NAME>`` environment
variables and finally explicit overrides (command-line flags, ``create_app(config=...)``).
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from search.config import DEFAULT_RANKING, RankingConfig, parse_assignments
from search.errors import ConfigError
from search.query import MAX_K, MAX_QUERY_CHARS
from web.proxy import parse_proxies

ENV_PREFIX = "SEARCH_"


def _text(value: Any) -> str:
    if not isinstance(value, str | Path):
        raise ValueError("expected text")
    return str(value)


def _int(lo: int, hi: int) -> Callable[[Any], int]:
    def parse(value: Any) -> int:
        try:
            if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
                raise ValueError
            n = int(value)
        except (TypeError, ValueError):
            raise ValueError(f"expected a whole number from {lo} to {hi}") from None
        if not lo <= n <= hi:
            raise ValueError(f"must be from {lo} to {hi}")
        return n

    return parse


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off", ""):
        return False
    raise ValueError("expected true or false")


def _number(value: Any) -> float:
    try:
        n = float(value)
    except (TypeError, ValueError):
        raise ValueError("expected a number") from None
    if n < 0 or n != n:
        raise ValueError("must not be negative")
    return n


def _list(value: Any) -> tuple[str, ...]:
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, list | tuple):
        raise ValueError("expected a list or comma-separated text")
    return tuple(str(i).strip().rstrip("/") for i in items if str(i).strip())


def _ranking(value: Any) -> RankingConfig:
    """A ``[ranking]`` table, ``KEY=VALUE,KEY=VALUE`` text, or a ready RankingConfig."""
    if isinstance(value, RankingConfig):
        return value
    try:
        if isinstance(value, str):
            items = [i for i in value.split(",") if i.strip()]
            return RankingConfig.from_dict(parse_assignments(items))
        if isinstance(value, Mapping):
            return RankingConfig.from_dict(value)
    except ConfigError as exc:
        raise ValueError(str(exc)) from None
    raise ValueError("expected a [ranking] table or KEY=VALUE,... text")


def _url(value: Any) -> str:
    """An ``http(s)://host[:port][/path]`` address, kept with one trailing slash."""
    text = _text(value).strip()
    if not text:
        return ""
    parts = urlsplit(text)
    try:
        parts.port  # noqa: B018 - a bad port raises here
    except ValueError:
        parts = parts._replace(netloc="")
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise ValueError("expected the site's address, e.g. https://search.example/ (no ? or #)")
    return text.rstrip("/") + "/"


def _target(value: Any) -> str:
    if value not in ("_blank", "_top", "_self"):
        raise ValueError("expected _blank (a new tab), _top or _self")
    return str(value)


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str
    parse: Callable[[Any], Any]

    @property
    def env(self) -> str:
        return ENV_PREFIX + self.name.upper()


SETTINGS: tuple[Setting, ...] = (
    Setting("index", "index", "index folder (built from seeds/ on first run if default)", _text),
    Setting("host", "127.0.0.1", "address to listen on", _text),
    Setting("port", 8000, "TCP port to listen on (0: any free one, logged)", _int(0, 65535)),
    Setting("workers", 2, "gunicorn worker processes", _int(1, 64)),
    Setting("threads", 4, "threads per worker (gthread)", _int(1, 64)),
    Setting("cors_origins", (), "origins allowed to call /api/* from a browser ('*' = any)", _list),
    Setting(
        "max_query_chars", 4000, "longest query accepted, in characters", _int(1, MAX_QUERY_CHARS)
    ),
    Setting("max_k", MAX_K, "most results one query may ask for", _int(1, MAX_K)),
    Setting(
        "api_keys",
        (),
        "if set, /api/* needs one in the X-API-Key header: KEY, NAME:KEY or NAME:KEY:RATE "
        "(a client with its own requests per minute)",
        _list,
    ),
    Setting(
        "protect_pages",
        False,
        "pages, /embed and documents need a key (or user_header) too, not only /api/*",
        _bool,
    ),
    Setting(
        "user_header",
        "",
        "header naming the signed-in user, set by a trusted reverse proxy (needs "
        "trusted_proxies); such a user needs no key and has their own rate limit",
        _text,
    ),
    Setting("rate_limit", 120.0, "requests per minute per client IP (0 = no limit)", _number),
    Setting("rate_burst", 30, "requests a client may make at once", _int(1, 10**6)),
    Setting(
        "rate_limit_store",
        "",
        "SQLite file the workers share for the rate limit (python -m web makes one; empty = "
        "per process)",
        _text,
    ),
    Setting(
        "metrics_dir",
        "",
        "folder where workers leave their counts for /metrics (python -m web makes one; "
        "empty = this process only)",
        _text,
    ),
    Setting("reload_interval", 1.0, "seconds between checks for a rebuilt index", _number),
    Setting("max_body_bytes", 64 * 1024, "largest request body accepted", _int(0, 10**9)),
    Setting("max_header_bytes", 16 * 1024, "largest total size of request headers", _int(1, 10**9)),
    Setting("link_target", "_blank", "where /embed opens a passage: _blank, _top, _self", _target),
    Setting(
        "trusted_proxies",
        (),
        "addresses or networks of the reverse proxies in front (127.0.0.1, 10.0.0.0/8): only "
        "their X-Forwarded-For, X-Forwarded-Proto and user_header are believed",
        parse_proxies,
    ),
    Setting(
        "public_url",
        "",
        "the site's address as users reach it (https://search.example/), for permalinks and "
        "exports; empty = the address and port this server listens on, never the Host header",
        _url,
    ),
    Setting(
        "ranking",
        DEFAULT_RANKING,
        "ranking settings ([ranking] table; python -m search --help-ranking)",
        _ranking,
    ),
)
BY_NAME = {s.name: s for s in SETTINGS}


def read_config_file(path: str | Path) -> dict[str, Any]:
    """Read a TOML config file of ``name = value`` lines (top level or under ``[web]``)."""
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read config file '{path}': {exc.strerror}") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"config file '{path}' is not valid TOML: {exc}") from exc
    web = data.pop("web", {})
    return {**data, **web} if isinstance(web, dict) else data


def from_env(environ: Mapping[str, str]) -> dict[str, str]:
    """The ``SEARCH_<NAME>`` variables that name a setting (others are not ours to judge)."""
    return {s.name: environ[s.env] for s in SETTINGS if s.env in environ}


def load(
    overrides: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
    config_file: str | Path | None = None,
) -> dict[str, Any]:
    """All settings, parsed and checked; any unknown name or bad value is a ``ConfigError``."""
    environ = os.environ if environ is None else environ
    overrides = dict(overrides or {})
    config_file = overrides.pop("config", None) or config_file or environ.get("SEARCH_CONFIG")
    layers = [
        (f"config file '{config_file}'", read_config_file(config_file) if config_file else {}),
        ("environment", from_env(environ)),
        ("settings", {k: v for k, v in overrides.items() if v is not None}),
    ]
    values = {s.name: s.default for s in SETTINGS}
    for where, layer in layers:
        for name, raw in layer.items():
            setting = BY_NAME.get(name)
            if setting is None:
                known = ", ".join(BY_NAME)
                raise ConfigError(f"unknown setting '{name}' in {where}; known: {known}")
            try:
                values[name] = setting.parse(raw)
            except (TypeError, ValueError) as exc:
                raise ConfigError(f"setting '{name}' = {raw!r} ({where}): {exc}") from None
    return values


def describe() -> str:
    """One line per setting, for ``--help``."""

    def shown(value: Any) -> str:
        return "the built-in ones" if isinstance(value, RankingConfig) else repr(value)

    lines = [f"  {s.name} ({s.env}, default {shown(s.default)}): {s.help}" for s in SETTINGS]
    return "\n".join(lines)
