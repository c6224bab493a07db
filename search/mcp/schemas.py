"""The tools' arguments, checked by the JSON API's own rules (``web.query.parse_query``, so a
bad value gets the API's one-line message), and their output schemas, taken from the API's
OpenAPI description where it has one."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from search.citation import CITATION_SCHEMA
from search.errors import QueryError
from web.openapi import RESULT, SEARCH_RESPONSE
from web.query import parse_query

MISSING_QUERY = "the parameter query (what to search for) is required"
SEARCHES = ("search", "search_passages")


def checked(tool: str, arguments: Mapping[str, Any], settings: Mapping[str, Any]) -> dict[str, Any]:
    """``arguments`` of ``tool`` normalised as its function takes them, or ``QueryError``."""
    if tool == "fetch":
        passage_id = arguments.get("id")
        if not isinstance(passage_id, str) or not passage_id.strip():
            raise QueryError("id must be a passage id, as search returns it")
        return {"id": passage_id.strip()}
    if tool not in SEARCHES:
        return dict(arguments)
    if arguments.get("query") is None:
        raise QueryError(MISSING_QUERY)
    if not isinstance(arguments["query"], str):
        raise QueryError("query must be text")
    if tool == "search":
        return {"query": parse_query({"q": arguments["query"]}, settings).q}
    given = {
        "q": arguments["query"],
        "k": arguments.get("k"),
        "lang": arguments.get("lang"),
        "offset": arguments.get("offset"),
        "doc": arguments.get("docs"),
        "date_from": arguments.get("date_from"),
        "date_to": arguments.get("date_to"),
    }
    query = parse_query(given, settings)
    return {
        "query": query.q,
        "k": query.k,
        "lang": query.lang,
        "offset": query.offset,
        "docs": list(query.docs),
        "date_from": query.date_from,
        "date_to": query.date_to,
    }


def json_schema(openapi: Any) -> Any:
    """An OpenAPI 3.0 schema as JSON Schema: ``nullable`` becomes a ``null`` type and
    component references point into ``$defs``."""
    if isinstance(openapi, list):
        return [json_schema(x) for x in openapi]
    if not isinstance(openapi, dict):
        return openapi
    out = {k: json_schema(v) for k, v in openapi.items() if k != "nullable"}
    if openapi.get("nullable") and isinstance(out.get("type"), str):
        out["type"] = [out["type"], "null"]
    ref = out.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
        out["$ref"] = "#/$defs/" + ref.rsplit("/", 1)[1]
    return out


def _strings(*names: str, required: bool = True) -> dict[str, Any]:
    properties = {n: {"type": "string"} for n in names}
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    if required:
        schema["required"] = list(names)
    return schema


CITATION = json_schema(CITATION_SCHEMA)
SEARCH_OUTPUT = {
    "type": "object",
    "required": ["results"],
    "properties": {
        "results": {
            "type": "array",
            "description": "passages, best first: id (for fetch), document title and section, "
            "permalink",
            "items": _strings("id", "title", "url"),
        }
    },
}
FORMATTED = {
    "gbt7714": {"type": "string", "description": "GB/T 7714-2015 citation, for Chinese drafts"},
    "chicago": {"type": "string", "description": "Chicago note, for English drafts"},
}
FETCH_OUTPUT = {
    **_strings("id", "title", "text", "url"),
    "required": ["id", "title", "text", "url", "metadata"],
}
FETCH_OUTPUT["properties"]["metadata"] = {
    "type": "object",
    "description": "the citation fields (text: the whole citation on one line) and the "
    "formatted citations",
    "properties": {
        "doc_id": {"type": "string"},
        "lang": {"type": "string", "enum": ["zh", "en"]},
        "date": {"type": ["string", "null"], "description": "the document's date (ISO)"},
        **{k: v for k, v in CITATION["properties"].items() if k not in ("formats", "permalink")},
        **FORMATTED,
    },
}
PASSAGES_OUTPUT = {
    **json_schema(SEARCH_RESPONSE),
    "$defs": {"Result": json_schema(RESULT), "Citation": CITATION},
}
PASSAGES_OUTPUT["properties"]["other_language"] = {
    "type": ["array", "null"],
    "description": "the best passages in the other language, when the page has none",
    "items": {"type": "object"},
}
DOCUMENTS_OUTPUT = {
    "type": "object",
    "required": ["documents", "count"],
    "properties": {
        "count": {"type": "integer"},
        "documents": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["doc_id", "title", "lang", "chunks"],
                "properties": {
                    "doc_id": {"type": "string", "description": "for search_passages' docs"},
                    "title": {"type": "string"},
                    "lang": {"type": "string"},
                    "chunks": {"type": "integer", "description": "passages in the index"},
                    "kind": {"type": "string", "description": "the source format"},
                    "date": {"type": ["string", "null"]},
                    "path": {"type": "string", "description": "the file (stdio only)"},
                },
            },
        },
    },
}
