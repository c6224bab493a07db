"""The OpenAPI 3 description of every route (a test keeps it in step with ``app.url_map``)."""

from __future__ import annotations

from typing import Any

from search.citation import CITATION_SCHEMA
from search.query import MAX_DOCS, MAX_OFFSET
from web.export import EXPORTS
from web.openapi_parts import DATE_PATTERN, EXPORTED, ORIGINAL, QUERY_PATTERN, STATIC

ERROR = {"$ref": "#/components/schemas/Error"}


def _json(description: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    body = {"application/json": {"schema": schema or {"type": "object"}}}
    return {"description": description, "content": body}


def _errors(*codes: int) -> dict[str, Any]:
    return {str(c): _json("error", ERROR) for c in codes}


def _param(
    name: str, where: str, schema: dict[str, Any], description: str, required: bool
) -> dict[str, Any]:
    return {
        "name": name,
        "in": where,
        "required": required,
        "schema": schema,
        "description": description,
    }


def _html(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"text/html": {"schema": {"type": "string"}}}}


def _page(
    summary: str,
    params: list[dict[str, Any]] | None = None,
    post: bool = False,
    ok: dict[str, Any] | None = None,
) -> dict[str, Any]:
    codes = (400, 401, 404, 414, 429, 503) if params else (401, 404, 429)
    errors = {str(c): _html("an HTML page saying what went wrong") for c in codes}
    get = {
        "tags": ["pages"],
        "summary": summary,
        "parameters": params or [],
        "responses": {"200": ok or _html("an HTML page"), **errors},
    }
    if not post:
        return {"get": get}
    form = {"application/x-www-form-urlencoded": {"schema": _search_body(params or [])}}
    return {
        "get": get,
        "post": {
            **get,
            "summary": summary + " (a pasted paragraph, as a form)",
            "parameters": [],
            "requestBody": {"required": True, "content": form},
        },
    }


def _search_body(params: list[dict[str, Any]], json: bool = False) -> dict[str, Any]:
    """The search parameters as the properties of one request body."""
    props = {p["name"]: p["schema"] for p in params if p["in"] == "query"}
    if "doc" in props:
        props["doc"] = {"oneOf": [{"type": "string", "maxLength": 200}, props["doc"]]}
    if json:  # in JSON, null means absent
        for name, prop in list(props.items()):
            if name != "q":
                enum = {"enum": [*prop["enum"], None]} if "enum" in prop else {}
                props[name] = {**prop, "nullable": True, **enum}
    return {"type": "object", "required": ["q"], "properties": props}


def _api(
    summary: str,
    ok: str,
    params: list[dict[str, Any]] | None = None,
    errors: tuple = (404, 503),
    schema: dict[str, Any] | None = None,
) -> dict[str, Any]:
    too_long = (414,) if params and any(p["in"] == "query" for p in params) else ()
    return {
        "get": {
            "tags": ["api"],
            "summary": summary,
            "parameters": params or [],
            "responses": {"200": _json(ok, schema), **_errors(401, 429, *errors, *too_long)},
        }
    }


def _obj(**props: Any) -> dict[str, Any]:
    return {"type": "object", "properties": props}


STR, INT, NUM = {"type": "string"}, {"type": "integer"}, {"type": "number"}
SEARCH_REF = {"$ref": "#/components/schemas/SearchResponse"}
SEARCH_RESPONSE = _obj(
    query=STR,
    query_lang=STR,
    took_ms=NUM,
    lang=STR,
    counts={"type": "object", "additionalProperties": INT},
    total={**INT, "description": "matching passages (an estimate when total_is_estimate)"},
    total_is_estimate={"type": "boolean"},
    good={**INT, "description": "results of this page above the relevance threshold"},
    offset=INT,
    facets=_obj(
        doc={"type": "object", "additionalProperties": INT},
        lang={"type": "object", "additionalProperties": INT},
    ),
    results={"type": "array", "items": {"$ref": "#/components/schemas/Result"}},
    other_language={
        "type": "array",
        "maxItems": 3,
        "items": {"$ref": "#/components/schemas/Result"},
        "description": "the best passages (up to 3, best first) in the language the query is "
        "not written in, from the whole ranking (filters applied, offset ignored; they may also "
        "be in results), each labelled good or weak in match and ranked from 1 within this "
        "list; empty with a lang filter or when the index has no passages in that language",
    },
    shards={
        **_obj(total=INT, failed=INT),
        "description": "PostgreSQL cluster backend only: the shards the search ran on (failed "
        "is 0 in an answer; with a shard down the answer is a 503 counting them)",
    },
)
RESULT = _obj(
    rank=INT,
    score=NUM,
    text=STR,
    lang=STR,
    doc_id=STR,
    chunk_id=STR,
    heading=STR,
    snippet=STR,
    snippet_span={"type": "array", "items": INT},
    highlights={"type": "array", "items": {"type": "array", "items": INT}},
    duplicates={"type": "array", "items": STR},
    match={"type": "string", "enum": ["good", "weak"]},
    citation={"$ref": "#/components/schemas/Citation"},
)


def openapi_spec(settings: dict[str, Any]) -> dict[str, Any]:
    max_q, max_k = settings["max_query_chars"], settings["max_k"]
    q = _param(
        "q",
        "query",
        {"type": "string", "minLength": 1, "maxLength": max_q, "pattern": QUERY_PATTERN},
        "what to search for, in Chinese or English (spaces around it do not count)",
        required=True,
    )
    k = _param(
        "k",
        "query",
        {"type": "integer", "minimum": 1, "maximum": max_k, "default": 10},
        "number of results",
        required=False,
    )
    lang = _param(
        "lang",
        "query",
        {"type": "string", "enum": ["any", "zh", "en", ""]},
        "only passages in this language (empty: any)",
        required=False,
    )
    filters = [
        _param(
            "offset",
            "query",
            {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET, "default": 0},
            "skip this many results (the next page starts at offset + k)",
            required=False,
        ),
        {
            **_param(
                "doc",
                "query",
                {
                    "type": "array",
                    "items": {"type": "string", "maxLength": 200},
                    "maxItems": MAX_DOCS,
                },
                "only passages of these documents (ids from /api/documents; repeat the parameter; "
                "an id the index does not hold is a 400)",
                required=False,
            ),
            "style": "form",
            "explode": True,
        },
        _param(
            "date_from",
            "query",
            {"type": "string", "pattern": DATE_PATTERN},
            "only documents dated from (ISO: 2024, 2024-07 or 2024-07-31; not after date_to)",
            required=False,
        ),
        _param(
            "date_to",
            "query",
            {"type": "string", "pattern": DATE_PATTERN},
            "only documents dated up to (ISO: 2024, 2024-07 or 2024-07-31)",
            required=False,
        ),
    ]
    search_params = [q, k, lang, *filters]
    doc_id = _param("doc_id", "path", {"type": "string"}, "a document id", required=True)
    chunk_id = _param("chunk_id", "path", {"type": "string"}, "a passage id", required=True)
    filename = _param("filename", "path", {"type": "string"}, "a static file", required=True)
    search_ok = (
        "ranked passages with citations (citation.permalink; citation.formats.gbt7714 and "
        ".chicago), took_ms, query_lang, per-language counts; total (an estimate when "
        "total_is_estimate), offset, facets (passages by doc and lang), good (results above "
        "the relevance threshold); each result's match is good or weak; other_language: the "
        "best passages in the other language"
    )
    paths = {
        "/api/search": {
            **_api("search passages", search_ok, search_params, (400, 503), SEARCH_REF),
            "post": {
                **_api("search passages", search_ok, errors=(400, 413, 503), schema=SEARCH_REF)[
                    "get"
                ],
                "summary": "search passages with a long query (a pasted paragraph) as JSON",
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {"schema": _search_body(search_params, json=True)}
                    },
                },
            },
        },
        "/api/documents": _api("list the indexed documents", "documents", errors=(503,)),
        "/api/documents/{doc_id}": _api(
            "one document, its passages in order", "a document", [doc_id]
        ),
        "/api/chunks/{chunk_id}": _api("one passage with its neighbours", "a passage", [chunk_id]),
        "/api/openapi.json": _api("this description", "OpenAPI 3 document", errors=()),
        "/healthz": {
            "get": {
                "tags": ["ops"],
                "summary": "index loaded; manifest summary",
                "responses": {"200": _json("health")},
            }
        },
        "/": _page("search page", [{**q, "required": False}, *search_params[1:]], post=True),
        "/embed": _page(
            "results page for an iframe", [{**q, "required": False}, *search_params[1:]], post=True
        ),
        "/export": _page(
            "selected results as a file: Markdown, BibTeX or RIS",
            [
                _param(
                    "chunk",
                    "query",
                    {"type": "array", "items": {"type": "string"}},
                    "passage ids (repeat the parameter)",
                    required=True,
                ),
                _param(
                    "format",
                    "query",
                    {"type": "string", "enum": list(EXPORTS), "default": "md"},
                    "file format",
                    required=False,
                ),
            ],  # fmt: skip
            ok=EXPORTED,
        ),
        "/example/": _page("the intranet example page (widget and iframe)"),
        "/example/intranet.css": _page("the example page's style sheet", ok=STATIC),
        "/example/intranet.js": _page("the example page's script", ok=STATIC),
        "/doc/{doc_id}": _page("a document in reading order, cited passage targeted", [doc_id]),
        "/doc/{doc_id}/original": _page(
            "the indexed PDF/Word/HTML file (#page=N)", [doc_id], ok=ORIGINAL
        ),
        "/static/{filename}": _page(
            "static files: style.css, app.js, widget.js", [filename], ok=STATIC
        ),
        "/metrics": {
            "get": {
                "tags": ["ops"],
                "summary": "Prometheus metrics: requests, latency, index generation and age",
                "responses": {
                    "200": {
                        "description": "Prometheus text format",
                        "content": {"text/plain": {"schema": {"type": "string"}}},
                    }
                },
            }
        },
    }
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Bilingual search",
            "version": "1",
            "description": "Search Chinese and English documents; answers cite their sources. "
            "If API keys are configured, /api/* needs the X-API-Key header.",
        },
        "paths": paths,
        "components": {
            "schemas": {
                "SearchResponse": SEARCH_RESPONSE,
                "Result": RESULT,
                "Citation": CITATION_SCHEMA,
                "Error": {
                    "type": "object",
                    "properties": {
                        "shards": _obj(total=INT, failed=INT),
                        "error": {
                            "type": "object",
                            "properties": {k: {"type": "string"} for k in ("code", "message")},
                        },
                    },
                },
            },
            "securitySchemes": {"apiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key"}},
        },
    }
