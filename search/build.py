"""Building an index: sources -> clean paragraphs -> chunks -> vectors + keywords -> generation."""

from __future__ import annotations

import hashlib
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
from search.ingest.chunk import ChunkSizes, chunk_document, sentence_windows
from search.ingest.clean import clean_source
from search.ingest.lang import detect_lang
from search.ingest.readers import read_source
from search.keyword import keyword_columns
from search.store import FORMAT_VERSION, build_lock, new_generation, publish, write_generation
from search.types import Chunk, Document

BATCH = 64
DEFAULT_SIZES = ChunkSizes()


@dataclass
class BuildSummary:
    """What a build did, for the closing report and for tests."""

    documents: int = 0
    chunks_by_lang: Counter = field(default_factory=Counter)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (file, one-line reason)
    seconds: float = 0.0
    path: Path | None = None

    @property
    def chunks(self) -> int:
        return sum(self.chunks_by_lang.values())

    def lines(self) -> list[str]:
        langs = ", ".join(f"{k} {v}" for k, v in sorted(self.chunks_by_lang.items())) or "none"
        rate = self.chunks / self.seconds if self.seconds else 0.0
        out = [
            f"documents: {self.documents}",
            f"chunks: {self.chunks} ({langs})",
            f"seconds: {self.seconds:.1f} ({rate:.0f} passages/s)",
        ]
        out += [f"skipped {name}: {why}" for name, why in self.skipped]
        if self.path:
            out.append(f"index: {self.path}")
        return out


def encoder_text(chunk: Chunk, with_heading: bool) -> str:
    """The text the encoder sees for a chunk (optionally prefixed by its article heading)."""
    if with_heading and chunk.heading and chunk.kind != "front":
        return f"{chunk.heading}\n{chunk.text}"
    return chunk.text


def load_documents(
    sources: list[Path], sizes: ChunkSizes, summary: BuildSummary
) -> tuple[list[Document], list[Chunk]]:
    """Read, clean and chunk every source file; unreadable files are skipped with a reason."""
    documents: list[Document] = []
    chunks: list[Chunk] = []
    seen: set[str] = set()
    for path, entry in discover(sources):
        try:
            source = read_source(path)
        except SourceError as exc:
            summary.skipped.append((path.name, str(exc).removeprefix(f"{path.name}: ")))
            continue
        text = source.text
        doc = entry or Document(
            doc_id=doc_id_for(path),
            path=str(path),
            title=source.title or path.stem,
            lang=source.lang or detect_lang(text[:5000]),
            kind=source.kind,
            date=source.date,
        )
        if doc.doc_id in seen:
            summary.skipped.append((path.name, f"duplicate document id '{doc.doc_id}'"))
            continue
        seen.add(doc.doc_id)
        doc = replace(doc, content_hash=hashlib.sha256(text.encode()).hexdigest())
        doc_chunks = chunk_document(doc.doc_id, text, clean_source(text, doc), sizes)
        if not doc_chunks:
            summary.skipped.append((path.name, "no text found"))
            continue
        documents.append(doc)
        chunks.extend(doc_chunks)
    return documents, chunks


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
) -> BuildSummary:
    """Build a complete index from ``sources`` into ``out``; the old one serves until the swap."""
    started = time.perf_counter()
    embedder = get_embedder(encoder) if isinstance(encoder, str) else encoder
    summary = BuildSummary()
    documents, chunks = load_documents(sources, sizes, summary)
    if not chunks:
        raise SearchError("nothing to index: no readable text in the sources")
    with build_lock(out):
        texts = [encoder_text(c, with_heading) for c in chunks]
        windows, owners = sentence_windows([c.text for c in chunks])
        both = encode_all(embedder, texts + windows, progress)
        vectors, window_vectors = both[: len(texts)], both[len(texts) :]
        terms = [keyword_columns(c.text, c.heading) for c in chunks]
        summary.documents = len(documents)
        summary.chunks_by_lang = Counter(c.lang for c in chunks)
        corpus = hashlib.sha256("".join(sorted(d.content_hash for d in documents)).encode())
        manifest = {
            "format_version": FORMAT_VERSION,
            "encoder": embedder.name,
            "dim": embedder.dim,
            "documents": len(documents),
            "chunks": len(chunks),
            "chunks_by_lang": dict(sorted(summary.chunks_by_lang.items())),
            "corpus_hash": corpus.hexdigest(),
            "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "chunking": {"max_units": sizes.max_units, "min_units": sizes.min_units},
            "encoder_input": "heading+text" if with_heading else "text",
            "vector_index": "flat-ip",
            "windows": len(windows),
        }
        tmp = new_generation(out)
        try:
            write_generation(
                tmp, documents, chunks, vectors, (window_vectors, np.array(owners)), terms, manifest
            )
            summary.path = publish(out, tmp)
        except BaseException:
            import shutil

            shutil.rmtree(tmp, ignore_errors=True)
            raise
    summary.seconds = time.perf_counter() - started
    return summary
