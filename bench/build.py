"""Build: passages/s of a whole seed-index build vs the encoder's bare throughput on the same texts.

The build is ``search.build.build([seeds], out, "use-m3")`` exactly as a user runs it (model load,
reading, chunking, encoding, keyword columns, writing). The bare figure encodes the texts that
build encodes (each chunk with its heading, then every two-sentence window) with an already
loaded encoder, in the build's batch size, and nothing else.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from bench.common import dir_bytes, profile_top
from search.build import BATCH, build, encoder_text
from search.embed import get_embedder
from search.store import Store
from search.text.sentences import sentence_windows


def encoder_texts(index: Path) -> tuple[list[str], list[str]]:
    """The chunk texts and window texts the build of ``index`` encoded (read back from it)."""
    store = Store.open(index)
    try:
        n = store.vectors.ntotal
        found = store.chunks(list(range(n)))
        chunks = [found[i] for i in range(n)]
        windows, _ = sentence_windows([c.text for c in chunks])
        if len(windows) != store.windows.ntotal:
            raise RuntimeError(
                f"{len(windows)} windows re-derived, the index has {store.windows.ntotal}"
            )
    finally:
        store.close()
    return [encoder_text(c, with_heading=True) for c in chunks], windows


def bare_encode_seconds(texts: list[str]) -> tuple[float, float]:
    """(seconds to load the encoder, seconds to encode ``texts`` in build-sized batches)."""
    started = time.perf_counter()
    embedder = get_embedder("use-m3")
    embedder.encode_documents(["warm up 预热"])
    loaded = time.perf_counter() - started
    started = time.perf_counter()
    for i in range(0, len(texts), BATCH):
        embedder.encode_documents(texts[i : i + BATCH])
    return loaded, time.perf_counter() - started


def run(sources: Path, out: Path, profile: bool = False) -> dict[str, Any]:
    started = time.perf_counter()
    summary = build([sources], out, "use-m3")
    build_s = time.perf_counter() - started
    texts, windows = encoder_texts(summary.path or out)
    load_s, encode_s = bare_encode_seconds(texts + windows)
    passages = summary.chunks
    files = dir_bytes(summary.path) if summary.path else {}
    result: dict[str, Any] = {
        "passages": passages,
        "windows": len(windows),
        "build_s": build_s,
        "encode_s": encode_s,
        "encoder_load_s": load_s,
        "build_passages_per_s": passages / build_s,
        "encoder_passages_per_s": passages / encode_s,
        "ratio": encode_s / build_s,
        "ratio_without_model_load": encode_s / max(build_s - load_s, 1e-9),
        "index_bytes": sum(files.values()),
        "index_bytes_per_passage": sum(files.values()) / max(passages, 1),
        "files": files,
        "index": str(summary.path),
    }
    if profile:
        result["profile"] = profile_top(lambda: build([sources], out / "profiled", "use-m3"))
    return result
