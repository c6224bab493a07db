"""``python -m web [--index DIR] [--host H] [--port P] [--workers N] [--config FILE]``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any

from search.cli import INDEX_HELP, Parser, add_ranking_arguments
from search.config import RankingConfig
from search.errors import SearchError
from web.settings import BY_NAME, describe, load


def checked(name: str) -> Callable[[str], Any]:
    def parse(value: str) -> Any:
        try:
            return BY_NAME[name].parse(value)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(f"{exc} (got {value!r})") from None

    return parse


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = Parser(
        prog="python -m web",
        description="Serve the search pages and JSON API under gunicorn.",
        epilog="settings (config file keys; environment variables):\n" + describe(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--index", metavar="DIR", help=INDEX_HELP)
    p.add_argument("--host", help="address to listen on (default: 127.0.0.1)")
    p.add_argument("--port", type=checked("port"), help="port (default: 8000)")
    p.add_argument("--workers", type=checked("workers"), help="worker processes (default: 2)")
    p.add_argument("--threads", type=checked("threads"), help="threads per worker (default: 4)")
    p.add_argument("--config", metavar="FILE", help="TOML file of settings (or SEARCH_CONFIG)")
    add_ranking_arguments(p)
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        from web.server import serve

        overrides = vars(args)
        ranking_file, assignments = overrides.pop("ranking_file"), overrides.pop("ranking")
        overrides.pop("help_ranking", None)
        if ranking_file or assignments:
            overrides["ranking"] = RankingConfig.load(ranking_file, assignments)
        settings = load(overrides)
        serve(settings)
    except SearchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
