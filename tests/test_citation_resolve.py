"""Every citation of every chunk resolves to the passage in the original file, for every reader.

Property-style: each seed generates a corpus of random bilingual documents in every format
(plain text in several encodings and line ends, Markdown with Chinese outline headings, HTML
with boilerplate and entities, multi-page PDF, Word with tables and empty paragraphs), builds it
with the small test encoder, and checks every chunk against the file, read independently of the
readers (raw bytes, a tag stripper, pdfminer per page, python-docx).
"""

from __future__ import annotations

import html
import random
import re
from pathlib import Path

import docx
import pytest
from docx.table import Table
from pdfminer.high_level import extract_text

from search.build import build
from search.store import Store
from search.types import Chunk
from tests.docmaker import make_docx, make_pdf

ZH = list("标准委员会发布数据安全评估办法国家网信部门负责全国工作")
ZH += list("电池热失控起火爆炸测试方法结果材料焊接")
EN = ["standard", "committee", "battery", "cells", "fire", "minutes", "testing", "hydrogen"]
EN += ["pipeline", "safety", "rules", "materials", "welding", "data", "export", "report"]
ENCODINGS = ["utf-8", "utf-8-sig", "gb18030", "utf-16"]


def sentence(rng: random.Random, lang: str) -> str:
    if lang == "zh":
        return "".join(rng.choice(ZH) for _ in range(rng.randint(6, 30))) + "。"
    words = [rng.choice(EN) for _ in range(rng.randint(4, 18))]
    return " ".join(words).capitalize() + "."


def paragraph(rng: random.Random, lang: str) -> str:
    return ("" if lang == "zh" else " ").join(sentence(rng, lang) for _ in range(rng.randint(1, 6)))


def wrap(text: str, rng: random.Random) -> str:
    """Hard-wrap a paragraph at random places (between words for English)."""
    width = rng.randint(20, 60)
    if " " not in text:
        return "\n".join(text[i : i + width] for i in range(0, len(text), width))
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + len(word) > width:
            lines.append(line)
            line = ""
        line = f"{line} {word}".strip()
    return "\n".join([*lines, line])


def make_corpus(folder: Path, seed: int) -> dict[str, str]:
    """Write one file per format; returns file name -> encoding for text files."""
    rng = random.Random(seed)
    encodings: dict[str, str] = {}
    for n, encoding in enumerate(ENCODINGS):
        lang = rng.choice(["zh", "en"])
        blocks = [sentence(rng, lang).rstrip("。.")]
        for _ in range(rng.randint(2, 7)):
            if lang == "zh" and rng.random() < 0.3:
                number = rng.choice(["二、", "（一）", "第三章 "])
                blocks.append(number + "".join(rng.sample(ZH, 5)))
            blocks.append(wrap(paragraph(rng, lang), rng))
        newline = rng.choice(["\n", "\r\n"])
        text = "\n\n".join(blocks).replace("\n", newline)
        name = f"plain-{n}.{'md' if n % 2 else 'txt'}"
        (folder / name).write_bytes(text.encode(encoding))
        encodings[name] = encoding
    md = [f"# {sentence(rng, 'en')[:-1]}"]
    for _ in range(rng.randint(2, 5)):
        md += [f"## {rng.choice(EN).title()}", wrap(paragraph(rng, "en"), rng)]
    (folder / "notes.md").write_text("\n\n".join(md), encoding="utf-8")
    encodings["notes.md"] = "utf-8"
    lang = rng.choice(["zh", "en"])
    paras = [paragraph(rng, lang) + " R&D <ok>" for _ in range(rng.randint(2, 6))]
    blocks = [f"<p>{html.escape(p)}</p>" for p in paras]
    cells = [[rng.choice(EN) for _ in range(3)] for _ in range(3)]
    rows = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in cells)
    blocks.insert(rng.randint(0, len(blocks)), f"<table>{rows}</table>")
    if rng.random() < 0.5:  # an entity-encoded paragraph: &#x4e2d; &nbsp; &quot;
        blocks.append("<p>&#x6807;&#x51c6;&nbsp;&quot;quoted&quot; words and more words.</p>")
    newline = rng.choice(["\n", "\r\n"])
    (folder / "page.html").write_bytes(
        (
            f'<html lang="{lang}"><head><title>T</title><script>var a = "<p>x</p>";</script>'
            f"</head><body><nav><a href='/'>Home</a> | <a href='/a'>About</a></nav>"
            f"<article><h1>{sentence(rng, lang)[:-1]}</h1>{newline}"
            + newline.join(blocks)
            + "</article><footer>Contact us</footer></body></html>"
        ).encode("utf-8")
    )
    pages = [
        [sentence(rng, "en")[:-1]] + [paragraph(rng, rng.choice(["zh", "en"])) for _ in range(3)]
        for _ in range(rng.randint(2, 3))
    ]
    make_pdf(folder / "report.pdf", pages)
    blocks: list[tuple[str, object]] = [("h1", sentence(rng, "en")[:-1])]
    for _ in range(rng.randint(3, 7)):
        kind = rng.choice(["p", "p", "p", "empty", "table", "h2"])
        if kind == "p":
            blocks.append(("p", paragraph(rng, rng.choice(["zh", "en"]))))
        elif kind == "empty":
            blocks.append(("p", ""))
        elif kind == "h2":
            blocks.append(("h2", rng.choice(EN).title()))
        else:
            blocks.append(("table", [[rng.choice(EN) for _ in range(2)] for _ in range(2)]))
    make_docx(folder / "memo.docx", blocks)
    return encodings


def squash(text: str) -> str:
    return "".join(text.split())


def visible(markup: str) -> str:
    markup = re.sub(r"<script\b.*?</script>|<[^>]*>", "", markup, flags=re.S | re.I)
    return html.unescape(markup)


def subsequence(needle: str, hay: str) -> bool:
    it = iter(hay)
    return all(ch in it for ch in needle)


def assert_close(passage: str, span: str, where: str, slack: float = 0.0) -> None:
    """``span`` holds the passage: the same characters (whitespace aside), or with ``slack``
    the passage's characters in order, same first and last, few extra (page furniture)."""
    want, got = squash(passage), squash(span)
    if not slack:
        assert got == want, where
        return
    assert got[:1] == want[:1] and got[-1:] == want[-1:], where
    assert subsequence(want, got), where
    assert len(got) <= len(want) * (1 + slack) + 12, where


def pdf_span(path: Path, c: Chunk) -> str:
    pages = [extract_text(path, page_numbers=[n - 1]) for n in range(c.page, c.page_end + 1)]
    if len(pages) == 1:
        return pages[0][c.char_start : c.char_end]
    return pages[0][c.char_start :] + "".join(pages[1:-1]) + pages[-1][: c.char_end]


def docx_span(path: Path, c: Chunk) -> str:
    items = list(docx.Document(str(path)).iter_inner_content())

    def text(item: object) -> str:
        if isinstance(item, Table):
            return "\n".join(" | ".join(cell.text for cell in row.cells) for row in item.rows)
        return item.text  # type: ignore[attr-defined]

    chosen = [text(items[n - 1]) for n in range(c.block, c.block_end + 1)]
    if len(chosen) == 1:
        return chosen[0][c.char_start : c.char_end]
    return "\n".join([chosen[0][c.char_start :], *chosen[1:-1], chosen[-1][: c.char_end]])


@pytest.mark.parametrize("seed", range(6))
def test_every_citation_resolves_to_the_original(tmp_path: Path, seed: int) -> None:
    src = tmp_path / "src"
    src.mkdir()
    encodings = make_corpus(src, seed)
    summary = build([src], tmp_path / "index", "hashing:64")
    assert summary.skipped == []
    store = Store.open(tmp_path / "index")
    checked = set()
    for doc in store.documents():
        path = Path(doc["path"])
        for c in store.document_chunks(doc["doc_id"]):
            where = f"{path.name} chunk {c.ordinal}: {c.text[:40]!r} at {c.char_start}"
            suffix = path.suffix
            if suffix in (".txt", ".md"):
                raw = path.read_bytes().decode(encodings[path.name]).removeprefix("\ufeff")
                assert_close(c.text, raw[c.char_start : c.char_end], where)
                assert c.page is None and c.block is None
            elif suffix == ".html":
                raw = path.read_bytes().decode("utf-8")
                span = visible(raw[c.char_start : c.char_end])
                assert_close(c.text.replace(" | ", " "), span, where)
            elif suffix == ".pdf":
                assert 1 <= c.page <= c.page_end
                assert_close(c.text, pdf_span(path, c), where, slack=0.1)
            else:
                assert 1 <= c.block <= c.block_end
                assert_close(c.text.replace(" | ", " "), docx_span(path, c).replace("|", ""), where)
            checked.add(suffix)
    assert checked == {".txt", ".md", ".html", ".pdf", ".docx"}
