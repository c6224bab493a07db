"""Runs and judgements in the TREC formats, so any evaluation tool (trec_eval, ranx) reads them.

A run file holds one line per returned passage, ``qid Q0 chunk_id rank score tag``; a qrels
file one line per relevant passage, ``qid 0 chunk_id 1`` (every passage of the index the
relevance rule accepts, not only those some run returned).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from search.errors import SearchError
from search.evaluation.relevance import TOP

Rank = int | None


@dataclass
class Run:
    """Ranked passages per query: ``qid -> [(chunk_id, score), ...]``, best first."""

    tag: str
    ranked: dict[str, list[tuple[str, float]]] = field(default_factory=dict)

    def ranks(self, qrels: dict[str, set[str]], top: int = TOP) -> dict[str, Rank]:
        """1-based rank of each query's first relevant passage within ``top`` (or None)."""
        out: dict[str, Rank] = {}
        for qid, passages in self.ranked.items():
            relevant = qrels.get(qid, set())
            hits = (i for i, (pid, _) in enumerate(passages[:top], 1) if pid in relevant)
            out[qid] = next(hits, None)
        return out


def write_run(run: Run, path: Path) -> None:
    lines = [
        f"{qid} Q0 {pid} {rank} {score:.6f} {run.tag}"
        for qid, passages in run.ranked.items()
        for rank, (pid, score) in enumerate(passages, start=1)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def read_run(path: Path) -> Run:
    """A TREC run file; lines of a query are ordered by their rank column."""
    rows: dict[str, list[tuple[int, str, float]]] = {}
    tag = path.stem
    for no, line in enumerate(_lines(path), start=1):
        parts = line.split()
        try:
            qid, _, pid, rank, score, tag = parts
            rows.setdefault(qid, []).append((int(rank), pid, float(score)))
        except ValueError:
            raise SearchError(f"{path}:{no}: expected 'qid Q0 passage rank score tag'") from None
    ranked = {q: [(pid, s) for _, pid, s in sorted(r)] for q, r in rows.items()}
    return Run(tag, ranked)


def write_qrels(judged: dict[str, set[str]], path: Path) -> None:
    lines = [f"{qid} 0 {pid} 1" for qid, pids in judged.items() for pid in sorted(pids)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def read_qrels(path: Path) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for no, line in enumerate(_lines(path), start=1):
        parts = line.split()
        if len(parts) != 4:
            raise SearchError(f"{path}:{no}: expected 'qid 0 passage relevance'")
        if parts[3] != "0":
            out.setdefault(parts[0], set()).add(parts[2])
    return out


def _lines(path: Path) -> list[str]:
    try:
        return [x for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]
    except (OSError, UnicodeDecodeError) as exc:
        raise SearchError(f"cannot read '{path}': {exc}") from exc
