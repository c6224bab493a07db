"""Operating an index: ``check``, ``snapshot`` and ``restore`` sub-commands of ``python -m search``.

python -m search check [--index DIR] [--calibrate]  verify the served generation (exit 0 / 1),
                                             report (or measure again) its relevance cut
python -m search snapshot DEST [--index DIR] copy the served generation to DEST
python -m search restore SRC [--index DIR]   serve the snapshot SRC as a new generation
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from search.cli import Parser, search_the_word
from search.errors import SearchError
from search.rank.calibrate import describe
from search.snapshot import restore, snapshot
from search.store.generations import resolve
from search.store.verify import problems

COMMANDS = ("check", "snapshot", "restore")


def parse_args(argv: list[str]):
    word = argv[0] if argv and argv[0] in COMMANDS else "check"
    p = Parser(
        prog="python -m search",
        description="Check, back up and restore an index.",
        hint=search_the_word(word),
    )
    sub = p.add_subparsers(dest="command", required=True)
    check = sub.add_parser("check", help="verify the served generation; one line per problem")
    check.add_argument("--index", default="index", help="index directory (default: index)")
    check.add_argument(
        "--calibrate",
        action="store_true",
        help="measure the good/weak cut again and store it (search/rank/calibrate.py)",
    )
    snap = sub.add_parser("snapshot", help="copy the served generation to DEST")
    snap.add_argument("dest", help="a new (or empty) folder")
    snap.add_argument("--index", default="index", help="index directory (default: index)")
    back = sub.add_parser("restore", help="serve the snapshot SRC as a new generation")
    back.add_argument("src", help="a folder made by 'snapshot'")
    back.add_argument("--index", default="index", help="index directory (default: index)")
    for parser in (check, snap, back):
        parser.error = p.error  # type: ignore[method-assign]  # one line, exit 2
    return p.parse_args(argv)


def check(index: Path, recalibrate: bool = False) -> int:
    if recalibrate:
        from search.rank.calibrate import main as calibrate

        if calibrate(["--index", str(index)]) != 0:
            return 2
    generation = resolve(index)
    found = problems(generation)
    for line in found:
        print(f"problem: {generation.name}: {line}")
    if found:
        return 1
    manifest = json.loads((generation / "manifest.json").read_text(encoding="utf-8"))
    docs, chunks = manifest.get("documents"), manifest.get("chunks")
    print(f"ok: {generation.name} ({docs} documents, {chunks} passages)")
    print(describe(manifest))
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        if args.command == "check":
            return check(Path(args.index), args.calibrate)
        if args.command == "snapshot":
            made = snapshot(Path(args.index), Path(args.dest))
            print(f"snapshot of {made.name} written to {args.dest}")
        else:
            made = restore(Path(args.src), Path(args.index))
            print(f"restored: '{args.index}' now serves {made.name}")
    except (SearchError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
