"""Query CLI: ``python -m search [--index DIR] [--k N] [--lang zh|en|any] [--json] "query"``."""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import textwrap
from pathlib import Path

from search.cli import INDEX_HELP, SUBCOMMANDS, Parser, add_ranking_arguments
from search.config import RankingConfig
from search.errors import SearchError
from search.query import (
    MAX_K,
    Response,
    Result,
    check_lang,
    check_method,
    parse_k,
    parse_offset,
    shortened,
)
from search.searcher import Searcher


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = Parser(
        prog="python -m search",
        description="Search the index. Manage documents with: python -m search docs --help. "
        "Verify, back up, restore: python -m search check|snapshot|restore --help.",
        epilog="A first word docs, check, snapshot or restore starts that sub-command; to "
        "search for one of those words, put -- before it: python -m search -- docs",
    )
    p.add_argument("query", nargs="?", help="what to search for (Chinese or English)")
    p.add_argument("--index", default="index", help=INDEX_HELP)
    p.add_argument("--k", help=f"number of results, 1 to {MAX_K} (default 10)")
    p.add_argument("--lang", default="any", help="only passages in zh, en, or any (default)")
    p.add_argument("--method", default="hybrid", help="dense, keyword or hybrid (default)")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    p.add_argument(
        "--batch",
        metavar="FILE",
        help='one query per line (text or {"q": ...}; blank lines skipped); exit 1 if any failed',
    )
    # filters, paging, long queries
    p.add_argument("--offset", help="skip this many results (for the next page; default 0)")
    p.add_argument("--doc", action="append", help="only this document id (repeatable)")
    p.add_argument("--date-from", help="only documents dated from (YYYY, YYYY-MM, YYYY-MM-DD)")
    p.add_argument("--date-to", help="only documents dated up to (YYYY, YYYY-MM, YYYY-MM-DD)")
    p.add_argument("--file", metavar="FILE", help="the query is the text of FILE (- = stdin)")
    add_ranking_arguments(p)
    return p.parse_args(argv)


def read_query_file(path: str) -> str:
    """The whole text of ``path`` (``-`` = standard input) as one query."""
    try:
        if path == "-":
            return sys.stdin.read()
        return Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SearchError(f"cannot read query file '{path}': {exc}") from exc


def read_batch(path: str) -> list[str]:
    try:
        raw = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SearchError(f"cannot read batch file '{path}': {exc}") from exc
    queries = []
    for line in raw.splitlines():
        line = line.strip()
        if not line:
            continue
        if line.startswith("{"):
            with contextlib.suppress(ValueError, AttributeError):
                line = str(json.loads(line).get("q", ""))
        queries.append(line)
    if not queries:
        raise SearchError(f"batch file '{path}' holds no query (one query per line)")
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
        out += render_result(r)
    if resp.other_language and not resp.offset:
        code = resp.other_language[0].lang
        out.append(f"What the {OTHER_SOURCES.get(code, code)} sources say:")
        out.append("")
        for r in resp.other_language:
            out += render_result(r)
    return "\n".join(out)


OTHER_SOURCES = {"zh": "Chinese", "en": "English"}


def render_result(r: Result) -> list[str]:
    """One result as text: rank, language, match label, snippet, citation, a blank line."""
    body = textwrap.shorten(r.snippet or r.text, 400, placeholder=" …")
    weak = " (weak match)" if r.match != "good" else ""
    return [f"{r.rank}. [{r.lang}]{weak} {body}", f"   — {r.citation['text']}", ""]


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["docs"]:  # a query "docs" is given as: python -m search -- docs
        from search.docs_cli import main as docs_main

        return docs_main(argv[1:])
    if argv[:1] and argv[0] in SUBCOMMANDS:  # operating an index
        from search.ops_cli import main as ops_main

        return ops_main(argv)
    args = parse_args(argv)
    try:
        k = parse_k(args.k)
        lang = check_lang(args.lang)
        method = check_method(args.method)
        offset = parse_offset(args.offset)
        config = RankingConfig.load(args.ranking_file, args.ranking)
        if args.file is not None:
            args.query = read_query_file(args.file)
        if args.batch is None and args.query is None:
            raise SearchError('give a query, e.g. python -m search "ESG standards in China"')
        queries = read_batch(args.batch) if args.batch else [args.query]
        searcher = Searcher.open(args.index, config=config)
    except SearchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    failed = 0
    for q in queries:
        try:
            resp = searcher.search(
                q, k=k, lang=lang, method=method, offset=offset, docs=args.doc,
                date_from=args.date_from, date_to=args.date_to,
            )  # fmt: skip
        except SearchError as exc:
            failed += 1
            if args.json:
                line = json.dumps({"query": q, "error": str(exc)}, ensure_ascii=False)
                print(line.encode("utf-8", "backslashreplace").decode())  # lone surrogates: \\ud800
            else:
                print(f"error: {exc}", file=sys.stderr)
            continue
        print(json.dumps(resp.to_dict(), ensure_ascii=False) if args.json else render(resp))
    return 1 if failed else 0  # a batch: 1 when any of its queries failed


if __name__ == "__main__":
    sys.exit(main())
