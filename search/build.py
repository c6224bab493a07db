"""Building an index: sources -> clean paragraphs -> chunks -> vectors + keywords -> generation."""

from __future__ import annotations

import hashlib
import shutil
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from search.catalog import discover, doc_id_for
from search.embed import Embedder, get_embedder
from search.errors import SearchError, SourceError
from search.ingest.chunk import ChunkSizes, chunk_document
from search.ingest.cleaners import clean_source
from search.ingest.formats import read_source
from search.store import (
    FORMAT_VERSION,
    Store,
    build_lock,
    document_from_row,
    new_generation,
    publish,
    write_generation,
)
from search.text.lang import detect_lang
from search.text.sentences import sentence_windows
from search.text.terms import keyword_columns
from search.types import Chunk, Document

BATCH = 64
DEFAULT_SIZES = ChunkSizes()


@dataclass
class BuildSummary:
    """What a build did, for the closing report and for tests."""

    documents: int = 0
    chunks_by_lang: Counter = field(default_factory=Counter)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (file, one-line reason)
    embedded: list[str] = field(default_factory=list)  # documents (re-)embedded by this build
    unchanged: list[str] = field(default_factory=list)  # documents taken over as they were
    removed: list[str] = field(default_factory=list)
    embedded_chunks: int = 0
    seconds: float = 0.0
    path: Path | None = None

    @property
    def chunks(self) -> int:
        return sum(self.chunks_by_lang.values())

    def lines(self) -> list[str]:
        langs = ", ".join(f"{k} {v}" for k, v in sorted(self.chunks_by_lang.items())) or "none"
        rate = self.embedded_chunks / self.seconds if self.seconds else 0.0
        out = [
            f"documents: {self.documents}",
            f"chunks: {self.chunks} ({langs})",
            f"seconds: {self.seconds:.1f} ({rate:.0f} passages embedded/s)",
        ]
        out.append(f"embedded: {len(self.embedded)} ({', '.join(self.embedded) or '-'})")
        out.append(f"unchanged: {len(self.unchanged)}")
        if self.removed:
            out.append(f"removed: {len(self.removed)} ({', '.join(self.removed)})")
        out += [f"skipped {name}: {why}" for name, why in self.skipped]
        if self.path:
            out.append(f"index: {self.path}")
        return out


def encoder_text(chunk: Chunk, with_heading: bool) -> str:
    """The text the encoder sees for a chunk (optionally prefixed by its article heading)."""
    if with_heading and chunk.heading and chunk.kind != "front":
        return f"{chunk.heading}\n{chunk.text}"
    return chunk.text


@dataclass
class Part:
    """Everything one document contributes to an index generation."""

    doc: Document
    chunks: list[Chunk]
    vectors: np.ndarray | None = None  # one per chunk; None until encoded
    windows: list[str] = field(default_factory=list)
    window_owners: list[int] = field(default_factory=list)  # chunk number within the document
    window_vectors: np.ndarray | None = None
    keywords: list[tuple[str, str, str]] = field(default_factory=list)
    reused: bool = False


def read_document(path: Path, entry: Document | None) -> tuple[Document, str]:
    """Read one file and describe it (catalog entry first, then the file's own metadata)."""
    source = read_source(path)
    text = source.text
    doc = entry or Document(
        doc_id=doc_id_for(path),
        path=str(path),
        title=source.title or path.stem,
        lang=source.lang or detect_lang(text[:5000]),
        kind=source.kind,
        date=source.date,
    )
    return replace(doc, content_hash=hashlib.sha256(text.encode()).hexdigest()), text


def new_part(doc: Document, text: str, sizes: ChunkSizes) -> Part:
    """Clean and chunk a document (no encoding yet). A document titled only by its file name
    takes its first heading as title."""
    clean = clean_source(text, doc)
    if doc.title == Path(doc.path).stem:
        heading = next((a.heading for a in clean.articles if a.heading not in ("", doc.title)), "")
        doc = replace(doc, title=heading.strip()[:200] or doc.title)
    chunks = chunk_document(doc.doc_id, text, clean, sizes)
    windows, owners = sentence_windows([c.text for c in chunks])
    keywords = [keyword_columns(c.text, c.heading) for c in chunks]
    return Part(doc, chunks, windows=windows, window_owners=owners, keywords=keywords)


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
    out = np.zeros((len(texts), embedder.dim), dtype=np.float32)
    for i in range(0, len(texts), BATCH):
        out[i : i + BATCH] = embedder.encode_documents(texts[i : i + BATCH])
        if progress:
            progress(min(i + BATCH, len(texts)), len(texts))
    return out


def progress_bar(done: int, total: int) -> None:
    width = 30
    filled = width * done // max(total, 1)
    sys.stderr.write(f"\rencoding [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
    if done >= total:
        sys.stderr.write("\n")
    sys.stderr.flush()


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
) -> BuildSummary:
    """Index ``sources`` into ``out`` and swap the new generation in atomically.

    With ``incremental`` (the default) an existing compatible index is the starting point:
    documents whose content hash is unchanged keep their chunks and vectors (no re-embedding),
    new and changed ones are embedded, documents not among ``sources`` stay unless their file
    is gone and ``prune`` is set, and ``remove`` names documents to drop.
    """
    started = time.perf_counter()
    embedder = get_embedder(encoder) if isinstance(encoder, str) else encoder
    summary = BuildSummary()
    settings = {
        "chunking": {"max_units": sizes.max_units, "min_units": sizes.min_units},
        "encoder_input": "heading+text" if with_heading else "text",
    }
    found, unreadable = discover(sources)
    summary.skipped.extend(unreadable)
    with build_lock(out):
        prev = previous_store(out) if incremental else None
        if prev is not None and not compatible(prev.manifest, embedder, settings):
            prev = None
        old = {d["doc_id"]: d for d in prev.documents()} if prev else {}
        parts: dict[str, Part] = {}
        for path, entry in found:
            try:
                doc, text = read_document(path, entry)
            except SourceError as exc:
                summary.skipped.append((path.name, str(exc).removeprefix(f"{path.name}: ")))
                continue
            if doc.doc_id in parts:
                summary.skipped.append((path.name, f"duplicate document id '{doc.doc_id}'"))
                continue
            if doc.doc_id in remove:
                continue
            same = old.get(doc.doc_id, {}).get("content_hash") == doc.content_hash
            part = reused_part(prev, doc) if same and prev else new_part(doc, text, sizes)
            if not part.chunks:
                summary.skipped.append((path.name, "no text found"))
                continue
            parts[doc.doc_id] = part
        for doc_id, row in old.items():
            if doc_id in parts or doc_id in remove:
                continue
            if prune and not Path(row["path"]).exists():
                summary.removed.append(doc_id)
                continue
            parts[doc_id] = reused_part(prev, document_from_row(row))
        summary.removed += sorted(d for d in remove if d in old)
        if not parts:
            raise SearchError("nothing to index: no readable text in the sources")
        encode_parts(embedder, list(parts.values()), with_heading, progress)
        ordered = [parts[k] for k in sorted(parts)]
        summary.documents = len(ordered)
        summary.embedded = sorted(p.doc.doc_id for p in ordered if not p.reused)
        summary.unchanged = sorted(p.doc.doc_id for p in ordered if p.reused)
        summary.embedded_chunks = sum(len(p.chunks) for p in ordered if not p.reused)
        summary.chunks_by_lang = Counter(c.lang for p in ordered for c in p.chunks)
        summary.path = write_parts(out, ordered, embedder, settings, summary)
        if prev is not None:
            prev.close()
    summary.seconds = time.perf_counter() - started
    return summary


def previous_store(out: Path) -> Store | None:
    """The generation ``out`` serves now, or None when there is none or it cannot be read."""
    try:
        return Store.open(out)
    except SearchError:
        return None


def reused_part(store: Store, doc: Document) -> Part:
    """A document's chunks, vectors and keyword columns taken over from ``store``."""
    chunks, vectors, windows, owners, window_vectors, keywords = store.document_data(doc.doc_id)
    return Part(doc, chunks, vectors, windows, owners, window_vectors, keywords, reused=True)


def encode_parts(
    embedder: Embedder,
    parts: list[Part],
    with_heading: bool,
    progress: Callable[[int, int], None] | None,
) -> None:
    """Embed the chunks and windows of every part not taken over, in one batched stream."""
    todo = [p for p in parts if not p.reused]
    texts: list[str] = []
    for p in todo:
        texts += [encoder_text(c, with_heading) for c in p.chunks] + p.windows
    vectors = encode_all(embedder, texts, progress)
    at = 0
    for p in todo:
        n, w = len(p.chunks), len(p.windows)
        p.vectors, p.window_vectors = vectors[at : at + n], vectors[at + n : at + n + w]
        at += n + w


def write_parts(
    out: Path, parts: list[Part], embedder: Embedder, settings: dict, summary: BuildSummary
) -> Path:
    """Write ``parts`` as a new generation under ``out`` and publish it."""
    documents = [p.doc for p in parts]
    chunks = [c for p in parts for c in p.chunks]
    vectors = np.concatenate([p.vectors for p in parts]).astype(np.float32)
    window_vectors = np.concatenate([p.window_vectors for p in parts]).astype(np.float32)
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
    tmp = new_generation(out)
    try:
        write_generation(
            tmp, documents, chunks, vectors, (window_vectors, np.array(owners)), keywords, manifest
        )
        return publish(out, tmp)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
