"""The query CLI's issue-14 flags: --offset, --doc, --date-from/--date-to, --file, and the
same fields in --json as the API (total, good, offset, match, citation formats)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from search.__main__ import main

pytest_plugins = ("tests.web_conftest",)


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_json_carries_the_api_fields(capsys, web_index: Path) -> None:
    code, out, _ = run(capsys, "--index", str(web_index), "--json", "--k", "2", "ESG standards")
    body = json.loads(out)
    assert code == 0
    assert {"total", "total_is_estimate", "good", "offset", "facets"} <= set(body)
    for r in body["results"]:
        assert r["match"] in ("good", "weak")
        assert set(r["citation"]["formats"]) == {"gbt7714", "chicago"}
        assert r["citation"]["permalink"] == f"/doc/{r['doc_id']}#{r['chunk_id']}"


def test_offset_and_doc(capsys, web_index: Path, doc_ids) -> None:
    base = ["--index", str(web_index), "--json", "--k", "2"]
    first = json.loads(run(capsys, *base, "--k", "4", "standards 标准")[1])["results"]
    page = json.loads(run(capsys, *base, "--offset", "2", "standards 标准")[1])
    assert [r["chunk_id"] for r in page["results"]] == [r["chunk_id"] for r in first[2:4]]
    esg = doc_ids["esg.en"]
    only = json.loads(run(capsys, *base, "--doc", esg, "standards 标准")[1])
    assert {r["doc_id"] for r in only["results"]} == {esg}


def test_query_from_a_file_and_stdin(capsys, web_index: Path, tmp_path, monkeypatch) -> None:
    draft = tmp_path / "draft.txt"
    draft.write_text("Enterprises are encouraged to improve environmental data.\n" * 30)
    code, out, _ = run(capsys, "--index", str(web_index), "--file", str(draft))
    assert code == 0 and "results for “Enterprises are encouraged" in out and "…" in out
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO("碳达峰 标准"))
    code, out, _ = run(capsys, "--index", str(web_index), "--json", "--file", "-")
    assert code == 0 and json.loads(out)["query"] == "碳达峰 标准"


def test_no_good_answer_is_said(capsys, web_index: Path) -> None:
    code, out, _ = run(capsys, "--index", str(web_index), "quantum chromodynamics lattice")
    assert code == 0 and "No good answer for this query" in out and "(weak match)" in out


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--offset", "-1"], "offset must be a whole number from 0 to 500"),
        (["--offset", "x"], "offset must be a whole number"),
        (["--doc", "nope"], "no document with id 'nope'"),
        (["--date-from", "2024-13"], "date_from must be a date like"),
        (["--date-from", "2025", "--date-to", "2024"], "is after date_to"),
        (["--file", "/no/such/file"], "cannot read query file '/no/such/file'"),
    ],
)
def test_bad_flags_are_one_line_errors(capsys, web_index: Path, args, needle) -> None:
    code, _, err = run(capsys, "--index", str(web_index), *args, "ESG")
    assert code != 0 and needle in err and len(err.strip().splitlines()) == 1
    assert "Traceback" not in err
