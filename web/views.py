"""Server-rendered pages: the search page, the embeddable results page and a document page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    render_template,
    request,
    send_file,
    url_for,
)
from flask.typing import ResponseReturnValue

from search.errors import QueryError
from web.api import run, searcher
from web.export import EXPORTS, export
from web.highlight import marked_passage, parse_span
from web.i18n import friendly, ui_lang
from web.page import page_values, passage_link, same_site_path
from web.query import LANG_CHOICES, parse_lang, parse_options, parse_query
from web.reading import articles, chosen_part, contents, parts
from web.records import find_document, footnotes, site_root

bp = Blueprint("views", __name__)
ROOT = Path(__file__).absolute().parents[1]
EXAMPLES = ROOT / "examples"
EXAMPLE_FILES = {  # what /example/ serves: the intranet page and its two parts
    "": ("intranet.html", "text/html"),
    "intranet.css": ("intranet.css", "text/css"),
    "intranet.js": ("intranet.js", "text/javascript"),
}

# Originals served for checking citations (plain-text sources are shown in full already).
ORIGINAL_TYPES = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".html": "text/plain",  # shown as source, never rendered on our origin
    ".htm": "text/plain",
}


def run_search() -> tuple[dict[str, Any], int]:
    """Template values for a results page (GET, or POST for a pasted paragraph); a bad query
    becomes a message for a drafter and a 400."""
    args = request.form if request.method == "POST" else request.args
    settings = current_app.config["SEARCH"]
    values: dict[str, Any] = {
        "q": args.get("q", ""),
        "langs": LANG_CHOICES,
        "lang": "any",
        "long": args.get("mode") == "long" or request.method == "POST",
        "documents": searcher().store.documents(),
        "args": args,
    }
    try:
        values["lang"] = parse_lang(args.get("lang"))
        if "q" not in args and request.method != "POST":
            parse_options(args, settings)  # a bad k, offset, doc or date is a 400 here too
            return values, 200  # the home page
        query = parse_query(args, settings)
        values["query"] = query
        values["response"] = run(query)
    except QueryError as exc:
        values["error"] = friendly(str(exc), settings["max_k"])
        return values, 400
    values["page"] = page_values(values["response"], query)
    return values, 200


@bp.route("/", methods=["GET", "POST"])
def index() -> ResponseReturnValue:
    values, status = run_search()
    return render_template("search.html", **values), status


@bp.route("/embed", methods=["GET", "POST"])
def embed() -> ResponseReturnValue:
    values, status = run_search()
    target = current_app.config["SEARCH"]["link_target"]
    return render_template("embed.html", target=target, **values), status


@bp.get("/doc/<doc_id>")
def document(doc_id: str) -> ResponseReturnValue:
    """A document in reading order, a part of whole articles at a time (``?part=N``; the part
    holding the cited passage ``?at=<chunk>``); ``q`` and ``s=a-b`` mark the query words and
    the snippet sentence (characters ``a`` to ``b``) of the cited passage."""
    s = searcher()
    doc = find_document(s, doc_id)
    every = s.store.document_chunks(doc_id)
    original = Path(doc["path"]).suffix.lower() in ORIGINAL_TYPES and Path(doc["path"]).is_file()
    at, q = request.args.get("at", ""), request.args.get("q", "")[:2000]
    split = parts(every)
    number = chosen_part(split, at, request.args.get("part"))
    chunks = split[number - 1]
    marked = {}
    for chunk in chunks:
        if chunk.chunk_id == at:
            spans = s.highlighter(q).spans(chunk.text) if q.strip() else []
            marked[at] = marked_passage(chunk.text, spans, parse_span(request.args.get("s")))
    back = same_site_path(request.args.get("back", ""))
    blocks = [("front" if r[0].kind == "front" else "text", r) for r in articles(chunks)]
    return render_template(
        "doc.html",
        doc=doc,
        total=len(every),
        chunks=chunks,
        blocks=blocks,
        notes=footnotes(chunks),
        original=original,
        marked=marked,
        toc=contents(split),
        part=number,
        parts=len(split),
        part_url=lambda n: url_for("views.document", doc_id=doc_id, part=n, back=back or None),
        back=back,
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


@bp.get("/export")
def export_selected() -> ResponseReturnValue:
    """The selected passages (``chunk`` repeated) as Markdown, BibTeX or RIS (``format``)."""
    fmt = request.args.get("format", "md")
    if fmt not in EXPORTS:
        raise QueryError(f"format must be one of {', '.join(EXPORTS)} (got {fmt[:20]!r})")
    ids = request.args.getlist("chunk")[:50]
    if not ids:
        raise QueryError("select at least one result to export")
    body, mimetype, name = export(searcher(), ids, fmt, site_root())
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    return Response(body, mimetype=mimetype, headers=headers)


@bp.get("/example/")
@bp.get("/example/intranet.css")
@bp.get("/example/intranet.js")
def example() -> ResponseReturnValue:
    """The intranet example page (examples/intranet.html), served by this server, which the
    page then uses for its widget and iframe."""
    filename, mimetype = EXAMPLE_FILES[request.path.rsplit("/", 1)[1]]
    path = EXAMPLES / filename
    if not path.is_file():
        abort(404, "the example page is not installed")
    return send_file(path, mimetype=mimetype, max_age=0)


__all__ = ["bp", "passage_link", "ui_lang"]
