"""``python -m bench --store``: the folder store beside the PostgreSQL layouts, in steps that a
rerun with the same ``--work`` folder skips, at a few hundred passages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.__main__ import main
from search.store.generations import resolve

pytest_plugins = ("tests.pg_conftest",)

N = "300"


def run(work: Path, *extra: str, shards: str = "folder", url: str | None = None) -> dict:
    out = work.parent / "result.json"
    store = ["--store", url] if url else ["--store"]
    argv = [*store, "--shards", shards, "--passages", N, "--work", str(work), "--json", str(out)]
    assert main([*argv, *extra]) == 0
    return json.loads(out.read_text())


def steps(work: Path) -> dict:
    return json.loads((work / "steps.json").read_text())["layouts"]


def test_folder_store_is_measured_and_a_rerun_skips_finished_steps(tmp_path: Path, capsys):
    work = tmp_path / "work"
    first = run(work, "--keep")
    (row,) = first["rows"]
    assert row["layout"] == "folder" and row["vector_index"] == "flat"
    assert row["recall@10"] == 1.0  # exact below 10 000 vectors
    assert row["write_s"] > row["index_s"] > 0 and row["bytes_per_passage"] > 2 * 2048
    assert 2 * 2048 * 300 <= row["ann_bytes"] < row["bytes"]  # two exact FAISS indexes
    assert row["vector_ms"]["p50"] > 0 and row["keyword_ms"]["p99"] >= row["keyword_ms"]["p50"]
    assert "| folder | flat |" in capsys.readouterr().out
    built = resolve(work / "folder")

    done = steps(work)["folder"]
    assert done["measured"] == row and done["written"]["write_s"] == row["write_s"]
    assert run(work, "--keep")["rows"] == [row]  # nothing redone: the same row
    assert resolve(work / "folder") == built

    state = json.loads((work / "steps.json").read_text())
    del state["layouts"]["folder"]["measured"]  # written, not measured: measured only
    (work / "steps.json").write_text(json.dumps(state))
    again = run(work)["rows"][0]
    assert again["write_s"] == row["write_s"] and again["recall@10"] == 1.0  # not written
    assert not (work / "folder").exists()  # removed once measured, without --keep

    state = json.loads((work / "steps.json").read_text())
    del state["layouts"]["folder"]["measured"]  # its index is gone: written again
    (work / "steps.json").write_text(json.dumps(state))
    assert run(work)["rows"][0]["write_s"] != row["write_s"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--store", "--shards", "2,x"], "'x' is neither a shard count nor 'folder'"),
        (["--store", "--shards", "0,folder"], "PostgreSQL layouts need a coordinator"),
        (["--store", "--shards", "folder", "--passages", "5"], "at least 20 are needed"),
    ],
)
def test_bad_store_arguments_fail_in_one_line(argv: list[str], message: str) -> None:
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert message in str(exc.value) and "\n" not in str(exc.value)


def test_a_work_folder_of_another_size_is_refused(tmp_path: Path) -> None:
    work = tmp_path / "work"
    run(work)
    with pytest.raises(SystemExit, match=f"holds a run of {N} passages, not 400"):
        main(["--store", "--shards", "folder", "--passages", "400", "--work", str(work)])
    (work / "steps.json").write_text("{")
    with pytest.raises(SystemExit, match="is not readable JSON"):
        main(["--store", "--shards", "folder", "--passages", N, "--work", str(work)])
    with pytest.raises(SystemExit, match="cannot use it as a folder"):
        main(["--store", "--shards", "folder", "--work", str(work / "steps.json" / "x")])


@pytest.mark.cluster
def test_postgres_layouts_resume_and_drop_their_databases(pg_cluster, tmp_path: Path) -> None:
    """Written but not measured: the rerun measures the database it left, then drops it."""
    from bench.store import has_database

    url = pg_cluster.node("coordinator")[0].url
    work = tmp_path / "work"
    first = run(work, "--keep", shards="0,2", url=url)
    assert [r["layout"] for r in first["rows"]] == ["1 node", "2 shards"]
    assert all(r["recall@10"] == 1.0 and r["bytes_per_passage"] > 2048 for r in first["rows"])
    assert first["rows"][1]["index_s"] > 0 and "fanout_ms_per_shard" in first["rows"][1]
    assert all(r["ann_bytes"] == 0 for r in first["rows"])  # exact scans below 10 000 rows
    assert has_database(url, "bench_1node") and has_database(url, "bench_2shards")

    state = json.loads((work / "steps.json").read_text())
    del state["layouts"]["2 shards"]["measured"]
    (work / "steps.json").write_text(json.dumps(state))
    second = run(work, shards="0,2", url=url)
    assert second["rows"][0] == first["rows"][0]
    assert second["rows"][1]["write_s"] == first["rows"][1]["write_s"]  # not written again
    assert not has_database(url, "bench_1node") and not has_database(url, "bench_2shards")
