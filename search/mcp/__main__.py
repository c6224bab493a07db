"""``python -m search.mcp --index LOCATION [--http HOST:PORT] [--public-url URL]
[--config FILE]``: the MCP server over stdio (desktop assistants) or Streamable HTTP."""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import sys
from typing import Any

from search.cli import Parser, add_ranking_arguments
from search.config import RankingConfig
from search.errors import ConfigError, SearchError
from web.settings import BY_NAME, describe, load

INSTALL_HINT = "pip install -e '.[mcp]'"
SDK_MODULES = ("mcp", "mcp_types", "uvicorn", "starlette", "pydantic")
PUBLIC_URL_ENV = "SEARCH_PUBLIC_URL"
_ADDRESS = re.compile(r"(?:\[(?P<v6>[0-9A-Fa-f:.]+)\]|(?P<host>[^:\[\]]+)):(?P<port>\d{1,5})")


def address(value: str) -> tuple[str, int]:
    """``HOST:PORT`` (``[::1]:PORT`` for IPv6; port 0: any free one)."""
    found = _ADDRESS.fullmatch(value.strip())
    if not found or int(found["port"]) > 65535:
        raise argparse.ArgumentTypeError(f"expected HOST:PORT, e.g. 127.0.0.1:8100 (got {value!r})")
    return found["v6"] or found["host"], int(found["port"])


def public_url(value: str) -> str:
    if value and not re.match(r"https?://[^/\s]+", value):
        raise argparse.ArgumentTypeError(
            f"expected an address such as https://search.example/ or '' (got {value!r})"
        )
    return value


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = Parser(
        prog="python -m search.mcp",
        description="Serve the search as MCP tools (search, fetch, search_passages, "
        "list_documents): over stdio for a desktop assistant, or Streamable HTTP at /mcp.",
        epilog="settings (config file keys; environment variables), as python -m web:\n"
        + describe(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--index", metavar="LOCATION", help="index folder or postgresql:// URL")
    p.add_argument(
        "--http", type=address, metavar="HOST:PORT", help="serve Streamable HTTP (default: stdio)"
    )
    p.add_argument(
        "--public-url",
        type=public_url,
        metavar="URL",
        help="address of the web service that permalinks start with (or SEARCH_PUBLIC_URL; "
        "default http://HOST:PORT of its host and port settings; '' for /doc/... paths)",
    )
    p.add_argument("--config", metavar="FILE", help="TOML file of settings (or SEARCH_CONFIG)")
    add_ranking_arguments(p)
    return p.parse_args(argv)


def settings_for(args: argparse.Namespace) -> dict[str, Any]:
    overrides: dict[str, Any] = {"index": args.index, "config": args.config}
    if args.ranking_file or args.ranking:
        overrides["ranking"] = RankingConfig.load(args.ranking_file, args.ranking)
    if "public_url" in BY_NAME:  # the web service's own setting, where it has one
        overrides["public_url"] = args.public_url
    settings = load(overrides)
    root = args.public_url
    if root is None:
        root = settings.get("public_url") or os.environ.get(PUBLIC_URL_ENV)
    if root is None:
        host = settings["host"]
        root = f"http://{f'[{host}]' if ':' in host else host}:{settings['port']}/"
    try:
        settings["public_url"] = public_url(root)
    except argparse.ArgumentTypeError as exc:
        raise ConfigError(f"{PUBLIC_URL_ENV}: {exc}") from None
    return settings


def sdk_missing(exc: ImportError) -> bool:
    return (exc.name or "").split(".")[0] in SDK_MODULES


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        try:
            from search.mcp import http
            from search.mcp.server import Library, SearchServer
        except ImportError as exc:
            if not sdk_missing(exc):
                raise
            raise ConfigError(f"the MCP server needs the MCP Python SDK: {INSTALL_HINT}") from exc
        from web.reload import open_holder
        from web.server import ensure_index

        settings = settings_for(args)
        with contextlib.redirect_stdout(sys.stderr):  # stdout carries the stdio protocol
            ensure_index(settings)
            interval, ranking = settings["reload_interval"], settings["ranking"]
            holder = open_holder(settings["index"], interval, ranking)
        library = Library(holder, settings, settings["public_url"], show_paths=not args.http)
        server = SearchServer(library)
        if args.http:
            http.serve(server, library, *args.http)
        else:
            server.run("stdio")
    except (SearchError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
