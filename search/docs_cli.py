"""``python -m search docs [--index DIR] list | add PATH [PATH ...] | remove DOC_ID [...]``."""

from __future__ import annotations

import sys
from pathlib import Path

from search.build import build, progress_bar
from search.cli import Parser
from search.errors import SearchError
from search.store import Store


def main(argv: list[str]) -> int:
    p = Parser(prog="python -m search docs", description="List, add or remove documents.")
    p.add_argument("--index", type=Path, default=Path("index"), help="index folder")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    sub = p.add_subparsers(dest="action", required=True, parser_class=Parser)
    sub.add_parser("list", help="the indexed documents")
    add = sub.add_parser("add", help="index new or changed files (only they are embedded)")
    add.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    add.add_argument("--quiet", action="store_true", help="no progress bar")
    rm = sub.add_parser("remove", help="drop documents from the index")
    rm.add_argument("doc_ids", nargs="+", metavar="DOC_ID")
    args = p.parse_args(argv)
    try:
        store = Store.open(args.index)
        if args.action == "list":
            for d in store.documents():
                print(
                    f"{d['doc_id']}\t{d['lang']}\t{d['n_chunks']} chunks\t{d['title']}\t{d['path']}"
                )
            return 0
        encoder = store.manifest["encoder"]
        known = {d["doc_id"] for d in store.documents()}
        store.close()
        if args.action == "remove":
            unknown = [d for d in args.doc_ids if d not in known]
            if unknown:
                raise SearchError(f"no such document: {', '.join(unknown)} (see 'docs list')")
            summary = build([], args.index, encoder, remove=frozenset(args.doc_ids))
        else:
            progress = None if args.quiet else progress_bar
            summary = build(args.paths, args.index, encoder, progress=progress)
    except SearchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print("\n".join(summary.lines()))
    return 3 if summary.skipped else 0
