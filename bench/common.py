"""Shared helpers: timing summaries, process memory, the benchmark corpus and the query mix."""

from __future__ import annotations

import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
DEV_QUERIES = ROOT / "eval" / "dev_queries.jsonl"
TINY_CHARS = 6_000  # characters kept of each seed file for --size tiny

IDENTIFIER_QUERIES = [
    "CEN/TC 473",
    "CLC/TC 215",
    "ISO/TC 202",
    "GB 23350-2021",
    "IEC 62443",
    "ISO 9001",
    "GB/T 1.1-2020",
    "ASTM F42",
    "ISO/IEC JTC 1",
    "CEN/TC 474",
]
LONG_QUESTIONS = [
    "Which national standards on excessive packaging of foods and cosmetics came into force "
    "in 2023, what exactly do they restrict, and which authorities are responsible for them?",
    "What did the standardization conference say about digital transformation, green and "
    "low-carbon development, and international cooperation in shaping technical standards?",
    "How is the work of the technical committees on carbon capture, utilization and storage "
    "organized in Europe, and which national standards body holds their secretariat?",
    "请问在2023年发布的关于碳达峰碳中和的标准体系建设指南中，提出了哪些重点领域和具体的工作目标？",
    "国际标准化组织和国际电工委员会在人工智能、智能制造和可持续发展方面制定了哪些新的国际标准，"
    "我国专家在其中发挥了什么作用？",
    "韩国技术标准局的组织结构是怎样的，它参加了多少个国际电工委员会的技术委员会和分委员会？",
]


def query_mix(size: str = "full") -> list[str]:
    """The dev queries (Chinese and English), identifier queries and long questions
    (for ``tiny``, every sixth of them)."""
    dev = [json.loads(line)["q"] for line in DEV_QUERIES.read_text("utf-8").splitlines() if line]
    mix = dev + IDENTIFIER_QUERIES + LONG_QUESTIONS
    return mix if size == "full" else mix[::6]


def percentiles(ms: list[float]) -> dict[str, float]:
    """p50 / p95 / p99 / mean of a list of milliseconds."""
    a = np.asarray(ms, dtype=np.float64)
    if not len(a):
        return {"p50": 0.0, "p95": 0.0, "p99": 0.0, "mean": 0.0}
    p50, p95, p99 = np.percentile(a, [50, 95, 99])
    return {"p50": float(p50), "p95": float(p95), "p99": float(p99), "mean": float(a.mean())}


def median_of(runs: list[Any]) -> Any:
    """The element-wise median of several runs' results (numbers; dicts and lists recursively)."""
    first = runs[0]
    if isinstance(first, bool) or not isinstance(first, int | float | dict | list):
        return first
    if isinstance(first, dict):
        return {k: median_of([r[k] for r in runs]) for k in first}
    if isinstance(first, list):
        return [median_of([r[i] for r in runs]) for i in range(len(first))]
    return statistics.median(runs)


def rss_bytes(pid: int) -> int:
    """Resident set size of one process (0 if it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def children(pid: int) -> list[int]:
    """Every descendant of ``pid`` (gunicorn workers of a master)."""
    out: list[int] = []
    try:
        found = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return out
    for child in map(int, found):
        out += [child, *children(child)]
    return out


def tree_rss(pid: int) -> int:
    return sum(rss_bytes(p) for p in [pid, *children(pid)])


def pss_bytes(pid: int) -> int:
    """Proportional set size: pages shared with other processes counted in shares, so the sum
    over a process tree is the memory the tree really uses."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return 0
    return 0


def tree_pss(pid: int) -> int:
    return sum(pss_bytes(p) for p in [pid, *children(pid)])


LISTENING = re.compile(r"Listening at: http://[^\s]+:(\d+)")


def listening_port(log: Path, offset: int = 0) -> int | None:
    """The port a gunicorn started with ``--port 0`` bound, from its log past ``offset``."""
    try:
        with log.open("rb") as fh:
            fh.seek(offset)
            found = LISTENING.search(fh.read().decode("utf-8", "replace"))
    except OSError:
        return None
    return int(found.group(1)) if found else None


def dir_bytes(path: Path) -> dict[str, int]:
    """Bytes of each file directly in ``path``."""
    return {p.name: p.stat().st_size for p in sorted(path.iterdir()) if p.is_file()}


def corpus(size: str, work: Path) -> Path:
    """The seed corpus (``full``) or each seed file cut to its first few thousand characters."""
    if size == "full":
        return SEEDS
    folder = work / "tiny-seeds"
    folder.mkdir(parents=True, exist_ok=True)
    for path in SEEDS.iterdir():
        if path.suffix == ".toml":
            shutil.copy(path, folder / path.name)
        elif path.is_file():
            text = path.read_text("utf-8")
            cut = text.rfind("\n\n", 0, TINY_CHARS)
            (folder / path.name).write_text(text[: cut if cut > 0 else TINY_CHARS], "utf-8")
    return folder


def machine() -> dict[str, str]:
    import faiss

    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    mem = next(
        line.split()[1]
        for line in Path("/proc/meminfo").read_text().splitlines()
        if "MemTotal" in line
    )
    return {
        "nproc": str(os.cpu_count()),
        "cpu": cpu,
        "ram": f"{int(mem) / 2**20:.1f} GiB",
        "python": platform.python_version(),
        "faiss": faiss.__version__,
        "numpy": np.__version__,
        "kernel": platform.release(),
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "commit": _git_head(),
    }


def _git_head() -> str:
    try:
        out = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        )
        dirty = subprocess.run(
            ["git", "-C", str(ROOT), "status", "--porcelain"], capture_output=True, text=True
        ).stdout.strip()
        return out.stdout.strip() + (" (with uncommitted changes)" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def profile_top(fn: Any, limit: int = 12) -> list[dict[str, Any]]:
    """Run ``fn()`` under cProfile; the functions with the most time spent in themselves."""
    import cProfile
    import pstats

    prof = cProfile.Profile()
    prof.enable()
    fn()
    prof.disable()
    stats = pstats.Stats(prof)
    rows = []
    for (path, line, name), (_, calls, tottime, cumtime, _) in stats.stats.items():  # type: ignore[attr-defined]
        where = f"{Path(path).name}:{line}({name})" if line else name
        rows.append({"function": where, "calls": calls, "self_s": tottime, "cum_s": cumtime})
    rows.sort(key=lambda r: -r["self_s"])
    return rows[:limit]
