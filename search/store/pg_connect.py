"""Connections to a PostgreSQL index: location parsing, guarded import, fail-over across hosts.

A location is a libpq URL, optionally naming several hosts (a primary and its streaming
replicas): ``postgresql://postgres@10.0.0.5:5432,10.0.0.6:5432/search``. libpq tries them in
order; a searcher whose server goes away reconnects to the next one that answers and repeats
the statement once. ``?layout=fdw|citus|single`` chooses the layout a build writes (default:
fdw when shard servers are attached, else single); it is not passed to libpq.
"""

from __future__ import annotations

import contextlib
import threading
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from search.errors import BadIndexError, UnavailableError

SCHEMES = ("postgresql://", "postgres://")
LAYOUTS = ("single", "fdw", "citus")
CONNECT_TIMEOUT = 3
EF_SEARCH = 256  # as the embedded store's HNSW (search/store/ann.py)


def is_postgres(location: object) -> bool:
    """Whether an index location names a PostgreSQL database rather than a folder."""
    return isinstance(location, str) and location.startswith(SCHEMES)


def parse_location(location: str) -> tuple[str, str | None]:
    """(libpq URL without our own parameters, layout asked for or None)."""
    parts = urlsplit(location)
    query = dict(parse_qsl(parts.query))
    layout = query.pop("layout", None)
    if layout is not None and layout not in LAYOUTS:
        raise BadIndexError(f"unknown layout '{layout}' in the index URL: one of {LAYOUTS}")
    query.setdefault("connect_timeout", str(CONNECT_TIMEOUT))
    return urlunsplit(parts._replace(query=urlencode(query))), layout


def safe_location(location: str) -> str:
    """The location without a password, for messages."""
    parts = urlsplit(location)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        parts = parts._replace(netloc=netloc)
    return urlunsplit(parts)


def first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _psycopg():
    try:
        import psycopg
        from pgvector.psycopg import register_vector
    except ImportError as exc:
        raise BadIndexError(
            "a postgresql:// index needs the 'scale' extra: pip install -e '.[scale]'"
        ) from exc
    return psycopg, register_vector


def connect(url: str, write: bool = False) -> Any:
    """An autocommit connection (to a writable host when ``write``), vectors registered."""
    psycopg, _ = _psycopg()
    attrs = "read-write" if write else "any"
    sep = "&" if "?" in url else "?"
    conn = None
    try:
        conn = psycopg.connect(f"{url}{sep}target_session_attrs={attrs}", autocommit=True)
        register_vectors(conn)
    except psycopg.OperationalError as exc:  # also a server that died just after accepting
        if conn is not None:
            conn.close()
        where = safe_location(url)
        raise UnavailableError(f"cannot reach the index at '{where}': {first_line(exc)}") from exc
    return conn


def register_vectors(conn: Any) -> None:
    """Have ``conn`` send and read pgvector's ``vector`` type (nothing when the database has
    no such extension yet)."""
    psycopg, register_vector = _psycopg()
    with contextlib.suppress(psycopg.ProgrammingError):
        register_vector(conn)


class Connections:
    """One connection per thread; a statement that fails because its server went away is
    repeated once on a fresh connection (libpq picks the next host that answers)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._local = threading.local()
        self.psycopg, _ = _psycopg()

    def get(self) -> Any:
        conn = getattr(self._local, "conn", None)
        if conn is None or conn.closed:
            conn = self._local.conn = connect(self.url)
            # HNSW search depth on this server (shards get it as their database default)
            conn.execute(f"SET hnsw.ef_search = {EF_SEARCH}")
        return conn

    def query(self, sql: str, params: Any = None, binary: bool = False) -> list[tuple]:
        """The rows of ``sql``; ``binary`` has them sent in binary (vectors: far cheaper)."""
        for attempt in (0, 1):
            try:
                return self.get().execute(sql, params, binary=binary).fetchall()
            except UnavailableError:  # no host answered a new connection (or died on it)
                if attempt:
                    raise
            except self.psycopg.OperationalError as exc:
                self.close()
                if attempt:  # e.g. a shard is down: the coordinator cannot run the fan-out
                    raise UnavailableError(
                        f"part of the index cannot be reached ({first_line(exc)}): "
                        "try again shortly"
                    ) from exc
        raise AssertionError("unreachable")

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None
