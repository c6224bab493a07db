"""Start-up: how long a fresh process takes to open an index and to answer one query.

Each figure is the median of ``TIMES`` fresh Python processes on the benchmark's index (files
in the page cache, as on a machine that has run before; the encoder's start-up cache,
``search/embed/use_cache.py``, written by the build):

* ``open``: ``Searcher.open(index)`` inside the process (encoder loaded, index opened), timed
  there and printed;
* ``cli en`` / ``cli zh``: the whole ``python -m search --index INDEX "..."`` command, wall time
  from launch to exit, for an English and a Chinese query (the Chinese one also loads jieba).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.common import ROOT

TIMES = 5
EN_QUERY = "ESG standards in China"
ZH_QUERY = "碳捕集技术委员会秘书处设在哪里"
OPEN = (
    "import sys, time; from search.searcher import Searcher; t = time.perf_counter(); "
    "Searcher.open(sys.argv[1]); print(time.perf_counter() - t)"
)


def _open(index: Path) -> float:
    out = subprocess.run(
        [sys.executable, "-c", OPEN, str(index)], cwd=ROOT, capture_output=True, text=True
    )
    if out.returncode:
        raise RuntimeError(out.stderr[-2000:])
    return float(out.stdout.strip().splitlines()[-1])


def _cli(index: Path, query: str) -> float:
    started = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-m", "search", "--index", str(index), "--k", "5", query],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if out.returncode:
        raise RuntimeError(out.stderr[-2000:])
    return time.perf_counter() - started


def run(index: Path) -> dict[str, float]:
    _cli(index, EN_QUERY)  # page cache and the encoder's start-up cache in place
    return {
        "open_s": statistics.median(_open(index) for _ in range(TIMES)),
        "cli_en_s": statistics.median(_cli(index, EN_QUERY) for _ in range(TIMES)),
        "cli_zh_s": statistics.median(_cli(index, ZH_QUERY) for _ in range(TIMES)),
    }
