"""Where an index lives, behind one protocol (:mod:`search.store.base`): a folder of
generations (FAISS vectors + SQLite, :mod:`search.store.local`) or a PostgreSQL database."""

from search.store.base import ChunkTable, IndexStore, open_store
from search.store.generations import CURRENT, build_lock, new_generation, publish, resolve
from search.store.local import FORMAT_VERSION, Store, document_from_row
from search.store.write import write_generation

__all__ = [
    "CURRENT",
    "FORMAT_VERSION",
    "ChunkTable",
    "IndexStore",
    "Store",
    "build_lock",
    "document_from_row",
    "new_generation",
    "open_store",
    "publish",
    "resolve",
    "write_generation",
]
