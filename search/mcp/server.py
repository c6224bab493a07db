"""The MCP server: four tools over the served index (``search``, ``fetch``,
``search_passages``, ``list_documents``), built on the official SDK's ``MCPServer``.

Each call checks a searcher out of the holder the web server uses (``web.reload``) and back
in, so a rebuilt index is picked up between calls and a call uses one generation throughout.
Arguments are checked by the JSON API's rules before the SDK sees them: a bad one is a tool
error (``isError``) with the API's one-line message.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from importlib import metadata
from typing import Annotated, Any, Literal

from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.server.mcpserver.tools import Tool
from mcp.types import CallToolResult, TextContent, ToolAnnotations
from pydantic import Field

from search.errors import QueryError
from search.mcp import answers
from search.mcp.schemas import (
    DOCUMENTS_OUTPUT,
    FETCH_OUTPUT,
    PASSAGES_OUTPUT,
    SEARCH_OUTPUT,
    checked,
)
from search.query import DEFAULT_K, MAX_DOCS, MAX_K, MAX_OFFSET
from search.searcher import Searcher
from search.store import ann
from web.openapi import DATE_PATTERN
from web.query import SearchQuery
from web.reload import SearcherHolder

NAME = "bilingual-search"
INSTRUCTIONS = (
    "Searches the team's policy sources, Chinese and English (a query in either language also "
    "finds passages in the other). Quote passages with the citation line each result gives; "
    "a result whose match is 'weak' (or good = 0) is not a good answer."
)


@dataclass
class Library:
    """What the tools read: the served index, the web service's limits (``web.settings``),
    the site address permalinks start with, and whether file paths may be shown."""

    holder: SearcherHolder
    settings: Mapping[str, Any]
    root: str  # e.g. "https://search.example/" ("" = paths such as /doc/...)
    show_paths: bool = False

    @contextlib.contextmanager
    def searcher(self) -> Iterator[Searcher]:
        """The current searcher for one call (which runs in one of the SDK's worker threads)."""
        ann.single_query_threads()  # per thread in OpenMP: else FAISS spins up a thread team
        searcher = self.holder.checkout()
        try:
            yield searcher
        finally:
            self.holder.checkin(searcher)


def version() -> str:
    try:
        return metadata.version("bilingual-search")
    except metadata.PackageNotFoundError:  # run from a source tree that is not installed
        return "0"


def answer(structured: dict[str, Any], text: str | None = None) -> CallToolResult:
    """A result with ``structured`` content and a text block (``text``, else its JSON)."""
    text = json.dumps(structured, ensure_ascii=False) if text is None else text
    content = [TextContent(type="text", text=text)]
    return CallToolResult(content=content, structured_content=structured)


def refused(message: str) -> CallToolResult:
    return CallToolResult(content=[TextContent(type="text", text=message)], is_error=True)


Query = Annotated[str, Field(description="what to search for, in Chinese or English")]
Date = Annotated[
    str | None, Field(pattern=DATE_PATTERN, description="ISO date: 2024, 2024-07 or 2024-07-31")
]


def tools(library: Library) -> list[Tool]:
    """The four tools, each with a title, a description saying when to use it, an input schema
    (from the signature) and an output schema (``search.mcp.schemas``)."""

    def search(query: Query) -> CallToolResult:
        with library.searcher() as s:
            found = answers.passages(s, SearchQuery(query, DEFAULT_K, "any"), library.root)
        return answer(answers.hits(found))

    def fetch(
        id: Annotated[str, Field(description="a passage id, as search returns it")],
    ) -> CallToolResult:
        with library.searcher() as s:
            try:
                return answer(answers.fetch(s, id, library.root))
            except QueryError as exc:
                return refused(str(exc))

    def search_passages(
        query: Query,
        k: Annotated[int, Field(ge=1, le=MAX_K, description="passages to return")] = DEFAULT_K,
        lang: Annotated[
            Literal["any", "zh", "en"] | None,
            Field(description="only passages in this language (default: any)"),
        ] = None,
        docs: Annotated[
            list[str] | None,
            Field(max_length=MAX_DOCS, description="only these documents (ids: list_documents)"),
        ] = None,
        date_from: Date = None,
        date_to: Date = None,
        offset: Annotated[
            int, Field(ge=0, le=MAX_OFFSET, description="skip this many (the next page)")
        ] = 0,
    ) -> CallToolResult:
        query_ = SearchQuery(query, k, lang or "any", offset, tuple(docs or ()), date_from, date_to)
        with library.searcher() as s:
            found = answers.passages(s, query_, library.root)
        return answer(found, answers.quotable(found))

    def list_documents() -> CallToolResult:
        with library.searcher() as s:
            return answer(answers.documents(s, library.show_paths))

    read_only = ToolAnnotations(read_only_hint=True, open_world_hint=False)
    specs: list[tuple[Callable[..., CallToolResult], str, str, dict[str, Any]]] = [
        (
            search,
            "Search the policy sources",
            "Find passages in the team's Chinese and English policy sources (a query in either "
            "language finds both). Returns up to 10 passages as id, title (document and "
            "section) and permalink url; call fetch with an id for the passage's text and "
            "citation. Prefer search_passages when you need the text, citations or filters "
            "in one call.",
            SEARCH_OUTPUT,
        ),
        (
            fetch,
            "Fetch a passage with its citation",
            "The full text of one passage that search returned (by its id), with its url and "
            "citation metadata: document, section, paragraph, page, source link, and the "
            "ready-to-paste GB/T 7714 (gbt7714) and Chicago (chicago) citations. Use it before "
            "quoting a passage.",
            FETCH_OUTPUT,
        ),
        (
            search_passages,
            "Search passages with citations",
            "Search the team's Chinese and English policy sources and get ranked passages with "
            "their citations (permalink, GB/T 7714 and Chicago strings), as the JSON API "
            "/api/search answers. Use it when drafting: quote passages with the citation line "
            "the text block gives. Filter by lang, docs (ids from list_documents) and dates; "
            "page with offset. Each result's match is good or weak; good = 0 means no good "
            "answer, so say that rather than quote weak passages.",
            PASSAGES_OUTPUT,
        ),
        (
            list_documents,
            "List the indexed documents",
            "The documents the index holds: id, title, language, passage count, format and "
            "date. Use it to say what sources are available or to choose docs for "
            "search_passages.",
            DOCUMENTS_OUTPUT,
        ),
    ]
    out = []
    for fn, title, description, schema in specs:
        tool = Tool.from_function(fn, title=title, description=description, annotations=read_only)
        tool.fn_metadata.output_schema = schema  # published; the client validates against it
        out.append(tool)
    for tool in out:  # the configured limits, where they are tighter than the built-in ones
        props = tool.parameters.get("properties", {})
        if "query" in props:
            props["query"]["maxLength"] = library.settings["max_query_chars"]
        if "k" in props:
            props["k"]["maximum"] = library.settings["max_k"]
    return out


class SearchServer(MCPServer):
    """``MCPServer`` with the four tools; arguments are checked before the SDK validates them,
    so a bad one gets the JSON API's message."""

    def __init__(self, library: Library) -> None:
        super().__init__(
            NAME,
            title="Bilingual policy search",
            version=version(),
            instructions=INSTRUCTIONS,
            tools=tools(library),
            log_level="WARNING",
        )
        self.library = library

    async def call_tool(
        self, name: str, arguments: dict[str, Any], context: Context[Any, Any] | None = None
    ) -> Any:
        try:
            arguments = checked(name, arguments, self.library.settings)
        except QueryError as exc:
            raise ToolError(str(exc)) from None
        return await super().call_tool(name, arguments, context)
