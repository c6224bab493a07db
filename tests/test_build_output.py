"""Build output for people and for logs: a bar on a terminal, plain lines in a log, a summary
that counts (lists behind --verbose or in a JSON report), right plurals, rates without the load."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from search.build import build
from search.build_report import BuildSummary, ProgressLines, plural, progress_for
from search.embed.hashing import HashingEncoder

ROOT = Path(__file__).resolve().parents[1]


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class SlowLoad(HashingEncoder):
    """The test encoder with a model load that takes a while."""

    def __init__(self) -> None:
        super().__init__(64)
        self.loaded = False

    def load(self) -> None:
        time.sleep(0.3)
        self.loaded = True

    def encode_documents(self, texts: Sequence[str]) -> np.ndarray:
        assert self.loaded, "load() runs before the first batch"
        return super().encode_documents(texts)


@pytest.mark.parametrize(
    ("n", "word", "expected"),
    [(0, "passage", "0 passages"), (1, "passage", "1 passage"), (2, "file", "2 files")],
)
def test_plural(n: int, word: str, expected: str) -> None:
    assert plural(n, word) == expected


def test_summary_counts_and_lists_only_when_asked() -> None:
    summary = BuildSummary(
        documents=300,
        chunks_by_lang=Counter({"zh": 1, "en": 2}),
        embedded=[f"doc-{i}" for i in range(300)],
        embedded_chunks=1,
        encode_seconds=0.5,
        skipped=[(f"bad-{i}.pdf", "the file is empty") for i in range(25)],
    )
    text = "\n".join(summary.lines())
    assert "documents: 300 (300 embedded, 0 unchanged)" in text
    assert "embedded 1 passage in 0.5 s (2 passages/s" in text
    assert "doc-17" not in text and len(text) < 2000
    assert "skipped: 25 files" in text and "... and 15 more" in text
    verbose = "\n".join(summary.lines(verbose=True))
    assert "embedded doc-17" in verbose and "skipped bad-24.pdf: the file is empty" in verbose


def test_progress_on_a_terminal_is_a_bar_and_in_a_log_plain_lines() -> None:
    tty = Terminal()
    progress = progress_for(False, tty)
    assert progress is not None
    progress(64, 128)
    progress(128, 128)
    assert "\r" in tty.getvalue() and "[" in tty.getvalue()
    log = io.StringIO()
    progress = progress_for(False, log)
    assert isinstance(progress, ProgressLines)
    progress.every = 0.0
    for done in range(64, 257, 64):
        progress(done, 256)
    lines = log.getvalue().splitlines()
    assert "\r" not in log.getvalue()
    assert lines[-1] == "encoding: 256/256 texts (100%)" and len(lines) == 4
    assert progress_for(True, log) is None


def test_progress_lines_are_periodic() -> None:
    log = io.StringIO()
    progress = ProgressLines(log, every=3600)
    for done in range(1, 100):
        progress(done, 100)
    progress(100, 100)
    assert log.getvalue() == "encoding: 100/100 texts (100%)\n"


def test_rate_leaves_the_model_load_out(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.md").write_text("# A\n\nOne passage about hydrogen.\n")
    summary = build([src], tmp_path / "index", SlowLoad())
    assert summary.load_seconds >= 0.3
    assert summary.encode_seconds < 0.3
    assert "model load 0.3 s not counted" in "\n".join(summary.lines())


def test_build_index_log_output_report_and_verbose(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    for i in range(3):
        (src / f"n{i}.md").write_text(f"# Note {i}\n\nText of note {i} on standards.\n")
    (src / "bad.pdf").write_bytes(b"")
    report = tmp_path / "report.json"
    cmd = [sys.executable, str(ROOT / "build_index.py"), "--source", str(src)]
    cmd += ["--out", str(tmp_path / "index"), "--encoder", "hashing:64", "--report", str(report)]
    with (tmp_path / "build.log").open("w") as log:
        proc = subprocess.run(cmd, cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT, timeout=120)
    assert proc.returncode == 3
    text = (tmp_path / "build.log").read_text()
    assert "\r" not in text
    assert "encoding: " in text and "(100%)" in text
    assert "documents: 3 (3 embedded, 0 unchanged)" in text
    assert "skipped: 1 file" in text and "partial build: 1 file skipped" in text
    assert "n1-" not in text  # no list of ids without --verbose
    data = json.loads(report.read_text())
    assert len(data["embedded"]) == 3 and data["skipped"] == [
        {"file": "bad.pdf", "reason": "the file is empty"}
    ]
    proc = subprocess.run(
        [*cmd, "--verbose", "--quiet"], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert proc.stdout.count("unchanged n") == 3 and "encoding:" not in proc.stderr
