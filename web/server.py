"""Serving for real: the app under gunicorn (several gthread workers), never Flask's dev server.
The app is loaded once in the master and shared by the forked workers."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from gunicorn.app.base import BaseApplication

from search.build import build
from search.build_report import progress_for
from search.errors import BadIndexError
from search.store import Store, resolve
from search.store.base import is_database_url, open_store
from search.store.verify import problems
from web import create_app
from web.ratelimit import SharedRateLimiter
from web.settings import BY_NAME

SEEDS = Path("seeds")
REPO_SEEDS = Path(__file__).resolve().parent.parent / "seeds"


class SearchServer(BaseApplication):
    """A gunicorn application serving ``create_app(settings)``, loaded before forking."""

    def __init__(self, settings: dict[str, Any]) -> None:
        self.settings = settings
        super().__init__()

    def gunicorn_options(self) -> dict[str, Any]:
        s = self.settings
        host = f"[{s['host']}]" if ":" in s["host"] else s["host"]  # IPv6 literal
        options = {
            "bind": f"{host}:{s['port']}",
            "workers": s["workers"],
            # the index, encoder and segmenter load once in the master, before it listens and
            # forks: workers share those pages, and "Listening" means ready to answer
            "preload_app": True,
            "worker_class": "web.worker.BufferingWorker",  # slow clients hold no thread
            "threads": s["threads"],
            "timeout": 60,
            "graceful_timeout": 10,
            "keepalive": 5,
            "limit_request_line": 8190,  # a 512-character Chinese query is ~4.6 kB URL-encoded
            "limit_request_field_size": 8190,
            "accesslog": None,  # web/metrics.py logs one JSON line per request
            "errorlog": "-",
            "proc_name": "bilingual-search",
            "control_socket_disable": True,  # gunicorn >= 25 would open ~/.gunicorn/gunicorn.ctl
        }
        # X-Forwarded-Proto (https) is believed from the trusted proxies only, not from any
        # local client (gunicorn's default trusts 127.0.0.1)
        options["forwarded_allow_ips"] = ",".join(s["trusted_proxies"])
        options["when_ready"] = before_forks
        options["post_worker_init"] = after_fork
        return options

    def load_config(self) -> None:
        for key, value in self.gunicorn_options().items():
            if key in self.cfg.settings:  # older gunicorn lacks some settings
                self.cfg.set(key, value)

    def load(self) -> Any:
        return create_app(self.settings)


def before_forks(server: Any) -> None:
    """With ``preload_app`` the app is opened in the master before forking: the master lets go
    of the index (see ``SearcherHolder.before_fork``); without it there is nothing to do."""
    app = getattr(server.app, "callable", None)
    holder = getattr(app, "extensions", {}).get("searcher")
    if holder is not None:
        holder.before_fork()


def after_fork(worker: Any) -> None:
    """With ``preload_app`` the app is opened before forking: each worker then holds its
    generation with its own reader lock (see ``SearcherHolder.after_fork``)."""
    app = getattr(worker, "wsgi", None)
    holder = getattr(app, "extensions", {}).get("searcher")
    if holder is not None:
        holder.after_fork()


def seeds_folder() -> Path:
    return SEEDS if SEEDS.is_dir() else REPO_SEEDS


def ensure_index(settings: dict[str, Any]) -> None:
    """Check the index opens; build the default ``index/`` from ``seeds/`` on a fresh clone."""
    if is_database_url(settings["index"]):  # PostgreSQL: opening it is the check
        open_store(settings["index"]).close()
        return
    root = Path(settings["index"])
    is_default = settings["index"] == BY_NAME["index"].default
    try:
        resolve(root)
    except BadIndexError:
        if not is_default:
            if not root.exists():
                raise BadIndexError(
                    f"index folder '{root}' does not exist: build one with "
                    f"'python build_index.py --out {root}'"
                ) from None
            raise
        print(f"no index yet: building '{root}' from '{seeds_folder()}' (once)", flush=True)
        build([seeds_folder()], root, progress=progress_for(quiet=False))  # lines in a log
    check_index(root)


def check_index(root: Path) -> None:
    """Fail before any worker starts, in one line, if the index is damaged or too old."""
    generation = resolve(root)
    found = problems(generation)
    if found:
        more = f" (and {len(found) - 1} more problem(s))" if len(found) > 1 else ""
        raise BadIndexError(
            f"index '{root}' ({generation.name}) is damaged: {found[0]}{more}; "
            "see 'python -m search check --index ...', rebuild it or restore a snapshot"
        )
    Store(generation).close()  # format version, dimensions


def serve(settings: dict[str, Any]) -> None:
    ensure_index(settings)
    with shared_state(settings) as settings:
        SearchServer(settings).run()


@contextlib.contextmanager
def shared_state(settings: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """A folder the workers share for the rate limit and /metrics, unless configured; removed
    when the server stops."""
    base = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None
    folder = Path(tempfile.mkdtemp(prefix="bilingual-search-", dir=base))
    shared = dict(settings)
    shared["rate_limit_store"] = settings["rate_limit_store"] or str(folder / "ratelimit.sqlite")
    SharedRateLimiter(shared["rate_limit_store"], 0, 1)  # the table, made once before workers
    if not settings["metrics_dir"]:
        (folder / "metrics").mkdir()
        shared["metrics_dir"] = str(folder / "metrics")
    try:
        yield shared
    finally:
        shutil.rmtree(folder, ignore_errors=True)
