"""One checkout's query path on an index already built, for before/after comparisons taken
turn about on a shared machine::

    PYTHONPATH=CHECKOUT python bench/versus.py INDEX [--seconds S]

runs ``bench/query.py`` (in process: the p50 of a search against the bare encoding) and
``bench/serve.py`` (HTTP with ``wrk``: requests/s and p99 at 8 clients) with the code of the
checkout on ``PYTHONPATH`` (this file uses only their ``run`` functions), and prints one line.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    from bench import query, serve
    from bench.common import query_mix

    p = argparse.ArgumentParser(prog="python bench/versus.py", description=__doc__.split("\n")[0])
    p.add_argument("index", type=Path)
    p.add_argument("--seconds", type=float, default=10.0, help="per HTTP load level")
    args = p.parse_args(argv)
    mix = query_mix("full")
    q = query.run(args.index, mix, 2)["shipped"]
    with tempfile.TemporaryDirectory(prefix="versus-") as tmp:
        h = serve.run(args.index, mix, args.seconds, Path(tmp) / "server.log")
    eight = next(level for level in h["levels"] if level["clients"] == 8)
    line = {
        "ratio_p50": round(q["ratio_p50"], 2),
        "search_p50_ms": round(q["total"]["p50"], 2),
        "bare_encode_p50_ms": round(q["bare_encode"]["p50"], 2),
        "rps_8": eight["rps"],
        "p50_8_ms": eight["p50"],
        "p99_8_ms": eight["p99"],
    }
    print(json.dumps(line))
    return 0


if __name__ == "__main__":
    sys.exit(main())
