"""Server-rendered pages: the search page, the embeddable results page and a document page."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, render_template, request
from flask.typing import ResponseReturnValue

from search.errors import QueryError
from web.api import searcher
from web.query import LANG_CHOICES, parse_lang, parse_query
from web.records import find_document, footnotes

bp = Blueprint("views", __name__)


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
    return render_template("doc.html", doc=doc, chunks=chunks, notes=footnotes(chunks))
