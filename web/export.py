"""Export of selected results: Markdown (citations as footnotes), BibTeX and RIS."""

from __future__ import annotations

import re
from typing import Any

from search.citation import citation_for
from search.searcher import Searcher

EXPORTS = {
    "md": "text/markdown",
    "bib": "application/x-bibtex",
    "ris": "application/x-research-info-systems",
}


def records(searcher: Searcher, ids: list[str], root: str) -> list[dict[str, Any]]:
    """The passages called ``ids`` (unknown ids skipped) with their linked citations."""
    out = []
    for chunk_id in dict.fromkeys(ids):
        found = searcher.store.chunk_by_id(chunk_id) if len(chunk_id) <= 200 else None
        if found is None:
            continue
        chunk = found[1]
        doc = searcher.documents.get(chunk.doc_id, {})
        cite = citation_for(chunk, doc, root)
        out.append({"chunk": chunk, "doc": doc, "citation": cite})
    return out


def markdown(items: list[dict[str, Any]]) -> str:
    lines = ["# Selected passages", ""]
    for i, item in enumerate(items, start=1):
        c, chunk = item["citation"], item["chunk"]
        lines += [
            f"## {chunk.heading or c['title']}",
            "",
            f"> {' '.join(chunk.text.split())}[^{i}]",
            "",
        ]
    lines += [
        f"[^{i}]: {item['citation']['formats']['chicago']}" for i, item in enumerate(items, 1)
    ]
    return "\n".join(lines) + "\n"


def _bib_escape(text: str) -> str:
    return re.sub(r"([{}%&$#_])", r"\\\1", str(text))


def bibtex(items: list[dict[str, Any]]) -> str:
    out = []
    for item in items:
        c, doc, chunk = item["citation"], item["doc"], item["chunk"]
        key = re.sub(r"[^A-Za-z0-9]+", "-", chunk.chunk_id).strip("-")
        fields = {
            "title": chunk.heading or c["title"],
            "journal": c["title"],
            "publisher": doc.get("publisher"),
            "year": str(doc.get("date") or "")[:4] or None,
            "number": doc.get("issue"),
            "pages": c.get("page"),
            "url": c["permalink"],
            "note": f"{c['paragraph']}"
            + (f"; original source: {c['source_url']}" if c.get("source_url") else ""),
            "language": "chinese" if chunk.lang == "zh" else "english",
        }
        body = ",\n".join(
            f"  {k} = {{{_bib_escape(v)}}}" for k, v in fields.items() if v not in (None, "")
        )
        out.append(f"@article{{{key},\n{body}\n}}")
    return "\n\n".join(out) + "\n"


def ris(items: list[dict[str, Any]]) -> str:
    out = []
    for item in items:
        c, doc, chunk = item["citation"], item["doc"], item["chunk"]
        tags = [
            ("TY", "JOUR"),
            ("TI", chunk.heading or c["title"]),
            ("T2", c["title"]),
            ("PB", doc.get("publisher")),
            ("PY", str(doc.get("date") or "")[:4] or None),
            ("IS", doc.get("issue")),
            ("SP", c.get("page")),
            ("UR", c["permalink"]),
            ("N1", c["paragraph"]),
            ("N1", c.get("source_url")),
            ("LA", chunk.lang),
            ("ER", ""),
        ]
        out.append(
            "\n".join(f"{tag}  - {value}".rstrip() for tag, value in tags if value is not None)
        )
    return "\n".join(out) + "\n"


WRITERS = {"md": markdown, "bib": bibtex, "ris": ris}


def export(searcher: Searcher, ids: list[str], fmt: str, root: str) -> tuple[str, str, str]:
    """(body, media type, file name) of the passages ``ids`` in format ``fmt``."""
    items = records(searcher, ids, root)
    return WRITERS[fmt](items), EXPORTS[fmt], f"citations.{fmt}"
