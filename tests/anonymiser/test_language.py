"""Language per text and per sentence, without a model."""

from __future__ import annotations

import pytest

from anonymiser.language import detect_language, split_sentences


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("De genaamde verklaart dat zij zeven dagen op zeven werkt en bij de uitbaatster slaapt.", "nl"),
        ("Elle déclare être payée 50 € par jour et loger avec cinq collègues dans une cave.", "fr"),
        ("She said that the madam took her passport and that she had to pay a debt.", "en"),
        ("Sie gab an, dass sie seit drei Monaten in der Bar arbeitet und nicht bezahlt wurde.", "de"),
    ],
)
def test_detects_the_language(text: str, lang: str) -> None:
    assert detect_language(text) == lang


def test_decides_per_sentence_in_a_mixed_text() -> None:
    text = (
        "Het slachtoffer verklaart het volgende. "
        "Je travaillais pour le patron et il ne me payait pas. "
        "Zij heeft geen documenten."
    )
    whole, sentences = split_sentences(text)
    assert whole == "nl"
    assert [s.lang for s in sentences] == ["nl", "fr", "nl"]


def test_too_short_to_tell_takes_the_text_language() -> None:
    _, sentences = split_sentences("Zij werkt in de bar en zij woont er ook. OK.", None)
    assert [s.lang for s in sentences] == ["nl", "nl"]


def test_a_hint_wins_for_the_whole_text() -> None:
    assert split_sentences("1234 5678", "fr")[0] == "fr"
