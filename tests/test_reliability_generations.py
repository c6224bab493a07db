"""Generations that cannot vanish under a reader (issue findings 1 and 8): a generation some
process reads is never deleted, a replaced one is closed after its last request, and what a
dead build left behind goes at the next build's start."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

from search.store import Store
from web import create_app
from web.reload import SearcherHolder

pytest_plugins = ("tests.web_conftest",)

DOCS = ({"a.en.md": "# One\n\nFirst corpus about carbon capture standards.\n"},)


def rebuild(index, n: int) -> list[Path]:
    return [index.build({f"doc{i}.en.md": f"# Doc {i}\n\nText number {i} on standards.\n"})
            for i in range(n)]  # fmt: skip


def deleted_files_open() -> list[str]:
    """Files this process holds open that were deleted meanwhile."""
    out = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if target.endswith(" (deleted)"):
            out.append(target)
    return out


def test_generation_read_by_a_process_survives_three_builds(rebuildable_index) -> None:
    store = Store.open(rebuildable_index.root)
    generation = store.path
    rebuild(rebuildable_index, 3)
    assert generation.is_dir()  # on the old main it was deleted after the second build
    assert store.document_chunks(store.documents()[0]["doc_id"])
    store.close()
    rebuild(rebuildable_index, 1)
    assert not generation.exists()  # unread now: the next build prunes it
    assert len(list(rebuildable_index.root.glob("gen-*"))) == 2


def test_idle_worker_two_generations_behind_still_answers(rebuildable_index) -> None:
    app = create_app({"index": str(rebuildable_index.root), "reload_interval": 3600})
    client = app.test_client()
    assert client.get("/api/search?q=standards").status_code == 200
    rebuild(rebuildable_index, 3)  # the worker is idle (no reload check due) meanwhile
    codes: dict[str, int] = {}

    def another_thread() -> None:  # its own SQLite connection, opened only now
        for path in ("/api/search?q=carbon", "/api/documents", "/?q=standards", "/healthz"):
            codes[path] = client.get(path).status_code

    thread = threading.Thread(target=another_thread)
    thread.start()
    thread.join()
    assert set(codes.values()) == {200}, codes


def test_replaced_generation_closed_after_its_last_request(rebuildable_index) -> None:
    holder = SearcherHolder.open(rebuildable_index.root, interval=0)
    running = holder.checkout()  # a request in flight on the first generation
    first = running.store.path
    running.store.documents()  # it has an open SQLite connection
    rebuild(rebuildable_index, 1)
    newer = holder.checkout()
    assert newer.store.path != first
    assert running.store.documents()  # the running request is not cut off
    rebuild(rebuildable_index, 2)
    assert first.is_dir()  # still in use: not pruned
    holder.checkin(running)  # its last request ends: connections and reader lock released
    assert running.store._connections == []
    holder.checkin(newer)
    del running, newer  # (a request's reference ends with it; memory maps go with it)
    rebuild(rebuildable_index, 2)
    assert not first.exists()
    assert not [f for f in deleted_files_open() if str(rebuildable_index.root) in f]


def test_leftovers_of_a_dead_build_are_removed_at_the_next_build(rebuildable_index) -> None:
    root = rebuildable_index.root
    dead = root / ".tmp-gen-20260101T000000-dead00"
    dead.mkdir()
    (dead / "meta.sqlite").write_bytes(b"half written")
    os.symlink("gen-x", root / ".current-dead00")
    os.utime(dead, (time.time(), time.time()))  # fresh: the old main kept these for an hour
    rebuild(rebuildable_index, 1)
    assert not dead.exists()
    assert not list(root.glob(".current-*"))


def test_a_forked_worker_holds_the_generation_with_its_own_lock(rebuildable_index) -> None:
    holder = SearcherHolder.open(rebuildable_index.root, interval=3600)
    first = holder.generation
    holder.before_fork()  # the master (gunicorn preload_app) lets go before forking
    pid = os.fork()
    if pid == 0:  # the worker: re-take the lock, then wait to be killed
        holder.after_fork()
        time.sleep(30)
        os._exit(0)
    try:
        time.sleep(1.0)
        rebuild(rebuildable_index, 3)
        assert first.is_dir()  # the forked worker still holds it
    finally:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
    rebuild(rebuildable_index, 1)
    assert not first.exists()


def test_a_worker_forked_late_serves_the_newest_good_generation(rebuildable_index) -> None:
    """A worker restarted after a crash is forked from a master that opened the index long
    ago: it must not serve that (maybe pruned) generation, nor a damaged current one."""
    holder = SearcherHolder.open(rebuildable_index.root, interval=3600)
    holder.before_fork()
    good = rebuild(rebuildable_index, 3)[-1]
    bad = rebuild(rebuildable_index, 1)[-1]
    (bad / "meta.sqlite").write_bytes(b"")
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the worker
        try:
            holder.after_fork()
            searcher = holder.checkout()
            answer = f"{searcher.store.path.name} {len(searcher.store.documents())} {holder.reason}"
        except BaseException as exc:  # noqa: BLE001 - reported to the parent
            answer = f"error {exc!r}"
        os.write(write, answer.encode())
        os._exit(0)
    os.close(write)
    os.waitpid(pid, 0)
    answer = os.read(read, 4096).decode()
    os.close(read)
    name, docs, reason = answer.split(" ", 2)
    assert name == good.name and int(docs) == 1, answer
    assert bad.name in reason
