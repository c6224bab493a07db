"""Verify before serving (issue finding 2): a damaged generation is never served; the old one
keeps serving, /healthz says degraded and why; the CLI check and the server start-up fail in
one line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from search.errors import BadIndexError
from search.searcher import Searcher
from search.store import Store
from search.store.verify import problems
from web import create_app
from web.server import check_index

pytest_plugins = ("tests.web_conftest",)

ROOT = Path(__file__).absolute().parents[1]
NEW_DOCS = {"quantum.en.md": "# Quantum\n\nA new corpus about quantum metrology standards.\n"}


def zero_bytes(path: Path) -> None:
    path.write_bytes(b"")


def half(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def random_pages(path: Path) -> None:
    data = bytearray(path.read_bytes())
    for at in range(4096, len(data), 4096):  # every page but the header: a scrambled file
        data[at + 100 : at + 400] = bytes((at + i * 7) % 251 for i in range(300))
    path.write_bytes(bytes(data))


def wrong_dimension(gen: Path) -> None:
    manifest = json.loads((gen / "manifest.json").read_text())
    manifest["dim"] = 65
    (gen / "manifest.json").write_text(json.dumps(manifest))


DAMAGE = {
    "zero-byte meta.sqlite": lambda gen: zero_bytes(gen / "meta.sqlite"),
    "half-truncated meta.sqlite": lambda gen: half(gen / "meta.sqlite"),
    "random pages in meta.sqlite": lambda gen: random_pages(gen / "meta.sqlite"),
    "manifest with the wrong dimension": wrong_dimension,
    "half-truncated vectors": lambda gen: half(gen / "vectors.faiss"),
}


@pytest.mark.parametrize("damage", DAMAGE)
def test_damaged_generation_is_found(rebuildable_index, damage: str) -> None:
    gen = rebuildable_index.build(NEW_DOCS)
    assert problems(gen) == []
    DAMAGE[damage](gen)
    found = problems(gen)
    assert found and all("\n" not in line for line in found)


@pytest.mark.parametrize("damage", DAMAGE)
def test_reloader_keeps_the_old_generation_and_says_degraded(rebuildable_index, damage) -> None:
    client = create_app({"index": str(rebuildable_index.root), "reload_interval": 0}).test_client()
    before = client.get("/healthz").get_json()
    DAMAGE[damage](rebuildable_index.build(NEW_DOCS))
    for path in ("/healthz", "/api/search?q=standards", "/?q=carbon", "/api/documents"):
        assert client.get(path).status_code == 200, path
    health = client.get("/healthz").get_json()
    assert health["status"] == "degraded"
    assert health["generation"] == before["generation"]
    assert "still serving" in health["reason"]
    fixed = rebuildable_index.build(NEW_DOCS)  # the next good build is served again
    health = client.get("/healthz").get_json()
    assert (health["status"], health["generation"]) == ("ok", fixed.name)


@pytest.mark.parametrize("damage", DAMAGE)
def test_cli_and_server_fail_in_one_line(rebuildable_index, damage: str) -> None:
    DAMAGE[damage](rebuildable_index.build(NEW_DOCS))
    root = rebuildable_index.root
    with pytest.raises(BadIndexError) as server_error:
        check_index(root)
    assert "damaged" in str(server_error.value) and "\n" not in str(server_error.value)
    cmd = [sys.executable, "-m", "search", "check", "--index", str(root)]
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr + done.stdout
    assert done.stdout.strip() and all(line.startswith("problem: ") for line in
                                       done.stdout.strip().splitlines())  # fmt: skip


@pytest.mark.parametrize("damage", ["zero-byte meta.sqlite", "half-truncated meta.sqlite"])
def test_opening_a_damaged_index_is_one_clear_error(rebuildable_index, damage: str) -> None:
    DAMAGE[damage](rebuildable_index.build(NEW_DOCS))
    with pytest.raises(BadIndexError, match="meta.sqlite is damaged"):
        Store.open(rebuildable_index.root)


def test_wrong_dimension_is_one_clear_error_at_open(rebuildable_index) -> None:
    wrong_dimension(rebuildable_index.build(NEW_DOCS))
    with pytest.raises(BadIndexError, match="manifest.json says 65"):
        Searcher.open(rebuildable_index.root)


def test_check_passes_on_a_sound_index(rebuildable_index) -> None:
    cmd = [sys.executable, "-m", "search", "check", "--index", str(rebuildable_index.root)]
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("ok: ")


@pytest.mark.parametrize("damage", ["zero-byte meta.sqlite", "manifest with the wrong dimension"])
def test_server_start_fails_with_one_line(rebuildable_index, damage: str) -> None:
    DAMAGE[damage](rebuildable_index.build(NEW_DOCS))
    cmd = [sys.executable, "-m", "web", "--index", str(rebuildable_index.root), "--port", "0"]
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr and "Worker failed to boot" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: index ") and "damaged" in lines[0]


@pytest.mark.parametrize("damage", DAMAGE)
def test_query_cli_on_a_damaged_index_is_one_line(rebuildable_index, damage: str) -> None:
    DAMAGE[damage](rebuildable_index.build(NEW_DOCS))
    cmd = [sys.executable, "-m", "search", "--index", str(rebuildable_index.root), "standards"]
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert "Traceback" not in done.stderr, done.stderr[-1500:]
    if done.returncode != 0:  # a query that needs no damaged page may still be answered
        assert len(done.stderr.strip().splitlines()) == 1, done.stderr


def test_a_build_after_a_damaged_generation_builds_on_the_last_good_one(
    rebuildable_index, tmp_path: Path, capsys
) -> None:
    from search.build import build

    DAMAGE["random pages in meta.sqlite"](rebuildable_index.build(NEW_DOCS))
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "water.en.md").write_text("# Water\n\nStandards for drinking water.\n")
    summary = build([extra], rebuildable_index.root, encoder="hashing:64")  # keeps documents
    assert problems(summary.path) == []
    names = {d.rsplit("-", 1)[0] for d in Searcher.open(rebuildable_index.root).documents}
    assert names == {"carbon-zh", "esg-en", "water-en"}  # the last good one's, plus the new
    assert "building on gen-" in capsys.readouterr().err
