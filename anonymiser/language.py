"""Decide the language of a text and of each of its sentences, offline, from function words.

Case narratives are short, full of names and numbers, and often mix languages (a Dutch report that
quotes a French statement). A count of each language's most frequent function words per sentence is
fast, needs no model, and is right on such texts far more often than character n-gram models trained
on long web text. Sentences too short to decide take the language of the whole text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from anonymiser.recognizers.base import Sentence

LANGUAGES = ("nl", "fr", "en", "de")

_FUNCTION_WORDS: dict[str, frozenset[str]] = {
    "nl": frozenset(
        [
            "de",
            "het",
            "een",
            "en",
            "van",
            "in",
            "op",
            "te",
            "dat",
            "die",
            "is",
            "zijn",
            "was",
            "werd",
            "wordt",
            "met",
            "voor",
            "niet",
            "aan",
            "er",
            "door",
            "bij",
            "naar",
            "om",
            "ook",
            "als",
            "maar",
            "uit",
            "zij",
            "hij",
            "wij",
            "ze",
            "we",
            "zich",
            "heeft",
            "hebben",
            "had",
            "nog",
            "geen",
            "over",
            "kan",
            "zou",
            "dan",
            "deze",
            "dit",
            "wat",
            "wie",
            "waar",
            "hier",
            "onder",
            "na",
            "tegen",
            "tussen",
            "verklaart",
            "verklaarde",
            "woont",
            "genaamde",
            "geboren",
            "werkt",
            "werken",
            "gekend",
            "betrokkene",
            "slachtoffer",
            "verdachte",
            "haar",
            "hem",
            "ons",
            "mij",
            "ik",
            "jij",
            "u",
            "zegt",
            "wordt",
            "worden",
            "sinds",
            "tijdens",
            "alle",
            "elke",
            "dagen",
            "per",
            "uur",
        ]
    ),
    "fr": frozenset(
        [
            "le",
            "la",
            "les",
            "un",
            "une",
            "des",
            "du",
            "de",
            "et",
            "est",
            "sont",
            "été",
            "était",
            "dans",
            "sur",
            "pour",
            "par",
            "avec",
            "pas",
            "que",
            "qui",
            "il",
            "elle",
            "ils",
            "elles",
            "nous",
            "vous",
            "au",
            "aux",
            "ce",
            "cette",
            "ces",
            "son",
            "sa",
            "ses",
            "leur",
            "se",
            "ne",
            "plus",
            "ou",
            "mais",
            "chez",
            "selon",
            "déclare",
            "déclarent",
            "né",
            "née",
            "domicilié",
            "domiciliée",
            "travaille",
            "travaillait",
            "avait",
            "ont",
            "a",
            "lors",
            "après",
            "avant",
            "sans",
            "entre",
            "vers",
            "dont",
            "être",
            "avoir",
            "fait",
            "jour",
            "jours",
            "heures",
        ]
    ),
    "en": frozenset(
        [
            "the",
            "a",
            "an",
            "and",
            "of",
            "in",
            "on",
            "to",
            "that",
            "this",
            "is",
            "are",
            "was",
            "were",
            "be",
            "been",
            "with",
            "for",
            "not",
            "at",
            "by",
            "from",
            "she",
            "he",
            "they",
            "we",
            "it",
            "her",
            "his",
            "their",
            "has",
            "have",
            "had",
            "who",
            "which",
            "as",
            "but",
            "or",
            "into",
            "about",
            "after",
            "before",
            "said",
            "says",
            "lives",
            "worked",
            "works",
            "born",
            "called",
            "named",
            "during",
            "since",
            "would",
            "could",
        ]
    ),
    "de": frozenset(
        [
            "der",
            "die",
            "das",
            "ein",
            "eine",
            "und",
            "ist",
            "sind",
            "war",
            "wurde",
            "werden",
            "mit",
            "für",
            "nicht",
            "auf",
            "zu",
            "dem",
            "den",
            "des",
            "im",
            "in",
            "von",
            "bei",
            "sie",
            "er",
            "wir",
            "es",
            "ihr",
            "ihre",
            "sein",
            "seine",
            "hat",
            "haben",
            "hatte",
            "als",
            "auch",
            "nach",
            "aus",
            "über",
            "unter",
            "wohnhaft",
            "geboren",
            "arbeitet",
            "arbeitete",
            "laut",
            "gegen",
            "seit",
            "wird",
            "wurden",
            "einer",
        ]
    ),
}
# Words shared by several languages ("de", "in", "die") count for each; that is fine, the
# distinctive ones decide.

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_SENTENCE_END = re.compile(r"(?<=[.!?:;])\s+(?=[\"'«(]?[A-ZÀ-ÖØ-Þ])|\n+")


# each function word with the languages it belongs to: one lookup per word
_LANGS_OF: dict[str, tuple[str, ...]] = {}
for _lang, _words in _FUNCTION_WORDS.items():
    for _word in _words:
        _LANGS_OF[_word] = (*_LANGS_OF.get(_word, ()), _lang)


def word_votes(text: str) -> dict[str, int]:
    votes = dict.fromkeys(LANGUAGES, 0)
    langs_of = _LANGS_OF
    for word in _WORD.findall(text.lower()):
        for lang in langs_of.get(word, ()):
            votes[lang] += 1
    return votes


def _decide(votes: dict[str, int], default: str, minimum: int = 1) -> str:
    ranked = sorted(votes.values(), reverse=True)
    if ranked[0] < minimum or ranked[0] == ranked[1]:
        return default
    return max(LANGUAGES, key=lambda lang: votes[lang])


def detect_language(text: str, default: str = "nl") -> str:
    """The most likely of nl, fr, en, de for ``text`` (``default`` when nothing decides)."""
    return _decide(word_votes(text), default)


def _sentence_bounds(text: str) -> Iterator[tuple[int, int]]:
    start = 0
    for m in _SENTENCE_END.finditer(text):
        if m.start() > start:
            yield start, m.start()
        start = m.end()
    if start < len(text):
        yield start, len(text)


def split_sentences(text: str, hint: str | None = None) -> tuple[str, tuple[Sentence, ...]]:
    """The language of the whole text and each sentence with its own language.

    Votes are counted once per sentence; the whole text's votes are their sum.
    """
    bounds = list(_sentence_bounds(text))
    votes = [word_votes(text[start:end]) for start, end in bounds]
    if hint in LANGUAGES:
        whole = str(hint)
    else:
        total = dict.fromkeys(LANGUAGES, 0)
        for v in votes:
            for lang, n in v.items():
                total[lang] += n
        whole = _decide(total, "nl")
    sentences = tuple(
        Sentence(start, end, _decide(v, whole, minimum=2))
        for (start, end), v in zip(bounds, votes, strict=True)
    )
    return whole, sentences
