"""The JSON API: search, documents, passages, health and the OpenAPI description."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, jsonify, request
from flask.typing import ResponseReturnValue

from search.errors import QueryError
from search.searcher import Searcher
from web.openapi import openapi_spec
from web.query import SearchQuery, answer, parse_query
from web.records import (
    MAX_ID_CHARS,
    chunk_record,
    document_record,
    find_document,
    footnotes,
    site_root,
)

bp = Blueprint("api", __name__)
MANIFEST_SUMMARY = ("documents", "chunks", "chunks_by_lang", "encoder", "dim", "built_at")


def searcher() -> Searcher:
    return current_app.extensions["searcher"].searcher


def run(query: SearchQuery) -> dict[str, Any]:
    """Answer ``query`` as a dict, citations linked to this site."""
    return answer(searcher(), query, site_root())


def json_body() -> dict[str, Any]:
    """The JSON object a POST carries (same keys as the query string)."""
    try:
        body = request.get_json(silent=True)
    except RecursionError:  # nested deeper than the JSON decoder follows
        raise QueryError("the request body is nested too deeply to be a search") from None
    if not isinstance(body, dict):
        raise QueryError('the request body must be a JSON object such as {"q": "碳达峰 标准"}')
    return body


@bp.route("/api/search", methods=["GET", "POST"])
def search() -> ResponseReturnValue:
    args = request.args if request.method in ("GET", "HEAD") else json_body()
    return jsonify(run(parse_query(args, current_app.config["SEARCH"])))


@bp.get("/api/documents")
def documents() -> ResponseReturnValue:
    docs = [document_record(d) for d in searcher().store.documents()]
    return jsonify(documents=docs, count=len(docs))


@bp.get("/api/documents/<doc_id>")
def document(doc_id: str) -> ResponseReturnValue:
    s = searcher()
    doc = find_document(s, doc_id)
    chunks = s.store.document_chunks(doc_id)
    return jsonify(
        document=document_record(doc),
        chunks=[chunk_record(c, doc) for c in chunks],
        footnotes=footnotes(chunks),
    )


@bp.get("/api/chunks/<chunk_id>")
def chunk(chunk_id: str) -> ResponseReturnValue:
    s = searcher()
    found = s.store.chunk_by_id(chunk_id) if len(chunk_id) <= MAX_ID_CHARS else None
    if found is None:
        abort(404, f"no passage with id {chunk_id[:80]!r}")
    _, passage = found
    doc = s.store.document(passage.doc_id) or {"doc_id": passage.doc_id}
    siblings = s.store.document_chunks(passage.doc_id)
    at = next((i for i, c in enumerate(siblings) if c.chunk_id == passage.chunk_id), -1)
    before = siblings[at - 1] if at > 0 else None
    after = siblings[at + 1] if 0 <= at < len(siblings) - 1 else None
    return jsonify(
        chunk=chunk_record(passage, doc),
        previous=chunk_record(before, doc) if before else None,
        next=chunk_record(after, doc) if after else None,
        document=document_record(doc),
    )


@bp.get("/healthz")
def health() -> ResponseReturnValue:
    holder = current_app.extensions["searcher"]
    manifest: dict[str, Any] = holder.searcher.store.manifest
    summary = {k: manifest.get(k) for k in MANIFEST_SUMMARY}
    return jsonify(**holder.health(), index=summary)  # status "degraded" with a reason


@bp.get("/api/openapi.json")
def openapi() -> ResponseReturnValue:
    return jsonify(openapi_spec(current_app.config["SEARCH"]))
