"""Build or update the search index.

``python build_index.py [--source PATH ...] [--out DIR] [--encoder NAME] [--prune] [--rebuild]
[--quiet] [--verbose] [--report FILE] [--follow-outside-links]``
"""

from __future__ import annotations

import sys
from pathlib import Path

from search.build import build
from search.build_report import plural, progress_for
from search.cli import Parser
from search.embed.ray_pool import RayEmbedder
from search.errors import SearchError
from search.ingest.formats import READERS
from search.store.base import is_database_url


def main(argv: list[str] | None = None) -> int:
    kinds = " ".join(sorted(READERS))
    p = Parser(prog="build_index.py", description="Build or update the search index.")
    p.add_argument(
        "--source",
        action="append",
        type=Path,
        metavar="PATH",
        help=f"a file or folder of documents ({kinds}); repeatable; default: seeds/",
    )
    p.add_argument(
        "--out",
        default="index",
        help="index folder (default index) or a postgresql:// URL (pip install -e '.[scale]')",
    )
    p.add_argument("--encoder", default="use-m3", help="use-m3 (default) or st:MODEL")
    p.add_argument("--prune", action="store_true", help="drop documents whose files are gone")
    p.add_argument(
        "--rebuild", action="store_true", help="re-embed every document (the index's others too)"
    )
    p.add_argument("--quiet", action="store_true", help="no progress output")
    p.add_argument("--verbose", action="store_true", help="list every document in the summary")
    p.add_argument("--report", type=Path, metavar="FILE", help="write the summary as JSON")
    p.add_argument(
        "--follow-outside-links",
        action="store_true",
        help="index files that links lead to outside the source folder (skipped by default)",
    )
    p.add_argument(
        "--ray",
        metavar="ADDRESS",
        help="spread encoding over a Ray cluster: its head's HOST:PORT, or auto",
    )
    args = p.parse_args(argv)
    sources = args.source or [Path(__file__).parent / "seeds"]
    out = args.out if is_database_url(args.out) else Path(args.out)
    try:
        encoder = RayEmbedder(args.encoder, args.ray) if args.ray else args.encoder
        summary = build(
            sources,
            out,
            encoder,
            progress=progress_for(args.quiet),
            incremental=not args.rebuild,
            prune=args.prune,
            outside_links=args.follow_outside_links,
        )
        if isinstance(encoder, RayEmbedder):
            encoder.shutdown()
    except SearchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted: the previous index (if any) is unchanged", file=sys.stderr)
        return 130
    if args.report:
        summary.write_report(args.report)
    print("\n".join(summary.lines(verbose=args.verbose)))
    if summary.skipped:
        print(f"partial build: {plural(len(summary.skipped), 'file')} skipped", file=sys.stderr)
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main())
