import pytest

from search.ingest.align import Aligner
from search.ingest.chunk import ChunkSizes, chunk_document, sentence_spans, split_spans, units
from search.types import Article, CleanDocument, Paragraph


@pytest.mark.parametrize(
    ("text", "n"),
    [
        ("国家标准委", 5 / 1.44),
        ("IEEE 802.3cz-2023 standard", 3),
        ("发布 IEEE 802.3cz-2023 标准", 2 + 4 / 1.44),
        ("", 0),
    ],
)
def test_units(text: str, n: float) -> None:
    assert units(text) == pytest.approx(n)


@pytest.mark.parametrize(
    ("text", "pieces"),
    [
        ("第一句。第二句！第三句？", ["第一句。", "第二句！", "第三句？"]),
        ("要求如下：一是标准；二是认证。", ["要求如下：一是标准；", "二是认证。"]),
        ("“引文。”后文。", ["“引文。”", "后文。"]),
        ("One sentence. Another one! A third? ", ["One sentence.", "Another one!", "A third?"]),
        ("Version 802.3cz was adopted. Next.", ["Version 802.3cz was adopted.", "Next."]),
        ("no end", ["no end"]),
    ],
)
def test_sentence_spans(text: str, pieces: list[str]) -> None:
    assert [text[a:b] for a, b in sentence_spans(text)] == pieces


def test_split_spans_keep_sentences_whole_and_under_the_limit() -> None:
    text = "".join(f"这是第{i}个句子，内容关于标准化工作。" for i in range(30))
    parts = [text[a:b] for a, b in split_spans(text, 60)]
    assert len(parts) > 1
    assert "".join(parts) == text
    assert all(units(p) <= 60 for p in parts)
    assert all(p.endswith("。") for p in parts)


def _doc(source: str, paras: list[tuple[str, int]]) -> CleanDocument:
    out, pos = [], 0
    for text, article in paras:
        start = source.index(text, pos)
        out.append(Paragraph(text, start, start + len(text), article))
        pos = start + len(text)
    arts = tuple(Article(i, f"Heading {i}") for i in sorted({a for _, a in paras}))
    return CleanDocument(tuple(out), arts)


def test_chunks_never_cross_articles_and_merge_tiny_neighbours() -> None:
    paras = [("短段落一。", 0), ("短段落二。", 0), ("另一篇文章的短段落。", 1)]
    source = "\n\n".join(t for t, _ in paras)
    chunks = chunk_document("d", source, _doc(source, paras), ChunkSizes(160, 50))
    assert [c.heading for c in chunks] == ["Heading 0", "Heading 1"]
    assert chunks[0].text == "短段落一。\n短段落二。"
    assert (chunks[0].para_start, chunks[0].para_end) == (1, 2)
    assert (chunks[1].para_start, chunks[1].para_end) == (3, 3)


def test_long_paragraph_split_with_source_offsets() -> None:
    body = "".join(f"第{i}项标准规定了产品的要求。" for i in range(40))
    source = "前言\n\n" + body + "\n"
    chunks = chunk_document("d", source, _doc(source, [(body, 0)]), ChunkSizes(80, 20))
    assert len(chunks) > 1
    assert all(c.para_start == c.para_end == 1 for c in chunks)
    for c in chunks:
        assert source[c.char_start : c.char_end] == c.text
    assert chunks[0].char_start == source.index(body)
    assert chunks[-1].char_end == source.index(body) + len(body)


def test_chunk_ids_are_stable_and_ordered() -> None:
    paras = [("Paragraph one is here with words.", 0), ("Paragraph two.", 1)]
    source = "\n\n".join(t for t, _ in paras)
    first = chunk_document("doc", source, _doc(source, paras))
    again = chunk_document("doc", source, _doc(source, paras))
    assert [c.chunk_id for c in first] == ["doc-0000", "doc-0001"] == [c.chunk_id for c in again]


def test_aligner_maps_text_with_removed_line_breaks() -> None:
    source = "开头\n\n国家标准\n\n委员会成立\n"
    text = "国家标准委员会成立"
    start = source.index("国")
    a = Aligner(source, start, len(source))
    s, e = a.span(text, 4, len(text))
    assert source[s:e] == "委员会成立"


ONE_LINERS = {
    "en": [f"Line {i} says the committee met in city number {i} last year." for i in range(40)],
    "zh": [f"第{i}行：委员会去年在第{i}号城市开会。" for i in range(40)],  # same content
}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_one_line_paragraphs_become_passages_of_a_few_lines(lang: str) -> None:
    paras = [(t, 0) for t in ONE_LINERS[lang]]
    source = "\n\n".join(t for t, _ in paras)
    chunks = chunk_document("d", source, _doc(source, paras))
    lines = [c.text.count("\n") + 1 for c in chunks]
    assert 3 <= max(lines) <= 6  # not one block of twenty lines, not single lines
    assert sum(lines) == 40


def test_paragraph_sizes_are_comparable_across_languages() -> None:
    """The same content chunks alike in Chinese and English (measured in fair units)."""
    sizes = {}
    for lang, lines in ONE_LINERS.items():
        paras = [(t, 0) for t in lines]
        source = "\n\n".join(t for t, _ in paras)
        chunks = chunk_document("d", source, _doc(source, paras))
        sizes[lang] = sum(units(c.text) for c in chunks) / len(chunks)
    longest_line = max(units(t) for lines in ONE_LINERS.values() for t in lines)
    assert abs(sizes["en"] - sizes["zh"]) <= longest_line  # differ by less than one line


def test_five_sentence_paragraphs_stay_single_in_both_languages() -> None:
    en = " ".join(
        f"Sentence {i} of the paragraph explains a rule of the standard." for i in range(5)
    )
    zh = "".join(f"本段第{i}句解释了该标准的一项规则。" for i in range(5))
    for text in (en, zh):
        paras = [(text, 0), (text.replace("1", "7"), 0)]
        source = "\n\n".join(t for t, _ in paras)
        assert len(chunk_document("d", source, _doc(source, paras))) == 2
