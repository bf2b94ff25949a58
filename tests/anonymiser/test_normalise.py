"""Normalisation undoes obfuscation and keeps every character mapped to the original."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from anonymiser.normalise import normalise


@pytest.mark.parametrize(
    ("original", "normalised"),
    [
        ("0475\u200b12 34 56", "047512 34 56"),
        ("0475\u00a012\u202f34", "0475 12 34"),
        ("＋３２ ４７５", "+32 475"),
        ("jan.peeters[at]gmail(dot)com", "jan.peeters@gmail.com"),
        ("jan.peeters (at) gmail (dot) com", "jan.peeters@gmail.com"),
        ("jan.peeters at gmail dot com", "jan.peeters@gmail.com"),
        ("mail naar j.smit {AT} telenet [punt] be", "mail naar j.smit@telenet.be"),
        ("zero four seven five one two three four", "04751234"),
        ("nul vier zeven vijf 12 34 56", "0475 12 34 56"),
        ("zéro quatre sept cinq, douze", "0475, douze"),
        ("null vier sieben fünf", "0475"),
        ("Gr\u00adoß\u00adstadt", "Großstadt"),
        ("\ufb01nal", "final"),
    ],
)
def test_undoes_obfuscation(original: str, normalised: str) -> None:
    assert normalise(original).text == normalised


@pytest.mark.parametrize(
    "text",
    [
        "drie vrouwen werken zeven dagen op zeven",
        "she is at home with one of her two children",
        "We were at the station at nine",
        "un deux trois",
    ],
)
def test_leaves_ordinary_text_alone(text: str) -> None:
    assert normalise(text).text == text


def test_maps_back_to_the_original_characters() -> None:
    original = "bel 0475\u200b12 34 56 of mail x[at]y.be"
    norm = normalise(original)
    start = norm.text.index("047512")
    s, e = norm.to_original(start, start + len("047512 34 56"))
    assert original[s:e] == "0475\u200b12 34 56"
    at = norm.text.index("@")
    s, e = norm.to_original(at, at + 1)
    assert original[s:e] == "[at]"


@given(st.text(max_size=200))
def test_every_normalised_character_maps_inside_the_original(text: str) -> None:
    norm = normalise(text)
    assert len(norm.starts) == len(norm.ends) == len(norm.text)
    for start, end in zip(norm.starts, norm.ends, strict=True):
        assert 0 <= start < end <= len(text)
    assert list(norm.starts) == sorted(norm.starts)


@pytest.mark.parametrize(
    ("original", "normalised"),
    [
        ("plus three two, four eight five, one six", "+3248516"),
        ("plus trois deux quatre sept cinq", "+32475"),
        ("1\u2011KPR\u2011446", "1-KPR-446"),
        ("0484\u202719\u202727\u202760", "0484.19.27.60"),
        ("ES45  8993   0272", "ES45 8993 0272"),
    ],
)
def test_look_alikes_plus_and_space_runs(original: str, normalised: str) -> None:
    assert normalise(original).text == normalised


def test_plus_in_prose_is_left_alone() -> None:
    assert normalise("plus de trois jours et plus one more").text == "plus de trois jours et plus one more"
