"""The evaluation command: relevance rule, metrics and bad query files."""

import subprocess
import sys
from pathlib import Path

import pytest

from search.errors import SearchError
from search.eval import Report, first_hit, is_relevant, load_queries

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    ("text", "gold", "relevant"),
    [
        ("成立了技术委员会（CEN/TC 473）", ["CEN/TC473"], True),  # whitespace removed
        ("流量为 257 GB。", ["257GB"], True),
        ("ＩＥＣ／ＴＣ　１１５", ["IEC/TC 115"], True),  # NFKC: full-width forms
        ("iec has approximately 160", ["IEC has approximately 160"], True),  # case folded
        ("CEN/TC 474", ["CEN/TC473"], False),
        ("anything", [], False),
    ],
)
def test_relevance_rule(text: str, gold: list[str], relevant: bool) -> None:
    assert is_relevant(text, gold) is relevant


def test_metrics() -> None:
    report = Report({"a": 1, "b": 3, "c": None, "d": 7})
    assert report.recall(1) == 0.25
    assert report.recall(5) == 0.5
    assert report.mrr == pytest.approx((1 + 1 / 3 + 0 + 1 / 7) / 4)
    assert report.missed(5) == ["c", "d"]
    assert first_hit(["x", "GB/T 12350-2022", "GB/T 12350-2022"], ["GB/T12350-2022"]) == 2


@pytest.mark.parametrize("line", ["not json", '{"q": "x"}', '["q", "gold"]'])
def test_bad_query_file(tmp_path: Path, line: str) -> None:
    f = tmp_path / "q.jsonl"
    f.write_text(line + "\n")
    with pytest.raises(SearchError, match=r"q.jsonl:1: expected a JSON object"):
        load_queries(f)


def test_eval_command_on_tiny_index(tiny_index: Path, tmp_path: Path) -> None:
    f = tmp_path / "q.jsonl"
    f.write_text('{"id": "x1", "q": "GB 23350-2021", "gold": ["GB 23350-2021"]}\n')
    cmd = [sys.executable, "-m", "search.eval", str(f), "--index", str(tiny_index)]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "R@1: 1.000" in proc.stdout and "missed@5: -" in proc.stdout
    missing = subprocess.run(cmd[:3] + [str(tmp_path / "none.jsonl")], cwd=ROOT,
                             capture_output=True, text=True, timeout=60)  # fmt: skip
    assert missing.returncode == 2 and "cannot read query file" in missing.stderr
