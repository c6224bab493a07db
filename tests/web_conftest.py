"""Fixtures for the web tests: a tiny bilingual index (deterministic test encoder) built in a
temp dir, an app around it, the seed index (the session's one, from ``conftest.py``) and real
``python -m web`` servers on a port the kernel picks (``--port 0``, read back from the log).

Test modules load this with ``pytest_plugins = ("tests.web_conftest",)``. A test that requests
``server_process`` or ``start_server`` is marked ``server``; one that requests ``web_seed_index``
is marked ``slow`` (see ``conftest.py``).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from search.build import build
from search.searcher import Searcher
from web import create_app

ROOT = Path(__file__).absolute().parents[1]
ENCODER = "hashing:64"

ZH_DOC = """# 碳达峰标准

国家标准化管理委员会发布了碳达峰碳中和标准体系建设指南，推动绿色低碳发展。

该指南提出到 2025 年制修订不少于 1000 项国家标准和行业标准。

# 宽带

全球固定宽带用户的月平均流量持续增长。
"""

EN_DOC = """# ESG standards in China

China is building a standards system for ESG disclosure, geared to international conventions.

Enterprises are encouraged to improve the governance of environmental data.

# Packaging

GB 23350-2021 restricts excessive packaging of foods and cosmetics.
"""

HOSTILE_DOC = """# Escaping <b>html</b> test

This paragraph contains <script>alert(1)</script> and <b>html</b> that must show as text.

A second paragraph mentions "quotes" & ampersands & <img src=x onerror=alert(2)>.
"""

SECOND_GENERATION_DOC = """# Quantum metrology

A brand new corpus about quantum metrology and the redefinition of the kilogram.
"""


def write_corpus(folder: Path, docs: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in docs.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def build_index(sources: Path, out: Path) -> Path:
    """A full rebuild of ``out`` from ``sources``; documents whose files are gone are dropped."""
    build([sources], out, encoder=ENCODER, progress=None, incremental=False, prune=True)
    return out


@pytest.fixture(scope="session")
def web_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny index: a Chinese, an English and a hostile (HTML-laden) document."""
    base = tmp_path_factory.mktemp("web")
    corpus = write_corpus(
        base / "corpus",
        {"carbon.zh.md": ZH_DOC, "esg.en.md": EN_DOC, "hostile.en.md": HOSTILE_DOC},
    )
    return build_index(corpus, base / "index")


@pytest.fixture(scope="session")
def web_searcher(web_index: Path) -> Searcher:
    return Searcher.open(web_index)


AppFactory = Callable[..., Flask]


@pytest.fixture
def make_app(web_searcher: Searcher) -> AppFactory:
    """``make_app(**settings)``: an app over the tiny index (no rate limit unless asked)."""

    def make(searcher: Searcher | None = None, **settings: Any) -> Flask:
        config = {"rate_limit": 0, "TESTING": True, **settings}
        return create_app(config, searcher=searcher or web_searcher)

    return make


@pytest.fixture
def web_app(make_app: AppFactory) -> Flask:
    return make_app()


@pytest.fixture
def web_client(web_app: Flask) -> FlaskClient:
    return web_app.test_client()


@pytest.fixture
def doc_ids(web_searcher: Searcher) -> dict[str, str]:
    """Document ids keyed by file stem (``carbon.zh``, ``esg.en``, ``hostile.en``)."""
    return {Path(d["path"]).stem: d["doc_id"] for d in web_searcher.store.documents()}


@pytest.fixture
def free_port() -> Callable[[], int]:
    """``free_port()``: a port nothing listens on right now. Racy (another process may take it
    before the server binds it): prefer ``start_server``, which binds port 0 and reads it back."""

    def find() -> int:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            return s.getsockname()[1]

    return find


@pytest.fixture(scope="session")
def web_seed_index(seed_index: Path) -> Path:
    """The seed corpus indexed with the real bundled encoder: the session's ``seed_index``."""
    return seed_index


CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def find_chromium() -> str | None:
    """The first Chromium (or Chrome) on ``PATH``; ``SEARCH_TEST_CHROMIUM`` overrides."""
    names = [os.environ.get("SEARCH_TEST_CHROMIUM", ""), *CHROMIUM_NAMES]
    return next((found for name in names if name and (found := shutil.which(name))), None)


LISTENING = re.compile(r"Listening at: http://[^\s]+:(\d+)")


def start_web(
    procs: list[subprocess.Popen],
    index: Path,
    log: Path,
    *args: str,
    env: dict[str, str] | None = None,
    timeout: float = 90,
) -> str:
    """Start ``python -m web --port 0 ...`` on ``index``, append the process to ``procs`` and
    return its base URL once ``/healthz`` answers 200 (the port is read from gunicorn's log)."""
    cmd = [sys.executable, "-m", "web", "--index", str(index), "--port", "0", *args]
    with log.open("w") as out:
        proc = subprocess.Popen(
            cmd, cwd=ROOT, env={**os.environ, **(env or {})}, stdout=out, stderr=subprocess.STDOUT
        )
    procs.append(proc)
    deadline = time.monotonic() + timeout
    base = ""
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"server exited with {proc.returncode}: {log.read_text()[-2000:]}")
        if not base and (found := LISTENING.search(log.read_text(errors="replace"))):
            base = f"http://127.0.0.1:{found.group(1)}"
        if base and healthy(base):
            return base
        time.sleep(0.1)
    pytest.fail(f"server did not answer within {timeout:.0f} s: {log.read_text()[-2000:]}")


def healthy(base: str) -> bool:
    try:
        with urllib.request.urlopen(base + "/healthz", timeout=5) as resp:
            return resp.status == 200
    except (OSError, urllib.error.URLError):
        return False


@pytest.fixture
def server_process() -> Iterator[list[subprocess.Popen]]:
    """Processes a test starts; each is stopped (then killed if need be) at the end."""
    procs: list[subprocess.Popen] = []
    yield procs
    for proc in procs:
        stop(proc)


@pytest.fixture
def start_server(server_process: list[subprocess.Popen], tmp_path: Path) -> Callable[..., str]:
    """``start_server(index, *args, env=None)``: a real server (stopped after the test); returns
    its base URL. Its log is ``tmp_path / "server-N.log"``."""

    def start(index: Path, *args: str, env: dict[str, str] | None = None) -> str:
        log = tmp_path / f"server-{len(server_process) + 1}.log"
        return start_web(server_process, index, log, *args, env=env)

    return start


def stop(proc: subprocess.Popen) -> None:
    """Terminate ``proc``, killing it if it does not exit within 15 s."""
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=5)


class Rebuildable:
    """An index folder a test can rebuild (each build publishes a new generation)."""

    def __init__(self, base: Path) -> None:
        self.base = base
        self.root = base / "index"
        self.builds = 0

    def build(self, docs: dict[str, str]) -> Path:
        """A new generation holding ``docs`` only (the previous corpus is deleted and pruned)."""
        shutil.rmtree(self.base / f"corpus-{self.builds}", ignore_errors=True)
        self.builds += 1
        corpus = write_corpus(self.base / f"corpus-{self.builds}", docs)
        build_index(corpus, self.root)
        return (self.root / "current").resolve()


@pytest.fixture
def rebuildable_index(tmp_path: Path) -> Rebuildable:
    """A fresh index (Chinese + English documents) that the test may rebuild."""
    index = Rebuildable(tmp_path)
    index.build({"carbon.zh.md": ZH_DOC, "esg.en.md": EN_DOC})
    return index


@pytest.fixture
def second_corpus() -> dict[str, str]:
    return {"quantum.en.md": SECOND_GENERATION_DOC}
