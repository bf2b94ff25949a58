"""The verification gate: every structural problem and residual personal datum is found, by
position and type only, and quickly."""

from __future__ import annotations

import importlib
import json
import time

import pytest

from anonymiser import AnonymousCase, verify, verify_dict
from anonymiser.records import ANONYMOUS_FIELDS
from anonymiser.spans import Span
from anonymiser.verify import DETECTOR_ERROR, Finding, narrative_findings

KEY = "0" * 62 + "a1"
# ``anonymiser.verify`` is the function (exported by the package); the module is fetched by name.
verify_module = importlib.import_module("anonymiser.verify")


def case(**overrides: object) -> AnonymousCase:
    values: dict[str, object] = {
        "record_key": KEY,
        "case_key": "f" * 64,
        "role": "presumed_victim",
        "offence": "both",
        "registered_month": "2024-11",
        "anonymiser_version": "0.1.0",
        "policy_version": "2025.1",
        "exploitation_forms": ("labour", "forced_criminality"),
        "labour_sector": "car_wash",
        "sex": "male",
        "age_band": "21-23",
        "minor_at_exploitation": "no",
        "nationality": "202",
        "province": "abroad",
        "means_of_control": ("withheld_documents",),
        "recruiter_relation": "friend",
        "protection_stage": "temporary_residence",
        "judicial_stage": "prosecution",
        "narrative": None,
    }
    values.update(overrides)
    return AnonymousCase(**values)  # type: ignore[arg-type]


def payload(**overrides: object) -> dict[str, object]:
    return {**case().to_dict(), **overrides}


def test_a_clean_case_passes() -> None:
    assert verify(case()) == []
    assert verify_dict(json.loads(json.dumps(case().to_dict()))) == []


def test_placeholders_are_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "[PERSON] werkte voor [ORGANIZATION] en belde naar [PHONE]."

    def flags_every_placeholder(t: str, lang: str | None = None) -> list[Span]:
        start = text.index("[PERSON]")  # the detector sees the placeholders blanked out
        assert t[start : start + 8] == " " * 8
        return [Span(start, start + 8, "PERSON")]

    monkeypatch.setattr(verify_module, "detect", flags_every_placeholder)
    assert verify(case(narrative=text)) == []


def test_a_span_that_reaches_beyond_a_placeholder_is_a_finding(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "[PERSON] Popescu werkte hier."
    monkeypatch.setattr(verify_module, "detect", lambda t, lang=None: [Span(0, 16, "PERSON")])
    assert verify(case(narrative=text)) == [Finding("narrative", "PERSON", 0, 16)]


def test_narrative_findings_have_offsets_and_no_value(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "Bel 0475 12 34 56 of mail x@y.be."
    spans = [Span(4, 17, "PHONE"), Span(26, 32, "EMAIL")]
    monkeypatch.setattr(verify_module, "detect", lambda t, lang=None: spans)
    findings = verify(case(narrative=text))
    assert findings == [Finding("narrative", "PHONE", 4, 17), Finding("narrative", "EMAIL", 26, 32)]
    assert "0475" not in repr(findings)


def test_a_failing_detector_fails_closed(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(t: str, lang: str | None = None) -> list[Span]:
        raise RuntimeError("boom")

    monkeypatch.setattr(verify_module, "detect", broken)
    assert verify(case(narrative="iets")) == [Finding("narrative", DETECTOR_ERROR, 0, 0)]


def test_the_real_detector_finds_an_email_in_a_narrative() -> None:
    text = "[PERSON] mailde vanaf ioana.popescu@example.com naar haar werkgever."
    findings = narrative_findings(text)
    start = text.index("ioana")
    assert any(f.entity_type == "EMAIL" and f.start <= start < f.end for f in findings), findings
    assert not any(f.end <= len("[PERSON]") for f in findings)


def test_empty_narratives() -> None:
    assert verify(case(narrative="")) == []
    assert verify(case(narrative="   ")) == []


@pytest.mark.parametrize(
    "name",
    [
        "role",
        "offence",
        "labour_sector",
        "sex",
        "age_band",
        "minor_at_exploitation",
        "nationality",
        "province",
        "recruiter_relation",
        "protection_stage",
        "judicial_stage",
    ],
)
def test_a_value_outside_its_list_is_not_a_code(name: str) -> None:
    personal = "Ioana Popescu 85073003328"
    findings = verify(case(**{name: personal}))
    assert findings == [Finding(name, "NOT_A_CODE", 0, 0)]
    assert "Ioana" not in repr(findings)


def test_multi_valued_item_positions() -> None:
    findings = verify(case(exploitation_forms=("labour", "Ioana"), means_of_control=("x", "threats")))
    assert findings == [
        Finding("exploitation_forms", "NOT_A_CODE", 1, 2),
        Finding("means_of_control", "NOT_A_CODE", 0, 1),
    ]


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("registered_month", "2024-11-05"),
        ("registered_month", "11/2024"),
        ("registered_month", "2024-00"),
        ("registered_month", "2024-1"),
        ("registered_month", 202411),
        ("record_key", "85073003328"),
        ("record_key", KEY.upper()),
        ("record_key", KEY + "0"),
        ("case_key", "g" * 64),
        ("anonymiser_version", ""),
        ("policy_version", "Ioana Popescu"),
    ],
)
def test_format_problems(name: str, value: object) -> None:
    assert verify(case(**{name: value})) == [Finding(name, "BAD_FORMAT", 0, 0)]


def test_region_and_special_nationalities_are_codes() -> None:
    for value in ("RO", "155", "stateless", "unknown"):
        assert verify(case(nationality=value)) == []


def test_verify_dict_structure() -> None:
    assert verify_dict(["not", "an", "object"]) == [Finding("<payload>", "WRONG_TYPE", 0, 0)]
    assert verify_dict("Ioana") == [Finding("<payload>", "WRONG_TYPE", 0, 0)]
    missing = {k: v for k, v in payload().items() if k not in ("sex", "narrative")}
    assert verify_dict(missing) == [Finding("sex", "MISSING", 0, 0)]  # narrative is optional
    wrong = verify_dict(payload(exploitation_forms="labour", sex=["male"], narrative=3))
    assert set(wrong) == {
        Finding("exploitation_forms", "WRONG_TYPE", 0, 0),
        Finding("sex", "WRONG_TYPE", 0, 0),
        Finding("narrative", "WRONG_TYPE", 0, 0),
    }


def test_verify_dict_extra_keys() -> None:
    data = payload(first_name="Ioana", **{"Popescu 0475": "x"})
    findings = verify_dict(data)
    position = list(data).index("Popescu 0475")
    assert findings == [
        Finding("first_name", "RAW_FIELD", 0, 0),
        Finding("<unexpected>", "UNEXPECTED_FIELD", position, position + 1),
    ]
    assert "Ioana" not in repr(findings) and "Popescu" not in repr(findings)


def test_too_long_narrative_is_not_scanned() -> None:
    findings = verify_dict(payload(narrative="a" * 100_001))
    assert findings == [Finding("narrative", "TOO_LONG", 0, 0)]


def test_verify_rejects_other_objects() -> None:
    assert verify({"role": "victim"}) == [Finding("<payload>", "WRONG_TYPE", 0, 0)]  # type: ignore[arg-type]


def test_findings_are_plain_tuples() -> None:
    finding = Finding("narrative", "PERSON", 1, 5)
    assert finding == ("narrative", "PERSON", 1, 5)
    assert json.loads(json.dumps(finding)) == ["narrative", "PERSON", 1, 5]


def test_verify_is_fast() -> None:
    cases = [case(narrative=None) for _ in range(2000)]
    verify(cases[0])  # load the code lists
    started = time.perf_counter()
    for c in cases:
        assert not verify(c)
    elapsed = time.perf_counter() - started
    assert elapsed < 1.0, f"{elapsed:.2f}s for 2000 records without narrative"


def test_verify_with_a_short_narrative_is_fast() -> None:
    c = case(narrative="[PERSON] werkte 14 uur per dag in een carwash in [ADDRESS], zonder contract.")
    verify(c)  # warm the detector
    started = time.perf_counter()
    for _ in range(50):
        verify(c)
    elapsed = time.perf_counter() - started
    assert elapsed < 2.0, f"{elapsed:.2f}s for 50 short narratives"


def test_every_anonymous_field_is_checked() -> None:
    for name in ANONYMOUS_FIELDS:
        if name == "narrative":
            continue
        assert verify(case(**{name: object()})), name
