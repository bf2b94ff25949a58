"""RawCase and AnonymousCase: coercion at the boundary, no personal field, strict reading of payloads."""

from __future__ import annotations

import json
from dataclasses import fields
from datetime import date, datetime

import pytest

from anonymiser.records import (
    ANONYMOUS_FIELDS,
    PERSONAL_FIELDS,
    QUASI_IDENTIFIERS,
    RAW_FIELDS,
    AnonymousCase,
    RawCase,
    RecordError,
    clean_text,
    schema_problems,
)

KEY = "a" * 64
OTHER_KEY = "b" * 64


def raw(**overrides: object) -> RawCase:
    values: dict[str, object] = {
        "partner_id": "police",
        "partner_record_id": "PV-1",
        "role": "victim",
        "offence": "trafficking",
        "registration_date": date(2023, 5, 17),
    }
    values.update(overrides)
    return RawCase(**values)  # type: ignore[arg-type]


def anonymous(**overrides: object) -> AnonymousCase:
    values: dict[str, object] = {
        "record_key": KEY,
        "case_key": OTHER_KEY,
        "role": "victim",
        "offence": "trafficking",
        "registered_month": "2023-05",
        "anonymiser_version": "0.1.0",
        "policy_version": "2025.1",
        "exploitation_forms": ("labour",),
        "labour_sector": "construction",
        "sex": "male",
        "age_band": "30-38",
        "nationality": "RO",
        "province": "BE-VAN",
        "means_of_control": ("debt_bondage", "withheld_documents"),
        "narrative": "[PERSON] werkte 12 uur per dag.",
    }
    values.update(overrides)
    return AnonymousCase(**values)  # type: ignore[arg-type]


# -- the schema itself ----------------------------------------------------------------------------


def test_anonymous_case_has_exactly_the_agreed_fields() -> None:
    assert set(ANONYMOUS_FIELDS) == {
        "record_key",
        "case_key",
        "role",
        "offence",
        "registered_month",
        "exploitation_forms",
        "labour_sector",
        "sex",
        "age_band",
        "minor_at_exploitation",
        "nationality",
        "province",
        "means_of_control",
        "recruiter_relation",
        "protection_stage",
        "judicial_stage",
        "narrative",
        "anonymiser_version",
        "policy_version",
    }


def test_no_personal_field_on_the_anonymous_case() -> None:
    personal = set(PERSONAL_FIELDS) - {"narrative"}
    assert not personal & set(ANONYMOUS_FIELDS)
    # quasi-identifiers only leave coarsened: under another name, or (nationality) as a code or region
    assert set(QUASI_IDENTIFIERS) & set(ANONYMOUS_FIELDS) == {"nationality"}


def test_personal_and_quasi_fields_are_raw_fields() -> None:
    assert set(PERSONAL_FIELDS) <= set(RAW_FIELDS)
    assert set(QUASI_IDENTIFIERS) <= set(RAW_FIELDS)


# -- RawCase --------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["partner_id", "partner_record_id", "role", "offence", "registration_date"])
def test_required_fields(name: str) -> None:
    with pytest.raises(RecordError) as err:
        raw(**{name: "  "})
    assert err.value.field == name
    assert err.value.problem == "missing"


def test_blank_text_becomes_none_and_text_is_trimmed() -> None:
    case = raw(first_name="  ", last_name=" Peeters ", narrative="\n\n")
    assert case.first_name is None
    assert case.last_name == "Peeters"
    assert case.narrative is None


def test_bytes_are_decoded_with_replacement() -> None:
    case = raw(narrative=b"caf\xc3\xa9 \xff\xfe ok", first_name=bytearray(b"Jo\xe3o"))
    assert case.narrative == "café \ufffd\ufffd ok"
    assert case.first_name == "Jo\ufffdo"


def test_control_characters_and_lone_surrogates_are_cleaned() -> None:
    case = raw(narrative="a\x00b\x07c\td\ne\ud800f")
    assert case.narrative == "a b c\td\ne\ufffdf"
    json.dumps(case.narrative).encode("utf-8")  # serialisable and encodable
    assert clean_text(b"\x00") == " "


def test_multi_valued_fields() -> None:
    case = raw(exploitation_forms=["labour", " ", "sexual"], aliases="Jo; Johnny|J.", means_of_control=None)
    assert case.exploitation_forms == ("labour", "sexual")
    assert case.aliases == ("Jo", "Johnny", "J.")
    assert case.means_of_control == ()


def test_datetime_becomes_date() -> None:
    assert raw(registration_date=datetime(2023, 5, 17, 10, 0)).registration_date == date(2023, 5, 17)


def test_text_dates_are_kept_for_the_pipeline_to_check() -> None:
    assert raw(birth_date="30/02/2001").birth_date == "30/02/2001"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("first_name", 12345),
        ("age", "12"),
        ("age", True),
        ("exploitation_forms", 7),
        ("birth_date", 19900101),
    ],
)
def test_wrong_types_are_refused_without_echo(name: str, value: object) -> None:
    with pytest.raises(RecordError) as err:
        raw(**{name: value})
    assert err.value.field == name
    assert str(value) not in str(err.value)


def test_repr_shows_no_personal_value() -> None:
    case = raw(first_name="Ioana", last_name="Popescu", national_number="85073003328", narrative="Ioana ...")
    text = repr(case)
    for value in ("Ioana", "Popescu", "85073003328", "PV-1"):
        assert value not in text
    assert "first_name" in text
    assert str(case) == text


def test_from_mapping() -> None:
    case = RawCase.from_mapping(
        {
            "partner_id": "police",
            "partner_record_id": "PV-1",
            "role": "victim",
            "offence": "trafficking",
            "registration_date": "2023-05-17",
            "age": " 34 ",
            "postcode": 2000,
            "exploitation_forms": "labour;sexual",
        }
    )
    assert case.age == 34
    assert case.postcode == "2000"
    assert case.exploitation_forms == ("labour", "sexual")
    assert RawCase.from_mapping({**_minimal(), "age": 34.0}).age == 34


def _minimal() -> dict[str, object]:
    return {
        "partner_id": "police",
        "partner_record_id": "PV-1",
        "role": "victim",
        "offence": "trafficking",
        "registration_date": "2023-05-17",
    }


def test_from_mapping_unknown_key() -> None:
    with pytest.raises(RecordError) as err:
        RawCase.from_mapping({**_minimal(), "shoe_size": 44})
    assert err.value.field == "shoe_size"
    with pytest.raises(RecordError) as err:
        RawCase.from_mapping({**_minimal(), "Jan Peeters 0475": 1})
    assert "Jan" not in str(err.value)
    assert err.value.field == "#6"


@pytest.mark.parametrize("age", ["34 years", "-3", 34.5])
def test_from_mapping_bad_age(age: object) -> None:
    with pytest.raises(RecordError) as err:
        RawCase.from_mapping({**_minimal(), "age": age})
    assert err.value.field == "age"


# -- AnonymousCase --------------------------------------------------------------------------------


def test_to_dict_is_json_ready_and_complete() -> None:
    data = anonymous().to_dict()
    assert list(data) == list(ANONYMOUS_FIELDS)
    assert data["exploitation_forms"] == ["labour"]
    assert json.loads(json.dumps(data)) == data


def test_round_trip() -> None:
    case = anonymous()
    assert AnonymousCase.from_dict(json.loads(json.dumps(case.to_dict()))) == case
    assert AnonymousCase.from_dict(anonymous(narrative=None).to_dict()).narrative is None


def test_narrative_may_be_absent() -> None:
    data = anonymous().to_dict()
    del data["narrative"]
    assert AnonymousCase.from_dict(data).narrative is None


def test_lists_become_tuples() -> None:
    case = anonymous(exploitation_forms=["labour", "sexual"])
    assert case.exploitation_forms == ("labour", "sexual")
    hash(case)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("sex", "Ioana Popescu"),
        ("role", "victim "),
        ("labour_sector", "Bouwbedrijf Janssens"),
        ("nationality", "Romanian"),
        ("province", "2000"),
        ("age_band", "34"),
        ("judicial_stage", "PV/2023/00123"),
    ],
)
def test_from_dict_refuses_a_value_outside_the_list_without_echo(name: str, value: str) -> None:
    with pytest.raises(RecordError) as err:
        AnonymousCase.from_dict({**anonymous().to_dict(), name: value})
    assert err.value.field == name
    assert "not a code" in str(err.value)
    assert value.strip() not in str(err.value)


@pytest.mark.parametrize(
    ("name", "value", "problem"),
    [
        ("registered_month", "2023-05-17", "bad format"),
        ("registered_month", "2023-13", "bad format"),
        ("registered_month", "1850-01", "bad format"),
        ("record_key", "85073003328", "bad format"),
        ("case_key", "A" * 64, "bad format"),
        ("policy_version", "Jan Peeters", "bad format"),
        ("exploitation_forms", "labour", "wrong type"),
        ("sex", 1, "wrong type"),
        ("narrative", 42, "wrong type"),
        ("narrative", "x" * 100_001, "too long"),
    ],
)
def test_from_dict_format_problems(name: str, value: object, problem: str) -> None:
    with pytest.raises(RecordError) as err:
        AnonymousCase.from_dict({**anonymous().to_dict(), name: value})
    assert err.value.field == name
    assert problem in str(err.value)
    if isinstance(value, str) and len(value) < 100:
        assert value not in str(err.value)


def test_from_dict_missing_field() -> None:
    data = anonymous().to_dict()
    del data["role"]
    with pytest.raises(RecordError) as err:
        AnonymousCase.from_dict(data)
    assert err.value.field == "role"


def test_from_dict_names_a_raw_field_but_not_an_unknown_key() -> None:
    with pytest.raises(RecordError) as err:
        AnonymousCase.from_dict({**anonymous().to_dict(), "first_name": "Ioana"})
    assert err.value.field == "first_name"
    assert "Ioana" not in str(err.value)
    with pytest.raises(RecordError) as err:
        AnonymousCase.from_dict({**anonymous().to_dict(), "Ioana Popescu": "x"})
    assert "Ioana" not in str(err.value)
    assert err.value.field == "<unexpected>"


def test_from_dict_reports_the_number_of_problems() -> None:
    with pytest.raises(RecordError, match=r"and 2 more"):
        AnonymousCase.from_dict({**anonymous().to_dict(), "sex": "x", "role": "y", "province": "z"})


def test_schema_problems_positions_in_lists() -> None:
    problems = schema_problems(
        {**anonymous().to_dict(), "means_of_control": ["threats", "Ioana", "abuse", "x"]}
    )
    assert [(p.field, p.kind, p.start, p.end) for p in problems] == [
        ("means_of_control", "NOT_A_CODE", 1, 2),
        ("means_of_control", "NOT_A_CODE", 3, 4),
    ]


def test_schema_problems_of_a_non_mapping() -> None:
    assert [p.kind for p in schema_problems(["not", "a", "dict"])] == ["WRONG_TYPE"]


def test_dataclass_fields_have_no_personal_defaults() -> None:
    for f in fields(AnonymousCase):
        assert f.name in ANONYMOUS_FIELDS
