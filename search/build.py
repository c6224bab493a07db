"""Building an index: sources -> clean paragraphs -> chunks -> vectors + keywords -> generation.

Documents keep their identity: ``doc_id`` comes from the file's path relative to its source
folder (:func:`search.catalog.doc_id_for`; a catalog ``id`` wins), paths are stored absolute,
and the manifest records the source folders and the documents removed with ``docs remove``
(a later ``--source`` build does not bring them back; ``docs add`` does).
"""

from __future__ import annotations

import hashlib
import shutil
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import numpy as np

from search.build_parts import Part, Previous, keep_others, previous_store, read_sources
from search.build_report import BuildSummary, progress_bar
from search.catalog import absolute, discover
from search.embed import Embedder, get_embedder
from search.errors import SearchError
from search.ingest.chunk import ChunkSizes
from search.store import (
    FORMAT_VERSION,
    new_generation,
    publish,
    targets,
    write_generation,
)
from search.store.base import IndexStore, is_database_url, open_store
from search.store.local import Store
from search.store.write import Reuse
from search.types import Chunk

__all__ = ["BATCH", "BuildSummary", "build", "encoder_text", "progress_bar"]

BATCH = 64
DEFAULT_SIZES = ChunkSizes()


def encoder_text(chunk: Chunk, with_heading: bool) -> str:
    """The text the encoder sees for a chunk (optionally prefixed by its article heading)."""
    if with_heading and chunk.heading and chunk.kind != "front":
        return f"{chunk.heading}\n{chunk.text}"
    return chunk.text


def compatible(manifest: dict, embedder: Embedder, settings: dict) -> bool:
    """Whether an existing index's vectors can be reused by this build."""
    return (
        manifest.get("format_version") == FORMAT_VERSION
        and manifest.get("encoder") == embedder.name
        and manifest.get("dim") == embedder.dim
        and all(manifest.get(k) == v for k, v in settings.items())
    )


def encode_all(
    embedder: Embedder, texts: list[str], progress: Callable[[int, int], None] | None = None
) -> np.ndarray:
    """Encode in batches, reporting progress; returns an (n, dim) float32 array."""
    if hasattr(embedder, "encode_many"):  # batches spread over a cluster (embed/ray_pool.py)
        return embedder.encode_many(texts, BATCH, progress)
    out = np.zeros((len(texts), embedder.dim), dtype=np.float32)
    for i in range(0, len(texts), BATCH):
        out[i : i + BATCH] = embedder.encode_documents(texts[i : i + BATCH])
        if progress:
            progress(min(i + BATCH, len(texts)), len(texts))
    return out


def build(
    sources: list[Path],
    out: Path,
    encoder: str | Embedder = "use-m3",
    sizes: ChunkSizes = DEFAULT_SIZES,
    with_heading: bool = True,
    progress: Callable[[int, int], None] | None = None,
    *,
    incremental: bool = True,
    prune: bool = False,
    remove: frozenset[str] = frozenset(),
    readd: bool = False,
    outside_links: bool = False,
) -> BuildSummary:
    """Index ``sources`` into ``out`` and swap the new generation in atomically.

    The index's documents are kept: with ``incremental`` (the default) a document whose content
    hash is unchanged keeps its chunks and vectors; without it (``--rebuild``), or when the old
    index was made with other settings, every document is re-read from its file and embedded
    again. Documents not among ``sources`` stay unless ``prune`` is set and their file is gone;
    ``remove`` names documents to drop (they are recorded, and a later build does not re-add
    them unless ``readd``, as ``docs add`` does). An index may become empty.
    """
    started = time.perf_counter()
    summary = BuildSummary()
    embedder = get_embedder(encoder) if isinstance(encoder, str) else encoder
    summary.load_seconds = time.perf_counter() - started
    settings = {
        "chunking": {"max_units": sizes.max_units, "min_units": sizes.min_units},
        "encoder_input": "heading+text" if with_heading else "text",
    }
    with targets.build_lock(out):  # a folder or a postgresql:// database (store/targets.py)
        prev = previous(out, embedder, settings, incremental)
        found, unreadable = discover(sources, prev.roots, outside_links)
        summary.skipped.extend(unreadable)
        parts, readable = read_sources(found, prev, sizes, summary, remove, readd)
        if sources and not readable:
            raise SearchError("nothing to index: no readable text in the sources")
        prev.roots += [
            r
            for r in {absolute(s) for s in sources if s.is_dir()}
            if not any(r.is_relative_to(k) for k in prev.roots)
        ]
        keep_others(parts, prev, sizes, summary, remove, prune)
        encode_parts(embedder, list(parts.values()), with_heading, progress, summary)
        ordered = [parts[k] for k in sorted(parts)]
        summary.documents = len(ordered)
        summary.embedded = sorted(p.doc.doc_id for p in ordered if not p.reused)
        summary.unchanged = sorted(p.doc.doc_id for p in ordered if p.reused)
        summary.embedded_chunks = sum(len(p.chunks) for p in ordered if not p.reused)
        summary.chunks_by_lang = Counter(c.lang for p in ordered for c in p.chunks)
        record = {
            "source_roots": sorted(str(r) for r in prev.roots),
            "removed": dict(sorted(prev.removed.items())),
        }
        settings = {**settings, **record}
        summary.path = write_parts(out, ordered, embedder, settings, summary, prev.store)
        if prev.store is not None:
            prev.store.close()
    summary.seconds = time.perf_counter() - started
    return summary


def previous(out: Path | str, embedder: Embedder, settings: dict, incremental: bool) -> Previous:
    """The index ``out`` serves now (empty when there is none or it cannot be read)."""
    store = previous_store(out)
    if store is None:
        return Previous()
    manifest = store.manifest
    return Previous(
        store=store,
        reusable=incremental and compatible(manifest, embedder, settings),
        documents={d["doc_id"]: d for d in store.documents()},
        removed=dict(manifest.get("removed", {})),
        roots=sorted({absolute(Path(r)) for r in manifest.get("source_roots", [])}),
    )


def encode_parts(
    embedder: Embedder,
    parts: list[Part],
    with_heading: bool,
    progress: Callable[[int, int], None] | None,
    summary: BuildSummary,
) -> None:
    """Embed the chunks and windows of every part not taken over, in one batched stream (an
    encoder with a ``load()`` loads its model first, so that the rate leaves the load out)."""
    todo = [p for p in parts if not p.reused]
    texts: list[str] = []
    for p in todo:
        texts += [encoder_text(c, with_heading) for c in p.chunks] + p.windows
    load = getattr(embedder, "load", None)
    if texts and callable(load):
        began = time.perf_counter()
        load()
        summary.load_seconds += time.perf_counter() - began
    began = time.perf_counter()
    vectors = encode_all(embedder, texts, progress)
    summary.encode_seconds = time.perf_counter() - began
    at = 0
    for p in todo:
        n, w = len(p.chunks), len(p.windows)
        p.vectors, p.window_vectors = vectors[at : at + n], vectors[at + n : at + n + w]
        at += n + w


def write_parts(
    out: Path,
    parts: list[Part],
    embedder: Embedder,
    settings: dict,
    summary: BuildSummary,
    before: IndexStore | None = None,
) -> Path:
    """Write ``parts`` as a new generation under ``out`` and publish it; a folder index
    updates the vector indexes of ``before`` (the generation built upon) when parts were
    taken over from it."""
    documents = [p.doc for p in parts]
    chunks = [c for p in parts for c in p.chunks]
    empty = np.zeros((0, embedder.dim), dtype=np.float32)
    vectors = np.concatenate([empty] + [p.vectors for p in parts]).astype(np.float32)
    window_vectors = np.concatenate([empty] + [p.window_vectors for p in parts])
    owners, base = [], 0
    for p in parts:
        owners += [base + o for o in p.window_owners]
        base += len(p.chunks)
    keywords = [k for p in parts for k in p.keywords]
    corpus = hashlib.sha256("".join(sorted(d.content_hash for d in documents)).encode())
    manifest = {
        "format_version": FORMAT_VERSION,
        "encoder": embedder.name,
        "dim": embedder.dim,
        "documents": len(documents),
        "chunks": len(chunks),
        "windows": len(owners),
        "chunks_by_lang": dict(sorted(summary.chunks_by_lang.items())),
        "document_hashes": {d.doc_id: d.content_hash for d in documents},
        "corpus_hash": corpus.hexdigest(),
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        **settings,
    }
    if is_database_url(out):  # PostgreSQL: written and switched in by store/targets.py
        windows = (window_vectors, np.array(owners))
        where = targets.write(out, documents, chunks, vectors, windows, keywords, manifest)
        calibrate_index(open_store(out), embedder)
        return where
    tmp = new_generation(out)
    try:
        reuse = reuse_of(before, parts)
        windows = (window_vectors, np.array(owners))
        write_generation(tmp, documents, chunks, vectors, windows, keywords, manifest, reuse)
        calibrate_index(Store(tmp), embedder)  # before it serves: see search/rank/calibrate.py
        return publish(out, tmp)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def reuse_of(before: IndexStore | None, parts: list[Part]) -> Reuse | None:
    """Where each row of ``parts`` was in the folder generation ``before`` (-1: new), when
    any part was taken over from it."""
    if not isinstance(before, Store) or not any(p.reused for p in parts):
        return None
    chunks = [p.old_rows if p.reused else [-1] * len(p.chunks) for p in parts]
    windows = [p.old_windows if p.reused else [-1] * len(p.windows) for p in parts]
    return Reuse(
        before.path,
        before.manifest.get("vector_index", {}),
        np.array([i for ids in chunks for i in ids], dtype=np.int64),
        np.array([i for ids in windows for i in ids], dtype=np.int64),
    )


def calibrate_index(store: IndexStore, embedder: Embedder) -> None:
    """Measure the new index's good/weak cut and record it in its manifest, then close it."""
    from search.rank.calibrate import measure
    from search.searcher import Searcher

    try:
        if len(store.table()):
            store.set_relevance(measure(Searcher(store, embedder)))
    finally:
        store.close()
