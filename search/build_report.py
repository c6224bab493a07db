"""What a build tells people and logs: progress while encoding, a summary that counts.

On a terminal the progress is a bar redrawn in place; in a log file (stderr not a terminal) it
is a plain line every ``LOG_EVERY`` seconds and one at the end, never a ``\\r`` frame. The
summary counts documents and passages; the lists (embedded, unchanged, removed documents and
every skipped file) are printed with ``--verbose`` or written as JSON with ``--report FILE``.
"""

from __future__ import annotations

import json
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

Progress = Callable[[int, int], None]
LOG_EVERY = 10.0  # seconds between progress lines in a log
SHOWN_SKIPS = 10  # skipped files listed without --verbose


def plural(n: int, word: str, many: str | None = None) -> str:
    """``1 document``, ``2 documents``, ``1 passage``, ``0 passages``."""
    return f"{n:,} {word if n == 1 else many or word + 's'}"


@dataclass
class BuildSummary:
    """What a build did, for the closing report and for tests."""

    documents: int = 0
    chunks_by_lang: Counter = field(default_factory=Counter)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (file, one-line reason)
    embedded: list[str] = field(default_factory=list)  # documents (re-)embedded by this build
    unchanged: list[str] = field(default_factory=list)  # documents taken over as they were
    removed: list[str] = field(default_factory=list)
    held_back: list[str] = field(default_factory=list)  # removed earlier, not re-added
    embedded_chunks: int = 0
    encode_seconds: float = 0.0  # encoding only
    load_seconds: float = 0.0  # loading the model (not in the rate)
    seconds: float = 0.0
    path: Path | None = None

    @property
    def chunks(self) -> int:
        return sum(self.chunks_by_lang.values())

    def lines(self, verbose: bool = False) -> list[str]:
        langs = ", ".join(f"{k} {v:,}" for k, v in sorted(self.chunks_by_lang.items()))
        changes = [f"{len(self.embedded):,} embedded", f"{len(self.unchanged):,} unchanged"]
        if self.removed:
            changes.append(f"{len(self.removed):,} removed")
        out = [
            f"documents: {self.documents:,} ({', '.join(changes)})",
            f"passages: {self.chunks:,}" + (f" ({langs})" if langs else ""),
        ]
        if self.embedded_chunks:
            rate = self.embedded_chunks / self.encode_seconds if self.encode_seconds else 0.0
            out.append(
                f"embedded {plural(self.embedded_chunks, 'passage')} in "
                f"{self.encode_seconds:.1f} s ({rate:,.0f} passages/s; model load "
                f"{self.load_seconds:.1f} s not counted)"
            )
        out.append(f"took {self.seconds:.1f} s")
        if self.held_back:
            out.append(
                f"not re-added: {plural(len(self.held_back), 'document')} removed earlier "
                "(python -m search docs add PATH brings one back)"
            )
        if verbose:
            out += [f"embedded {d}" for d in self.embedded]
            out += [f"unchanged {d}" for d in self.unchanged]
            out += [f"removed {d}" for d in self.removed]
            out += [f"not re-added {d}" for d in self.held_back]
        if self.skipped:
            out.append(f"skipped: {plural(len(self.skipped), 'file')}")
            shown = self.skipped if verbose else self.skipped[:SHOWN_SKIPS]
            out += [f"skipped {name}: {why}" for name, why in shown]
            if len(shown) < len(self.skipped):
                more = len(self.skipped) - len(shown)
                out.append(f"... and {more:,} more (--verbose or --report FILE lists them all)")
        if self.path:
            out.append(f"index: {self.path}")
        return out

    def to_dict(self) -> dict:
        return {
            "documents": self.documents,
            "passages": self.chunks,
            "passages_by_lang": dict(sorted(self.chunks_by_lang.items())),
            "embedded": self.embedded,
            "unchanged": self.unchanged,
            "removed": self.removed,
            "not_re_added": self.held_back,
            "skipped": [{"file": n, "reason": r} for n, r in self.skipped],
            "embedded_passages": self.embedded_chunks,
            "encode_seconds": round(self.encode_seconds, 3),
            "model_load_seconds": round(self.load_seconds, 3),
            "seconds": round(self.seconds, 3),
            "index": str(self.path) if self.path else None,
        }

    def write_report(self, path: Path) -> None:
        path.write_text(json.dumps(self.to_dict(), ensure_ascii=False, indent=2) + "\n")


def progress_bar(done: int, total: int, stream: TextIO | None = None) -> None:
    """A bar redrawn in place (for a terminal)."""
    stream = stream or sys.stderr
    width = 30
    filled = width * done // max(total, 1)
    stream.write(f"\rencoding [{'#' * filled}{'.' * (width - filled)}] {done:,}/{total:,}")
    if done >= total:
        stream.write("\n")
    stream.flush()


class ProgressLines:
    """Plain progress lines for a log: one every ``every`` seconds and one at the end."""

    def __init__(self, stream: TextIO | None = None, every: float = LOG_EVERY) -> None:
        self.stream = stream or sys.stderr
        self.every = every
        self.last = time.monotonic()

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - self.last < self.every:
            return
        self.last = now
        share = 100 * done // max(total, 1)
        self.stream.write(f"encoding: {done:,}/{total:,} texts ({share}%)\n")
        self.stream.flush()


def progress_for(quiet: bool, stream: TextIO | None = None) -> Progress | None:
    """The progress reporter for ``stream``: a bar on a terminal, plain lines in a log."""
    if quiet:
        return None
    stream = stream or sys.stderr
    if stream.isatty():
        return lambda done, total: progress_bar(done, total, stream)
    return ProgressLines(stream)
