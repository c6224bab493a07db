"""What the MCP tools answer, as plain data over one Searcher: the same dicts the JSON API
gives (``Response.to_dict()`` with citations linked to the site, ``web.records``), the
research-connector shapes of ``search`` and ``fetch``, and a text an assistant can quote."""

from __future__ import annotations

from typing import Any

from search.citation import citation_for
from search.cite_formats import with_formats
from search.docs_cli import listing
from search.errors import QueryError
from search.searcher import Searcher
from web.query import SearchQuery, answer
from web.records import MAX_ID_CHARS

PRIVATE_FIELDS = ("path",)  # server file paths: not shown over HTTP (as in /api/documents)


def passages(searcher: Searcher, query: SearchQuery, root: str) -> dict[str, Any]:
    """The answer of ``/api/search`` for ``query``, permalinks under ``root``."""
    return answer(searcher, query, root)


def title_of(citation: dict[str, Any]) -> str:
    """``document title — section`` (the title alone when the passage has no section)."""
    title, section = citation.get("title") or "", citation.get("section")
    return f"{title} — {section}" if section and section != title else title


def hits(answer: dict[str, Any]) -> dict[str, Any]:
    """The research-connector ``search`` shape: ``{"results": [{"id", "title", "url"}]}``."""
    return {
        "results": [
            {
                "id": r["chunk_id"],
                "title": title_of(r["citation"]),
                "url": r["citation"]["permalink"],
            }
            for r in answer["results"]
        ]
    }


def fetch(searcher: Searcher, passage_id: Any, root: str) -> dict[str, Any]:
    """The research-connector ``fetch`` shape for one passage: ``{"id", "title", "text",
    "url", "metadata"}``; metadata holds the citation fields and the two formatted citations."""
    if not isinstance(passage_id, str) or not passage_id.strip():
        raise QueryError("id must be a passage id, as search returns it")
    found = searcher.store.chunk_by_id(passage_id) if len(passage_id) <= MAX_ID_CHARS else None
    if found is None:
        raise QueryError(f"no passage with id {passage_id[:80]!r}")
    _, chunk = found
    doc = searcher.documents.get(chunk.doc_id) or {"doc_id": chunk.doc_id}
    citation = with_formats(citation_for(chunk, doc), doc, chunk.doc_id, chunk.chunk_id, root)
    fields = {k: v for k, v in citation.items() if k not in ("formats", "permalink")}
    metadata = {
        "doc_id": chunk.doc_id,
        "lang": chunk.lang,
        "date": doc.get("date") or None,
        **fields,
        **citation["formats"],
    }
    return {
        "id": chunk.chunk_id,
        "title": title_of(citation),
        "text": chunk.text,
        "url": citation["permalink"],
        "metadata": metadata,
    }


def documents(searcher: Searcher, show_paths: bool) -> dict[str, Any]:
    """What the index holds, as ``python -m search docs list --json`` lists it (without the
    server's file paths unless ``show_paths``)."""
    docs = listing(searcher.store)  # type: ignore[arg-type]
    if not show_paths:
        docs = [{k: v for k, v in d.items() if k not in PRIVATE_FIELDS} for d in docs]
    return {"documents": docs, "count": len(docs)}


def quotable(answer: dict[str, Any]) -> str:
    """The answer as text to quote: a heading line, then each passage with its citation line
    and link (weak matches marked); passages in the other language after them, if any."""
    results, total = answer["results"], answer.get("total", 0)
    about = "about " if answer.get("total_is_estimate") else ""
    if not results:
        return f"No passages found for {answer['query']!r}."
    first = answer.get("offset", 0) + 1
    good = answer.get("good", 0)
    lines = [
        f"Passages {first}–{first + len(results) - 1} of {about}{total} for "
        f"{answer['query']!r}; {good} good match{'' if good == 1 else 'es'}."
    ]
    if not good:
        lines.append("No good answer for this query: these passages are weak matches.")
    lines += [block(r) for r in results]
    other = answer.get("other_language")
    if isinstance(other, list) and other and all(isinstance(r, dict) for r in other):
        lines.append("In the other language:")
        lines += [block(r) for r in other if "citation" in r]
    return "\n\n".join(lines)


def block(result: dict[str, Any]) -> str:
    """One passage: ``[rank] title — section (lang, weak match)``, its text, its citation."""
    citation = result["citation"]
    weak = ", weak match" if result.get("match") == "weak" else ""
    head = f"[{result.get('rank', '-')}] {title_of(citation)} ({result.get('lang', '')}{weak})"
    text = " ".join(str(result.get("text", "")).split())
    return f"{head}\n{text}\nCitation: {citation.get('text', '')}. {citation.get('permalink', '')}"
