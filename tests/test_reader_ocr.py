"""OCR for scanned PDFs: a generated image-only PDF in each language is read, with pages."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from search.build import build
from search.citation import citation_for
from search.embed.hashing import HashingEncoder
from search.errors import SourceError
from search.ingest.formats import read_source
from search.ingest.formats.ocr import available, tidy
from search.store import Store
from tests import needs
from tests.docmaker import make_scanned_pdf, make_scanned_text_pdf

EN_PAGES = [
    [
        "Hydrogen pipeline safety rules",
        "Operators must test every weld",
        "before the pipeline opens.",
    ],
    ["Second page of the rules", "Leak detection runs every hour."],
]
ZH_PAGES = [["数据出境安全评估办法", "国家网信部门负责全国数据出境", "安全评估工作。"]]


def squash(text: str) -> str:
    return "".join(text.split()).lower()


def test_english_scan_is_read_with_pages(tmp_path: Path) -> None:
    needs.ocr("eng")
    pdf = make_scanned_text_pdf(tmp_path / "scan-en.pdf", EN_PAGES)
    source = read_source(pdf)
    pages = source.text.split("\f")
    assert len(pages) == 2
    assert "operatorsmusttesteveryweld" in squash(pages[0])
    assert "leakdetectionrunseveryhour" in squash(pages[1])
    build([pdf], tmp_path / "index", HashingEncoder(64))
    store = Store.open(tmp_path / "index")
    doc = store.documents()[0]
    chunks = store.document_chunks(doc["doc_id"])
    leak = next(c for c in chunks if "Leak" in c.text)
    cite = citation_for(leak, doc)
    assert (cite["page"], cite["page_end"]) == (2, 2)
    page_text = pages[1]
    assert squash(page_text[cite["char_start"] : cite["char_end"]]) == squash(leak.text)


def test_chinese_scan_is_read_without_spaces_between_characters(tmp_path: Path) -> None:
    needs.ocr("chi_sim")
    pdf = make_scanned_text_pdf(tmp_path / "scan-zh.pdf", ZH_PAGES)
    text = read_source(pdf).text
    assert "国家网信部门负责全国数据出境" in text
    build([pdf], tmp_path / "index", HashingEncoder(64))
    store = Store.open(tmp_path / "index")
    doc = store.documents()[0]
    assert doc["lang"] == "zh"
    assert all(c.page == 1 and c.lang == "zh" for c in store.document_chunks(doc["doc_id"]))


def test_tidy_joins_chinese_characters_only() -> None:
    assert tidy("国 家 标 准 ， 2024 GB 18613\n") == "国家标准， 2024 GB 18613\n"


def test_missing_ocr_extra_is_a_one_line_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pdf = make_scanned_pdf(tmp_path / "scan.pdf")
    monkeypatch.setitem(sys.modules, "pypdfium2", None)  # import fails as if not installed
    assert "pip install 'bilingual-search[ocr]'" in available()
    with pytest.raises(
        SourceError, match=r"scan.pdf: no text layer \(a scanned PDF\?\); OCR is not"
    ):
        read_source(pdf)
