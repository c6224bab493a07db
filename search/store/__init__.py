"""Where an index lives: generations on disk (FAISS vectors + SQLite), opened as a Store."""

from search.store.generations import CURRENT, build_lock, new_generation, publish, resolve
from search.store.local import FORMAT_VERSION, Store, document_from_row, write_generation

__all__ = [
    "CURRENT",
    "FORMAT_VERSION",
    "Store",
    "build_lock",
    "document_from_row",
    "new_generation",
    "publish",
    "resolve",
    "write_generation",
]
