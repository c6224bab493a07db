"""Server-rendered pages: the search page, the embeddable results page and a document page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Blueprint, abort, current_app, render_template, request, send_file
from flask.typing import ResponseReturnValue

from search.errors import QueryError
from web.api import searcher
from web.query import LANG_CHOICES, parse_lang, parse_query
from web.records import find_document, footnotes

bp = Blueprint("views", __name__)

# Originals served for checking citations (plain-text sources are shown in full already).
ORIGINAL_TYPES = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".html": "text/plain",  # shown as source, never rendered on our origin
    ".htm": "text/plain",
}


def run_search() -> tuple[dict[str, Any], int]:
    """Template values for a results page; a bad query becomes a message and a 400."""
    args = request.args
    values: dict[str, Any] = {"q": args.get("q", ""), "langs": LANG_CHOICES, "lang": "any"}
    try:
        values["lang"] = parse_lang(args.get("lang"))
        if "q" not in args:
            return values, 200  # the empty search page
        query = parse_query(args, current_app.config["SEARCH"])
    except QueryError as exc:
        values["error"] = str(exc)
        return values, 400
    values["response"] = searcher().search(query.q, k=query.k, lang=query.lang_filter).to_dict()
    return values, 200


@bp.get("/")
def index() -> ResponseReturnValue:
    values, status = run_search()
    return render_template("search.html", **values), status


@bp.get("/embed")
def embed() -> ResponseReturnValue:
    values, status = run_search()
    return render_template("embed.html", **values), status


@bp.get("/doc/<doc_id>")
def document(doc_id: str) -> ResponseReturnValue:
    s = searcher()
    doc = find_document(s, doc_id)
    chunks = s.store.document_chunks(doc_id)
    original = Path(doc["path"]).suffix.lower() in ORIGINAL_TYPES and Path(doc["path"]).is_file()
    return render_template(
        "doc.html", doc=doc, chunks=chunks, notes=footnotes(chunks), original=original
    )


@bp.get("/doc/<doc_id>/original")
def original_file(doc_id: str) -> ResponseReturnValue:
    """The indexed file itself (PDF, Word, HTML), so a page citation can be checked; only files
    the index names are served, looked up by id, never by a path from the request."""
    doc = find_document(searcher(), doc_id)
    path = Path(doc["path"])
    mimetype = ORIGINAL_TYPES.get(path.suffix.lower())
    if mimetype is None or not path.is_absolute() or not path.is_file():
        abort(404, "the original file of this document is not available")
    try:
        return send_file(path, mimetype=mimetype, download_name=path.name, max_age=300)
    except OSError:  # removed or unreadable since the check
        abort(404, "the original file of this document is not available")
