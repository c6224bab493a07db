"""Shared command-line pieces: an argument parser whose errors are one clear line, and the
ranking-settings flags every command that searches takes."""

from __future__ import annotations

import argparse
from typing import Any, NoReturn

from search.config import describe

INDEX_HELP = "index folder, or a postgresql:// URL (docs/SCALE.md; default: index)"
SUBCOMMANDS = ("docs", "check", "snapshot", "restore")


def search_the_word(word: str) -> str:
    """How to search for a word that is also a sub-command's name."""
    return f"to search for the word '{word}', put -- before it: python -m search -- {word}"


class Parser(argparse.ArgumentParser):
    """``argparse`` with a one-line error (no usage dump) and exit code 2; ``hint`` is added to
    that line."""

    def __init__(self, *args: Any, hint: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.hint = hint

    def error(self, message: str) -> NoReturn:
        hint = f"; {self.hint}" if self.hint else ""
        self.exit(2, f"error: {message} (see {self.prog} --help{hint})\n")


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
