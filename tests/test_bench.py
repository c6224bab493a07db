"""The benchmark suite runs end to end at its tiny size and reports every section with numbers."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from bench import report
from bench.__main__ import main
from bench.common import listening_port, median_of, percentiles
from bench.scale import mark_chosen
from tests import needs

ROOT = Path(__file__).resolve().parents[1]

SECTIONS = (
    "## Machine",
    "## Build",
    "## Memory",
    "## Query in process",
    "## HTTP",
    "## MCP",
    "## Scale",
    "## Targets",
)
NUMBER_ROW = re.compile(r"^\|[^|\n]*\|.*\d", re.MULTILINE)


def sections(text: str) -> dict[str, str]:
    parts = re.split(r"^(## .+)$", text, flags=re.MULTILINE)
    return {head: body for head, body in zip(parts[1::2], parts[2::2], strict=True)}


def test_percentiles_and_median_of_runs() -> None:
    p = percentiles([float(i) for i in range(1, 101)])
    assert p["p50"] == pytest.approx(50.5) and p["p99"] == pytest.approx(99.01)
    runs = [{"a": 1.0, "b": [{"x": 3}], "s": "k"}, {"a": 5.0, "b": [{"x": 1}], "s": "k"}]
    runs.append({"a": 2.0, "b": [{"x": 2}], "s": "k"})
    assert median_of(runs) == {"a": 2.0, "b": [{"x": 2}], "s": "k"}


def test_merge_keeps_the_prose_around_the_markers() -> None:
    doc = f"# Title\n\nprose\n\n{report.START}\nold\n{report.END}\n\nafter\n"
    merged = report.merge(doc, "new")
    assert "prose" in merged and "after" in merged and "new" in merged and "old" not in merged
    assert report.merge("", "x").count(report.START) == 1


def test_performance_doc_is_what_its_results_files_render() -> None:
    """The generated part of docs/PERFORMANCE.md re-renders, unchanged, from the results files
    it names (``python -m bench --render FILE ... --out docs/PERFORMANCE.md``)."""
    doc = (ROOT / "docs" / "PERFORMANCE.md").read_text("utf-8")
    block = doc.split(report.START, 1)[1].split(report.END, 1)[0].strip("\n")
    files = re.findall(r"results file `([^`]+)`", block)
    assert files, "the generated block names no results file"
    loaded = [(f, json.loads((ROOT / f).read_text("utf-8"))) for f in files]
    result = report.combine(loaded)
    if "scale" in result:
        mark_chosen(result["scale"]["rows"])
    assert report.render(result).strip("\n") == block


def test_one_results_file_renders_its_command_and_name() -> None:
    result = json.loads((ROOT / "bench/results/2026-11-22-full.json").read_text("utf-8"))
    text = report.render(report.combine([("a.json", result)]))
    assert "results file `a.json`" in text and result["command"] in text
    assert "## Query in process" in text and "one thread" not in text  # one table, as shipped


@pytest.mark.slow
def test_tiny_suite_reports_every_section(tmp_path: Path) -> None:
    needs.tool("wrk")  # the HTTP section's load generator
    out = tmp_path / "PERFORMANCE.md"
    out.write_text(f"# Performance\n\nhand-written notes\n\n{report.START}\n{report.END}\n")
    raw = tmp_path / "results.json"
    assert main(["--size", "tiny", "--out", str(out), "--json", str(raw)]) == 0
    text = out.read_text()
    assert "hand-written notes" in text
    found = sections(text)
    for head in SECTIONS:
        body = next((b for h, b in found.items() if h.startswith(head)), None)
        assert body is not None, f"missing section {head}"
        assert NUMBER_ROW.search(body), f"section {head} has no figures"
    results = json.loads(raw.read_text())
    levels = results["http"]["as shipped"]["levels"]
    assert [lv["clients"] for lv in levels] == [1, 8, 32]
    assert all(lv["errors"] == 0 and lv["requests"] > 0 for lv in levels)
    assert results["build"]["passages"] > 0 and results["build"]["index_bytes_per_passage"] > 0
    mcp = results["mcp"]
    assert mcp["requests"] > 0 and mcp["mcp"]["p50"] > 0 and mcp["api"]["p50"] > 0
    assert "MCP search_passages p50 <= 1.5x /api/search" in text
    kinds = {row["index"] for row in results["scale"]["rows"]}
    assert kinds == {"flat", "hnsw", "ivf", "ivfpq"}
    assert any(row["chosen"] for row in results["scale"]["rows"])


def test_the_port_is_read_from_the_servers_own_log_lines(tmp_path: Path) -> None:
    log = tmp_path / "server.log"
    log.write_text("[INFO] Listening at: http://127.0.0.1:41001 (10)\n")
    offset = log.stat().st_size
    assert listening_port(log) == 41001
    assert listening_port(log, offset) is None  # a second server has not started yet
    with log.open("a") as fh:
        fh.write("[INFO] Starting gunicorn\n[INFO] Listening at: http://127.0.0.1:41002 (11)\n")
    assert listening_port(log, offset) == 41002
    assert listening_port(tmp_path / "missing.log") is None


def test_ann_update_section(tmp_path: Path, capsys) -> None:
    """``python -m bench --ann-update N``: build and in-place update timed, recall of both."""
    out = tmp_path / "ann.json"
    assert main(["--ann-update", "2000", "--json", str(out)]) == 0
    text = capsys.readouterr().out
    assert "Incremental vector index update" in text and "2000 / 20" in text
    r = json.loads(out.read_text("utf-8"))
    assert r["index"] == "flat" and r["recall_updated"] == 1.0 and r["update_s"] > 0


def test_hotspots_time_the_query_path_and_put_it_back(tiny_index: Path) -> None:
    import search.rank.candidates as candidates
    import search.searcher as searcher_module
    from bench import hotspots

    before = (searcher_module.gather, candidates.dense)
    lines = hotspots.run(tiny_index, 1)
    rows = {line.split(" | ")[0].strip("| "): line for line in lines[3:]}
    assert {"gather", "encode_query", "dense", "present", "analyse"} <= set(rows)
    assert float(rows["gather"].split(" | ")[1]) > 0
    assert (searcher_module.gather, candidates.dense) == before


def test_ann_update_across_an_index_kind_is_refused_at_once() -> None:
    """At 10 000 vectors (flat) 1 % more calls for HNSW: nothing to update, one clear line."""
    with pytest.raises(SystemExit) as exc:
        main(["--ann-update", "10000"])
    assert "call for a hnsw index instead of flat" in str(exc.value)


def test_hotspots_refuse_no_passes_in_one_line(capsys) -> None:
    from bench import hotspots

    with pytest.raises(SystemExit) as exc:
        hotspots.main(["index", "--passes", "0"])
    assert exc.value.code == 2
    assert "--passes must be at least 1" in capsys.readouterr().err
