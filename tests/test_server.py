"""``python -m web`` for real: gunicorn workers on 127.0.0.1 (port 0, read back), flags checked,
hot reload."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.web_conftest import start_web

pytest_plugins = ("tests.web_conftest",)

ROOT = Path(__file__).absolute().parents[1]
pytestmark = pytest.mark.server


def get(url: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
    req = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def start(server_process: list, index: Path, log: Path) -> str:
    """Start ``python -m web`` with 2 workers on a port the kernel picks; wait for /healthz."""
    return start_web(server_process, index, log, "--workers", "2", timeout=60)


def workers_of(pid: int) -> list[int]:
    children = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in children.read_text().split()] if children.exists() else []


def test_gunicorn_serves_the_api_and_pages(
    web_index: Path, server_process: list, tmp_path: Path
) -> None:
    base = start(server_process, web_index, tmp_path / "server.log")
    status, headers, body = get(base + "/api/search?q=ESG%20standards&k=3")
    assert status == 200
    assert headers["Server"].startswith("gunicorn")
    assert json.loads(body)["results"][0]["citation"]["text"]
    status, _, body = get(base + "/?q=%E6%A0%87%E5%87%86")  # 标准
    assert status == 200 and b'class="result ' in body
    status, _, body = get(base + "/api/search?q=a&k=1000")
    assert status == 400 and b"from 1 to 50" in body
    status, _, body = get(base + "/api/search?q=" + "%E7%A2%B3" * 512)  # 512 Chinese chars
    assert status == 200
    status, _, _ = get(base + "/api/search?q=" + "x" * 10_000)
    assert status == 414  # gunicorn's request-line limit (8190 bytes) answers before the app
    status, _, _ = get(base + "/api/search?q=a", headers={"X-Big": "y" * 20_000})
    assert status in (400, 431)
    assert len(workers_of(server_process[0].pid)) == 2
    assert "Booting worker" in (tmp_path / "server.log").read_text()


def test_workers_pick_up_a_rebuilt_index(
    rebuildable_index, second_corpus, server_process: list, tmp_path: Path
) -> None:
    base = start(server_process, rebuildable_index.root, tmp_path / "server.log")
    old_gen = json.loads(get(base + "/healthz")[2])["generation"]
    new_gen = rebuildable_index.build(second_corpus).name
    seen: list[str] = []
    deadline = time.monotonic() + 20
    # each worker checks at most once a second: poll until 8 answers in a row (both workers,
    # as connections are not kept alive) name the new generation; every answer must be a 200
    while time.monotonic() < deadline and seen[-8:] != [new_gen] * 8:
        status, _, body = get(base + "/healthz")
        assert status == 200
        seen.append(json.loads(body)["generation"])
        time.sleep(0.1)
    assert seen[-8:] == [new_gen] * 8 and set(seen) <= {old_gen, new_gen}
    status, _, body = get(base + "/api/search?q=quantum%20metrology")
    assert status == 200 and json.loads(body)["results"][0]["doc_id"].startswith("quantum-en")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--port", "abc"], "argument --port: expected a whole number"),
        (["--port", "70000"], "argument --port: must be from 0 to 65535"),
        (["--workers", "0"], "argument --workers: must be from 1 to 64"),
        (["--index", "/no/such/index/dir"], "index folder '/no/such/index/dir' does not exist"),
        (["--bogus"], "unrecognized arguments: --bogus"),
    ],
)
def test_bad_flags_are_one_line_errors(args: list[str], message: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "web", *args], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), done.stderr
    assert message in lines[0]


def test_unknown_setting_in_config_file_stops_startup(tmp_path: Path) -> None:
    conf = tmp_path / "web.toml"
    conf.write_text("workerz = 4\n")
    done = subprocess.run(
        [sys.executable, "-m", "web", "--config", str(conf)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "unknown setting 'workerz'" in done.stderr and len(done.stderr.splitlines()) == 1
