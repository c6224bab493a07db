"""Where an index lives, behind one protocol (:mod:`search.store.base`): a folder of
generations (FAISS vectors + SQLite, :mod:`search.store.local`) or a PostgreSQL database.

The names below load on first use, so importing the package (or :mod:`search`) loads no FAISS.
"""

from __future__ import annotations

import importlib
from typing import Any

_WHERE = {
    "CURRENT": "generations",
    "build_lock": "generations",
    "new_generation": "generations",
    "publish": "generations",
    "resolve": "generations",
    "ChunkTable": "base",
    "DocumentData": "base",
    "IndexStore": "base",
    "open_store": "base",
    "FORMAT_VERSION": "rows",
    "document_from_row": "rows",
    "Store": "local",
    "write_generation": "write",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'search.store' has no attribute '{name}'")
    return getattr(importlib.import_module(f"search.store.{module}"), name)
