"""The detector: merging, offsets into the original text, typed placeholders, bad input."""

from __future__ import annotations

import pytest

from anonymiser.detect import MAX_TEXT_CHARS, TextTooLong, detect, merge_spans
from anonymiser.spans import Span
from anonymiser.text import scrub


def test_overlapping_spans_merge_and_the_validated_label_wins() -> None:
    merged = merge_spans([Span(0, 10, "PERSON"), Span(5, 15, "PHONE"), Span(20, 25, "DATE")])
    assert merged == [Span(0, 15, "PHONE", 1.0, ""), Span(20, 25, "DATE")]


def test_spans_point_into_the_original_text_through_obfuscation() -> None:
    text = "Bel haar op 0475\u200b12\u00a034\u00a056 of mail naar x.y[at]mail(dot)be."
    spans = detect(text)
    got = {text[s.start : s.end]: s.label for s in spans}
    assert got["0475\u200b12\u00a034\u00a056"] == "PHONE"
    assert got["x.y[at]mail(dot)be"] == "EMAIL"


def test_scrub_replaces_with_typed_placeholders() -> None:
    result = scrub("De genaamde ZHANG Li, geboren op 02/06/1990, GSM 0488 61 27 90.")
    assert result.text == "De genaamde [PERSON], geboren op [DATE_OF_BIRTH], GSM [PHONE]."
    assert result.counts() == {"PERSON": 1, "DATE_OF_BIRTH": 1, "PHONE": 1}


@pytest.mark.parametrize("text", ["", "   ", "\n\n", "\x00\x01\x02"])
def test_empty_and_blank_text(text: str) -> None:
    assert scrub(text).text == text


def test_binary_junk_and_replacement_characters_do_not_crash() -> None:
    junk = bytes(range(256)).decode("utf-8", errors="replace") * 20
    result = scrub(junk)
    assert isinstance(result.text, str)
    invalid = b"GSM 0475 12 34 56 \xff\xfe\xc3\x28 naam".decode("utf-8", errors="replace")
    assert "[PHONE]" in scrub(invalid).text


def test_a_megabyte_of_text_is_scrubbed_completely() -> None:
    unit = "Op 12/03/2024 belde ZHANG Li naar 0488 61 27 90 vanuit Antwerpen. "
    text = unit * (1_000_000 // len(unit) + 1)
    result = scrub(text)
    assert "0488" not in result.text and "ZHANG" not in result.text
    assert result.counts()["PHONE"] == text.count("0488 61 27 90")


def test_over_the_limit_is_a_clear_error() -> None:
    with pytest.raises(TextTooLong, match="over the limit"):
        detect("a" * (MAX_TEXT_CHARS + 1))


def test_a_span_carries_no_value() -> None:
    span = detect("GSM 0475 12 34 56")[0]
    assert set(span.as_dict()) == {"start", "end", "label"}
    assert "0475" not in repr(span)
