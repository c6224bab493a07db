"""A query, analysed once: everything later stages read about the text the user typed.

:class:`Analyser` holds what analysis needs from the index (its vocabulary and its restricted
bilingual dictionary) and turns a validated request into a :class:`Query`. No stage after it
segments, stems, detects a language or looks a word up again.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from search.config import DEFAULT_RANKING, RankingConfig
from search.rank.answer import count_targets
from search.rank.answer_kind import question_kind
from search.rank.filters import NO_FILTERS, Filters
from search.rank.marks import Marks, marks
from search.rank.relevance import QueryTerms, query_coverage, query_terms
from search.text.dictionary import BilingualDictionary, concept_groups, flatten
from search.text.lang import detect_lang
from search.text.query_form import encoder_text, query_form
from search.text.senses import choose as choose_senses
from search.text.terms import (
    chinese_phrases,
    identifiers,
    neutral_terms,
    terms,
)

Targets = tuple[list[str], list[str]]  # what a counting question counts: English stems, Chinese


@dataclass(frozen=True)
class Query:
    """One analysed query. ``text`` is the validated query; the rest is derived from it."""

    text: str  # as the user typed it (trimmed)
    form: str  # its matching form (search/text/query_form.py): what every matcher sees
    k: int
    lang_filter: str | None  # only passages in this language (None: any)
    method: str  # dense | keyword | hybrid
    lang: str  # the language the query is written in: zh | en
    words: list[str]  # keyword terms of the query itself (jieba words, English stems)
    identifiers: list[tuple[str, str]]  # (stem, full) compact identifier forms
    translations: list[str]  # terms that match the other language (dictionary, acronyms)
    counted: Targets | None  # a counting question's targets (hybrid only), else None
    marks: Marks  # what highlighting marks in a result
    terms: QueryTerms  # every term with its known translations (relevance: holds all terms?)
    coverage: float  # share of those terms the index knows, itself or translated
    offset: int = 0  # results skipped (paging)
    filters: Filters = NO_FILTERS  # documents and dates searched (empty: all)
    groups: list[frozenset[str]] = field(default_factory=list)  # word + translations, each
    kind: str | None = None  # when / where / who: what the answer states (hybrid only)
    encoder_text: str = ""  # what the encoder reads: the text as typed, case kept

    @property
    def uses_keywords(self) -> bool:
        return self.method in ("keyword", "hybrid")

    @property
    def uses_vectors(self) -> bool:
        return self.method in ("dense", "hybrid")


class Analyser:
    """Analyses queries against one index's vocabulary and dictionary; ``postings`` (the
    store's) lets it choose a word's dictionary senses by the other query words."""

    def __init__(
        self,
        vocabulary: frozenset[str],
        dictionary: BilingualDictionary | None,
        postings: Callable[[list[str]], Mapping[str, frozenset[int]]] | None = None,
    ) -> None:
        self.vocabulary = vocabulary
        self.dictionary = dictionary
        self.postings = postings

    def known(self, term: str) -> bool:
        return term in self.vocabulary

    def __call__(
        self,
        text: str,
        k: int,
        lang_filter: str | None,
        method: str,
        offset: int = 0,
        filters: Filters = NO_FILTERS,
        config: RankingConfig = DEFAULT_RANKING,
    ) -> Query:
        form = query_form(text)
        qterms = query_terms(terms(form), self.translate)
        phrases = chinese_phrases(form)
        words = terms(form, with_ids=False)
        translations = self.translations(form, phrases, config) if method != "dense" else []
        wants_groups = method == "keyword" or bool(config.coverage_weight or config.learned_fusion)
        counted = None
        if method == "hybrid":
            counted = count_targets(form, self.dictionary, self.known)
        return Query(
            text=text,
            form=form,
            k=k,
            lang_filter=lang_filter,
            method=method,
            lang=detect_lang(form),
            words=words if method != "dense" else [],
            identifiers=identifiers(form),
            translations=translations,
            counted=counted,
            marks=self.marks(form, phrases, words, translations, method),
            terms=qterms,
            coverage=query_coverage(qterms, self.known),
            offset=offset,
            filters=filters,
            groups=concept_groups(form, self.dictionary, self.known) if wants_groups else [],
            kind=question_kind(form) if method == "hybrid" and counted is None else None,
            encoder_text=encoder_text(text, form),
        )

    def marks(
        self, form: str, phrases: list[str], words: list[str], translations: list[str], method: str
    ) -> Marks:
        """What highlighting marks (search/rank/marks.py); translated phrases as the
        dictionary glosses the query's Chinese words (not for dense-only search, which
        translates nothing)."""
        glosses = self.dictionary.zh_en if self.dictionary and method != "dense" else None
        return marks(form, phrases, translations, words, glosses)

    def translate(self, term: str) -> list[str]:
        """A single term's translations this index knows (for the relevance check)."""
        d = self.dictionary
        if d is None:
            return []
        return (
            d.to_chinese(term, self.known) if term.isascii() else d.to_english([term], self.known)
        )

    def translations(self, form: str, phrases: list[str], config: RankingConfig) -> list[str]:
        """Keyword terms for the query ``form`` that can match passages in the other
        language: dictionary translations (with more senses to choose from than to keep,
        those the index uses with the other query words: search/text/senses.py), plus the
        script-neutral tokens both languages write alike (acronyms such as IEC or ESG,
        numbers such as 2023)."""
        d = self.dictionary
        if d is None:
            return [t for t in neutral_terms(form) if self.known(t)]
        out = [t for t in neutral_terms(form, d.is_word) if self.known(t)]
        pool, keep = config.sense_pool, config.senses_kept
        if phrases:
            senses = d.english_senses(phrases, self.known, per_word=pool)
        else:
            senses = d.chinese_senses(form, self.known, per_phrase=pool)
        if pool > keep and self.postings is not None:
            words = sorted({t for word in senses for sense in word for t in sense})
            senses = choose_senses(senses, self.postings(words), keep)
        return out + flatten(senses)
