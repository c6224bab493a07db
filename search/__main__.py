"""Query CLI: ``python -m search [--index DIR] [--k N] [--lang zh|en|any] [--json] "query"``."""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import textwrap
from pathlib import Path

from search.cli import Parser
from search.errors import QueryError, SearchError
from search.query import MAX_OFFSET, check_offset, shortened
from search.searcher import MAX_K, Response, Searcher


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = Parser(
        prog="python -m search",
        description="Search the index. Manage documents with: python -m search docs --help",
    )
    p.add_argument("query", nargs="?", help="what to search for (Chinese or English)")
    p.add_argument("--index", default="index", help="index directory (default: index)")
    p.add_argument("--k", default="10", help=f"number of results, 1 to {MAX_K} (default 10)")
    p.add_argument("--lang", default="any", help="only passages in zh, en, or any (default)")
    p.add_argument("--method", default="hybrid", help="dense, keyword or hybrid (default)")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    p.add_argument("--batch", metavar="FILE", help='one query per line (text or {"q": ...})')
    # filters, paging, long queries
    p.add_argument("--offset", default="0", help="skip this many results (for the next page)")
    p.add_argument("--doc", action="append", help="only this document id (repeatable)")
    p.add_argument("--date-from", help="only documents dated from (YYYY, YYYY-MM, YYYY-MM-DD)")
    p.add_argument("--date-to", help="only documents dated up to (YYYY, YYYY-MM, YYYY-MM-DD)")
    p.add_argument("--file", metavar="FILE", help="the query is the text of FILE (- = stdin)")
    return p.parse_args(argv)


def read_query_file(path: str) -> str:
    """The whole text of ``path`` (``-`` = standard input) as one query."""
    try:
        if path == "-":
            return sys.stdin.read()
        return Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SearchError(f"cannot read query file '{path}': {exc}") from exc


def parse_offset(value: str) -> int:
    try:
        return check_offset(int(value))
    except (ValueError, QueryError):
        raise SearchError(f"--offset must be a whole number from 0 to {MAX_OFFSET}") from None


def parse_k(value: str) -> int:
    try:
        k = int(value)
    except ValueError:
        raise SearchError(f"--k must be a whole number from 1 to {MAX_K} (got '{value}')") from None
    if k < 1:
        raise SearchError(f"--k must be at least 1 (got {k})")
    return min(k, MAX_K)  # a larger k is clamped: the user wants "everything"


def read_batch(path: str) -> list[str]:
    try:
        raw = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SearchError(f"cannot read batch file '{path}': {exc}") from exc
    queries = []
    for line in raw.splitlines():
        line = line.strip()
        if line.startswith("{"):
            with contextlib.suppress(ValueError, AttributeError):
                line = str(json.loads(line).get("q", ""))
        queries.append(line)
    return queries


def render(resp: Response) -> str:
    query = shortened(resp.query, 80)
    if not resp.results:
        return f"No results for “{query}”."
    about = "about " if resp.total_is_estimate else ""
    first, last = resp.offset + 1, resp.offset + len(resp.results)
    out = [f"{first}–{last} of {about}{resp.total} results for “{query}” ({resp.took_ms:.0f} ms)"]
    if not resp.good:
        out.append("No good answer for this query: these are the closest passages, all weak.")
    out.append("")
    for r in resp.results:
        body = textwrap.shorten(r.snippet or r.text, 400, placeholder=" …")
        weak = " (weak match)" if r.match != "good" else ""
        out += [f"{r.rank}. [{r.lang}]{weak} {body}", f"   — {r.citation['text']}", ""]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["docs"]:
        from search.docs_cli import main as docs_main

        return docs_main(argv[1:])
    args = parse_args(argv)
    try:
        k = parse_k(args.k)
        lang = None if args.lang == "any" else args.lang
        if args.lang not in ("zh", "en", "any"):
            raise SearchError(f"--lang must be zh, en or any (got '{args.lang}')")
        offset = parse_offset(args.offset)
        if args.file is not None:
            args.query = read_query_file(args.file)
        if args.batch is None and args.query is None:
            raise SearchError('give a query, e.g. python -m search "ESG standards in China"')
        queries = read_batch(args.batch) if args.batch else [args.query]
        searcher = Searcher.open(args.index)
    except SearchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    failed = 0
    for q in queries:
        try:
            resp = searcher.search(
                q, k=k, lang=lang, method=args.method, offset=offset, docs=args.doc,
                date_from=args.date_from, date_to=args.date_to,
            )  # fmt: skip
        except SearchError as exc:
            failed += 1
            if args.json:
                print(json.dumps({"query": q, "error": str(exc)}, ensure_ascii=False))
            else:
                print(f"error: {exc}", file=sys.stderr)
            continue
        print(json.dumps(resp.to_dict(), ensure_ascii=False) if args.json else render(resp))
    return 1 if failed and len(queries) == 1 else 0


if __name__ == "__main__":
    sys.exit(main())
