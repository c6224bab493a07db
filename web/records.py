"""What the web layer shows of documents and passages (server file paths stay private)."""

from __future__ import annotations

import socket
from dataclasses import asdict
from typing import Any

from flask import abort, current_app, request

from search.citation import citation_for
from search.searcher import Searcher
from search.types import Chunk

PRIVATE_FIELDS = ("path",)
MAX_ID_CHARS = 200


def document_record(doc: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in doc.items() if k not in PRIVATE_FIELDS}


def chunk_record(chunk: Chunk, doc: dict[str, Any]) -> dict[str, Any]:
    out = asdict(chunk)
    out["citation"] = citation_for(chunk, doc)
    return out


def find_document(searcher: Searcher, doc_id: str) -> dict[str, Any]:
    """The document called ``doc_id`` or a 404 (ids are looked up, never used as paths)."""
    doc = searcher.store.document(doc_id) if len(doc_id) <= MAX_ID_CHARS else None
    if doc is None:
        abort(404, f"no document with id {doc_id[:80]!r}")
    return doc


def footnotes(chunks: list[Chunk]) -> list[dict[str, Any]]:
    """The source notes of a document's articles, each once, in reading order."""
    seen: set[tuple[str, int, str]] = set()
    out = []
    for chunk in chunks:
        for note in chunk.footnotes:
            key = (chunk.heading, note.number, note.text)
            if key not in seen:
                seen.add(key)
                out.append({"heading": chunk.heading, **asdict(note)})
    return out


WILDCARDS = ("", "0.0.0.0", "::")


def site_root() -> str:
    """This site's address for links that leave the page (permalinks, exports): the
    ``public_url`` setting, else the address and port the server listens on (a wildcard
    address gives the machine's name). The request's ``Host`` header is never used: any
    client can set it."""
    public: str = current_app.config["SEARCH"]["public_url"]
    if public:
        return public
    environ = request.environ
    host, port = environ.get("SERVER_NAME", ""), str(environ.get("SERVER_PORT", ""))
    if host in WILDCARDS:
        host = socket.gethostname()
    if ":" in host:
        host = f"[{host}]"  # an IPv6 address
    default = {"http": "80", "https": "443"}.get(request.scheme)
    netloc = host if port in ("", default) else f"{host}:{port}"
    return f"{request.scheme}://{netloc}{request.script_root}/"
