"""Shared command-line pieces: an argument parser whose errors are one clear line, and the
ranking-settings flags every command that searches takes."""

from __future__ import annotations

import argparse
from typing import NoReturn

from search.config import describe


class Parser(argparse.ArgumentParser):
    """``argparse`` with a one-line error (no usage dump) and exit code 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"error: {message} (see {self.prog} --help)\n")


def add_ranking_arguments(parser: argparse.ArgumentParser) -> None:
    """``--ranking KEY=VALUE`` (repeatable) and ``--ranking-file FILE.toml``."""
    parser.add_argument(
        "--ranking",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="change one ranking setting (repeatable); settings: see --help-ranking",
    )
    parser.add_argument(
        "--ranking-file", metavar="FILE", help="TOML file of ranking settings ([ranking] table)"
    )
    parser.add_argument(
        "--help-ranking", action=_DescribeRanking, nargs=0, help="list the ranking settings"
    )


class _DescribeRanking(argparse.Action):
    def __call__(self, parser: argparse.ArgumentParser, *args: object, **kwargs: object) -> None:
        parser.exit(0, "ranking settings (--ranking KEY=VALUE):\n" + describe() + "\n")
