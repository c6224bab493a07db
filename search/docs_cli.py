"""``python -m search docs list | add PATH [PATH ...] | remove DOC [DOC ...]`` (see --help).

Every sub-command takes the same flags (``--index``, ``--quiet``, ``--verbose``, ``--json``,
``--report``), before or after its name. ``remove`` accepts a document id, the file's path or
its file name; removed documents are recorded in the index, so a later ``build_index.py
--source`` leaves them out until ``docs add`` brings them back.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from search.build import build
from search.build_report import BuildSummary, progress_for
from search.catalog import absolute
from search.cli import Parser, search_the_word
from search.errors import SearchError
from search.store import Store

FLAGS = {
    "--quiet": "no progress output",
    "--verbose": "list every document in the summary",
    "--json": "print JSON (list: the documents; add, remove: the summary)",
}
REPORT_HELP = "write the summary as JSON to FILE"


def common_flags(default: Any) -> argparse.ArgumentParser:
    """The flags every sub-command shares (``default`` is SUPPRESS on sub-commands, so a flag
    given before the sub-command is not reset by it)."""
    p = argparse.ArgumentParser(add_help=False)
    p.add_argument("--index", type=Path, default=default or Path("index"), help="index folder")
    for flag, help_text in FLAGS.items():
        p.add_argument(flag, action="store_true", default=default or False, help=help_text)
    p.add_argument("--report", type=Path, default=default, metavar="FILE", help=REPORT_HELP)
    return p


def parse(argv: list[str]) -> argparse.Namespace:
    p = Parser(
        prog="python -m search docs",
        description="List, add or remove documents.",
        parents=[common_flags(None)],
        hint=search_the_word("docs"),
    )
    sub = p.add_subparsers(dest="action", required=True, parser_class=Parser)
    shared = [common_flags(argparse.SUPPRESS)]
    sub.add_parser("list", help="the indexed documents", parents=shared)
    add = sub.add_parser(
        "add", help="index files (new or changed ones are embedded)", parents=shared
    )
    add.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="a file or folder")
    add.add_argument(
        "--follow-outside-links", action="store_true", help="follow links out of the folder"
    )
    rm = sub.add_parser("remove", help="drop documents (by id, path or file name)", parents=shared)
    rm.add_argument("names", nargs="+", metavar="DOC", help="a document id, path or file name")
    return p.parse_args(argv)


def listing(store: Store) -> list[dict[str, Any]]:
    """The documents as ``docs list --json`` prints them."""
    return [
        {
            "doc_id": d["doc_id"],
            "title": d["title"],
            "path": d["path"],
            "lang": d["lang"],
            "chunks": d["n_chunks"],
            "kind": d["kind"],
            "date": d["date"] or None,
        }
        for d in store.documents()
    ]


def resolve_names(names: list[str], docs: list[dict[str, Any]]) -> frozenset[str]:
    """Document ids for ``names``: each an id, a path (relative to here or absolute) or a file
    name; an unknown or ambiguous name is an error."""
    ids: set[str] = set()
    for name in names:
        by_id = [d for d in docs if d["doc_id"] == name]
        by_path = [d for d in docs if d["path"] == str(absolute(Path(name)))]
        by_name = [d for d in docs if Path(d["path"]).name == name]
        match = by_id or by_path or by_name
        if not match:
            raise SearchError(f"no such document: {name} (see 'python -m search docs list')")
        if len(match) > 1:
            options = ", ".join(d["doc_id"] for d in match)
            raise SearchError(f"'{name}' names {len(match)} documents ({options}): give an id")
        ids.add(match[0]["doc_id"])
    return frozenset(ids)


def show(summary: BuildSummary, args: argparse.Namespace) -> None:
    if args.report:
        summary.write_report(args.report)
    if args.json:
        print(json.dumps(summary.to_dict(), ensure_ascii=False))
    else:
        print("\n".join(summary.lines(verbose=args.verbose)))


def main(argv: list[str]) -> int:
    args = parse(argv)
    try:
        store = Store.open(args.index)
        if args.action == "list":
            docs = listing(store)
            if args.json:
                print(json.dumps(docs, ensure_ascii=False))
            for d in [] if args.json else docs:
                print(
                    f"{d['doc_id']}\t{d['lang']}\t{d['chunks']} chunks\t{d['title']}\t{d['path']}"
                )
            return 0
        encoder = store.manifest["encoder"]
        docs = store.documents()
        store.close()
        if args.action == "remove":
            ids = resolve_names(args.names, docs)
            summary = build([], args.index, encoder, remove=ids)
        else:
            progress = progress_for(args.quiet or args.json)
            links = args.follow_outside_links
            summary = build(
                args.paths, args.index, encoder, progress=progress, readd=True, outside_links=links
            )
    except SearchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    show(summary, args)
    return 3 if summary.skipped else 0
