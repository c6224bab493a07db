"""Hot reload: a rebuilt index is picked up by the running app and no request fails meanwhile."""

from __future__ import annotations

import os
import threading

from search.searcher import Searcher
from web import create_app
from web.reload import SearcherHolder, index_root

pytest_plugins = ("tests.web_conftest",)


def app_over(root, interval: float = 0.0):
    return create_app({"index": str(root), "reload_interval": interval, "rate_limit": 0})


def titles(client) -> set[str]:
    """The served documents, named by their id without its hash (``carbon-zh``)."""
    docs = client.get("/api/documents").get_json()["documents"]
    return {d["doc_id"].rsplit("-", 1)[0] for d in docs}


def test_rebuilt_index_is_served_without_restart(rebuildable_index, second_corpus) -> None:
    client = app_over(rebuildable_index.root).test_client()
    first = client.get("/healthz").get_json()["generation"]
    assert titles(client) == {"carbon-zh", "esg-en"}
    failures: list[str] = []
    answered: list[int] = []
    stop = threading.Event()

    def hammer() -> None:
        own = app_over(rebuildable_index.root).test_client()
        for _ in range(2000):  # bounded; usually stopped much earlier
            if stop.is_set():
                return
            for path in ("/api/search?q=standards", "/?q=标准", "/api/documents"):
                resp = own.get(path)
                answered.append(resp.status_code)
                if resp.status_code != 200:
                    failures.append(f"{path}: {resp.status_code}")

    threads = [threading.Thread(target=hammer) for _ in range(3)]
    for t in threads:
        t.start()
    try:
        new_gen = rebuildable_index.build(second_corpus)
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=60)
    assert answered and not failures, failures[:5]
    health = client.get("/healthz").get_json()
    assert health["generation"] == new_gen.name != first
    assert titles(client) == {"quantum-en"}
    body = client.get("/api/search?q=quantum metrology kilogram").get_json()
    assert body["results"][0]["doc_id"].startswith("quantum-en")


def test_reload_waits_for_the_interval(rebuildable_index, second_corpus) -> None:
    client = app_over(rebuildable_index.root, interval=3600).test_client()
    assert titles(client) == {"carbon-zh", "esg-en"}
    rebuildable_index.build(second_corpus)
    assert titles(client) == {"carbon-zh", "esg-en"}  # not checked again within the hour


def test_a_broken_new_generation_keeps_the_old_one_serving(rebuildable_index) -> None:
    root = rebuildable_index.root
    client = app_over(root).test_client()
    serving = client.get("/healthz").get_json()["generation"]
    broken = root / "gen-broken"
    broken.mkdir()
    (broken / "manifest.json").write_text("{not json")
    tmp_link = root / ".current-test"
    os.symlink(broken.name, tmp_link)
    os.replace(tmp_link, root / "current")
    for _ in range(3):
        assert client.get("/api/search?q=ESG").status_code == 200
        assert client.get("/healthz").get_json()["generation"] == serving


def test_holder_reuses_the_embedder_and_finds_its_root(rebuildable_index, second_corpus) -> None:
    searcher = Searcher.open(rebuildable_index.root)
    assert index_root(searcher.store.path) == rebuildable_index.root
    holder = SearcherHolder(searcher, interval=0)
    rebuildable_index.build(second_corpus)
    new = holder.searcher
    assert new is not searcher and new.embedder is searcher.embedder
