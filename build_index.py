"""Build the search index.

``python build_index.py [--source PATH ...] [--out DIR] [--encoder NAME]``
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from search.build import build, progress_bar
from search.errors import SearchError


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="Build the search index from documents.")
    p.add_argument(
        "--source",
        action="append",
        type=Path,
        metavar="PATH",
        help="a file or folder of .txt/.md (repeatable; default: seeds/)",
    )
    p.add_argument("--out", type=Path, default=Path("index"), help="index folder (default index)")
    p.add_argument("--encoder", default="use-m3", help="use-m3 (default) or st:MODEL")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    args = p.parse_args(argv)
    sources = args.source or [Path(__file__).parent / "seeds"]
    try:
        summary = build(
            sources, args.out, args.encoder, progress=None if args.quiet else progress_bar
        )
    except SearchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted: the previous index (if any) is unchanged", file=sys.stderr)
        return 130
    print("\n".join(summary.lines()))
    return 3 if summary.skipped else 0


if __name__ == "__main__":
    sys.exit(main())
