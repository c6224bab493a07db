"""PostgreSQL locations: parsing, messages without passwords, and the missing-extra path (no
server needed)."""

from __future__ import annotations

import sys

import pytest

from search.errors import BadIndexError, ConfigError
from search.store.pg_connect import is_postgres, parse_location, safe_location

T = "connect_timeout"


@pytest.mark.parametrize(
    ("location", "url", "layout"),
    [
        ("postgresql://u@h:5432/db", f"postgresql://u@h:5432/db?{T}=3", None),
        ("postgres://u@h1:1,h2:2/db?layout=fdw", f"postgres://u@h1:1,h2:2/db?{T}=3", "fdw"),
        (
            "postgresql://u@h/db?layout=citus&connect_timeout=9",
            f"postgresql://u@h/db?{T}=9",
            "citus",
        ),
    ],
)
def test_parse_location(location: str, url: str, layout: str | None) -> None:
    assert parse_location(location) == (url, layout)


def test_unknown_layout_is_refused() -> None:
    with pytest.raises(BadIndexError, match="unknown layout 'mongo'"):
        parse_location("postgresql://h/db?layout=mongo")


@pytest.mark.parametrize(
    ("location", "shown"),
    [
        ("postgresql://u:secret@h:1/db", "postgresql://u:***@h:1/db"),
        ("postgresql://u@h/db", "postgresql://u@h/db"),
    ],
)
def test_passwords_never_reach_messages(location: str, shown: str) -> None:
    assert safe_location(location) == shown


@pytest.mark.parametrize(
    ("location", "expected"),
    [("postgresql://h/db", True), ("postgres://h/db", True), ("index", False), (None, False)],
)
def test_is_postgres(location, expected: bool) -> None:
    assert is_postgres(location) is expected


def test_missing_extra_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    from search.store.base import open_store

    monkeypatch.setitem(sys.modules, "psycopg", None)  # import psycopg -> ImportError
    with pytest.raises(BadIndexError, match=r"pip install -e '\.\[scale\]'"):
        open_store("postgresql://postgres@127.0.0.1:1/search")


def test_ray_missing_extra_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    from search.embed.ray_pool import RayEmbedder

    monkeypatch.setitem(sys.modules, "ray", None)
    with pytest.raises(ConfigError, match=r"\[scale\]"):
        RayEmbedder("hashing:64", "auto")


def test_shard_status_counts_what_does_not_answer() -> None:
    pytest.importorskip(
        "psycopg", reason="PostgreSQL backend not installed: pip install -e '.[scale]'"
    )
    import socket

    from search.errors import UnavailableError
    from search.store.pg_connect import connect
    from search.store.pg_shards import ShardStatus

    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    down = f"host=127.0.0.1 port={port} dbname=search user=postgres"
    status = ShardStatus([("shard0", down), ("shard1", down)], total=2)
    assert status.answered() == {"total": 2, "failed": 0}
    assert status.probe() == {"total": 2, "failed": 2, "down": ["shard0", "shard1"]}
    assert ShardStatus([("shard0", down)], total=1).probe()["failed"] == 0  # one partition
    with pytest.raises(UnavailableError, match="cannot reach the index at"):
        connect(f"postgresql://postgres@127.0.0.1:{port}/search")
