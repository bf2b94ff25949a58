"""The pipeline: RawCase -> AnonymousCase + report, and what happens with bad input."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

import anonymiser
import anonymiser.pipeline as pipeline
from anonymiser import AnonymousCase, RawCase, anonymise, verify
from anonymiser.keys import SecretError, case_key, record_key
from anonymiser.pipeline import AnonymisationError, AnonymisationReport, Issue
from anonymiser.policy import Policy, default_policy, load_policy
from anonymiser.records import RAW_FIELDS, RecordError

SECRET = b"0123456789abcdef0123456789abcdef"
TODAY = date(2025, 1, 1)


def raw(**overrides: object) -> RawCase:
    values: dict[str, object] = {
        "partner_id": "police",
        "partner_record_id": "PV/2023/00123",
        "role": "victim",
        "offence": "trafficking",
        "registration_date": "2023-05-17",
    }
    values.update(overrides)
    return RawCase(**values)  # type: ignore[arg-type]


def run(case: RawCase, policy: Policy | None = None) -> tuple[AnonymousCase, AnonymisationReport]:
    return anonymise(case, SECRET, policy, today=TODAY)


FULL = {
    "partner_case_id": "AN.12.L7.001234/23",
    "first_name": "Ioana",
    "last_name": "Popescu",
    "aliases": ("Oana",),
    "birth_date": "12/03/2006",
    "national_number": "06.03.12-123.45",
    "passport_number": "EM1234567",
    "phone": "+32 475 12 34 56",
    "email": "ioana.popescu@example.com",
    "address": "Kerkstraat 12, 2000 Antwerpen",
    "postcode": "2000",
    "municipality": "Antwerpen",
    "nationality": "Roemenië",
    "sex": "Vrouw",
    "exploitation_start": "2022-01-01",
    "exploitation_forms": ("sexual", "ForcedLabour"),
    "labour_sector": "horeca",
    "employer_name": "Café De Hoek BV",
    "means_of_control": ("TakesEarnings", "threats", "debt_bondage"),
    "recruiter_relation": "intimate_partner",
    "protection_stage": "reflection_period",
    "judicial_stage": "investigation",
    "narrative": (
        "Ioana Popescu (°12/03/2006) werkte in Café De Hoek. Gsm 0475/12.34.56, "
        "mail ioana.popescu@example.com, woont Kerkstraat 12. Dossier PV/2023/00123."
    ),
    "language": "nl",
}


def test_full_record() -> None:
    case, report = run(raw(**FULL))
    assert case.record_key == record_key("PV/2023/00123", SECRET)
    assert case.case_key == case_key("AN.12.L7.001234/23", SECRET)
    assert case.role == "victim"
    assert case.offence == "trafficking"
    assert case.registered_month == "2023-05"
    assert case.exploitation_forms == ("sexual", "labour")  # code-list order
    assert case.labour_sector == "hospitality"
    assert case.sex == "female"
    assert case.age_band == "9-17"
    assert case.minor_at_exploitation == "yes"  # 15 when the exploitation began
    assert case.nationality == "RO"
    assert case.province == "BE-VAN"
    assert case.means_of_control == ("debt_bondage", "threats")
    assert case.recruiter_relation == "intimate_partner"
    assert case.protection_stage == "reflection_period"
    assert case.judicial_stage == "investigation"
    assert case.anonymiser_version == anonymiser.__version__
    assert case.policy_version == default_policy().version
    assert report.issues == ()
    assert "first_name" in report.dropped and "national_number" in report.dropped
    assert {"registration_date", "birth_date", "postcode", "municipality"} <= set(report.coarsened)
    assert report.hashed == ("partner_record_id", "partner_case_id")
    assert report.scrubbed == ("narrative",)
    assert {"role", "sex", "nationality"} <= set(report.kept)
    assert verify(case) == []


def test_every_field_with_a_value_has_one_outcome() -> None:
    _, report = run(raw(**FULL))
    outcomes = [*report.kept, *report.coarsened, *report.hashed, *report.scrubbed, *report.dropped]
    assert len(outcomes) == len(set(outcomes))
    present = {name for name in RAW_FIELDS if getattr(raw(**FULL), name) not in (None, ())}
    assert set(outcomes) == present


def test_nothing_personal_in_output_or_report() -> None:
    case, report = run(raw(**FULL))
    out = json.dumps(case.to_dict(), ensure_ascii=False)
    rep = json.dumps(report.to_dict(), ensure_ascii=False) + repr(report)
    for value in (
        "Ioana",
        "Popescu",
        "Oana",
        "12/03/2006",
        "06.03.12-123.45",
        "EM1234567",
        "475 12 34 56",
        "0475/12.34.56",
        "ioana.popescu@example.com",
        "Kerkstraat",
        "De Hoek",
        "PV/2023/00123",
        "AN.12.L7.001234/23",
    ):
        assert value not in out, value
        assert value not in rep, value


def test_the_records_own_values_are_scrubbed_from_the_narrative() -> None:
    case, report = run(raw(**FULL))
    assert case.narrative is not None
    for placeholder in ("[PERSON]", "[EMAIL]", "[PHONE]", "[CASE_NUMBER]", "[DATE_OF_BIRTH]"):
        assert placeholder in case.narrative
    counts = {**report.entity_counts}
    for label, n in report.known_value_counts.items():
        counts[label] = counts.get(label, 0) + n
    assert counts.get("PERSON", 0) >= 1
    assert all(isinstance(n, int) for n in counts.values())


def test_known_values_survive_odd_spellings() -> None:
    narrative = (
        "POPESCU ioana, ook gekend als Oana, tel +32475123456 of 0032 475 12 34 56; "
        "geboren 12 maart 2006 (2006-03-12); RRN 06031212345; paspoort em 1234567; "
        "werkgever café de hoek; adres KERKSTRAAT 12."
    )
    case, _ = run(raw(**{**FULL, "narrative": narrative}))
    assert case.narrative is not None
    lowered = case.narrative.lower()
    for value in ("popescu", "ioana", "oana", "475", "12 maart", "2006-03-12", "06031212345", "1234567"):
        assert value not in lowered, value
    assert "kerkstraat" not in lowered
    assert "hoek" not in lowered


def test_case_key_falls_back_to_the_record_id() -> None:
    case, report = run(raw())
    assert case.case_key == case_key("PV/2023/00123", SECRET)
    assert case.case_key != case.record_key
    assert report.hashed == ("partner_record_id",)


def test_minimal_record_is_all_unknown() -> None:
    case, report = run(raw())
    assert case.sex == case.age_band == case.nationality == case.province == "unknown"
    assert case.exploitation_forms == case.means_of_control == ()
    assert case.narrative is None
    assert report.issues == ()
    assert verify(case) == []


def test_codes_outside_the_lists_become_unknown_and_are_reported() -> None:
    case, report = run(
        raw(sex="Ioana Popescu", labour_sector="Café De Hoek", exploitation_forms=("labour", "Ioana"))
    )
    assert case.sex == "unknown"
    assert case.labour_sector == "unknown"
    assert case.exploitation_forms == ("labour",)
    assert set(report.issues) == {
        Issue("sex", "not_a_code"),
        Issue("labour_sector", "not_a_code"),
        Issue("exploitation_forms", "not_a_code"),
    }
    assert "Ioana" not in repr(report)


@pytest.mark.parametrize(
    ("overrides", "field", "problem"),
    [
        ({"role": "Ioana Popescu"}, "role", "not_a_code"),
        ({"offence": "theft"}, "offence", "not_a_code"),
        ({"registration_date": "2023-02-30"}, "registration_date", "not_a_date"),
        ({"registration_date": "1800-01-01"}, "registration_date", "out_of_range"),
        ({"registration_date": "2030-01-01"}, "registration_date", "out_of_range"),
        ({"registration_date": "gisteren"}, "registration_date", "not_a_date"),
    ],
)
def test_unusable_records_raise_a_clear_error(overrides: dict[str, object], field: str, problem: str) -> None:
    with pytest.raises(AnonymisationError) as err:
        run(raw(**overrides))
    assert err.value.field == field
    assert err.value.problem == problem
    for value in overrides.values():
        assert str(value) not in str(err.value)


@pytest.mark.parametrize("secret", [b"short", "a text secret of forty characters....."])
def test_bad_secret(secret: object) -> None:
    with pytest.raises(SecretError):
        anonymise(raw(), secret, today=TODAY)  # type: ignore[arg-type]


def test_not_a_raw_case() -> None:
    with pytest.raises(TypeError):
        anonymise({"partner_id": "x"}, SECRET)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("overrides", "band", "issue"),
    [
        ({"birth_date": "2024-01-01"}, "unknown", Issue("birth_date", "after_registration")),
        ({"birth_date": "2001-02-30"}, "unknown", Issue("birth_date", "not_a_date")),
        ({"birth_date": "1800-01-01"}, "unknown", Issue("birth_date", "out_of_range")),
        ({"age": 150}, "unknown", Issue("age", "out_of_range")),
        ({"age": -2}, "unknown", Issue("age", "out_of_range")),
        ({"birth_date": "2001-02-30", "age": 22}, "21-23", Issue("birth_date", "not_a_date")),
        ({"birth_date": "2000-01-01", "age": 40}, "21-23", Issue("age", "conflict")),
    ],
)
def test_impossible_ages_are_unknown_and_reported(
    overrides: dict[str, object], band: str, issue: Issue
) -> None:
    case, report = run(raw(**overrides))
    assert case.age_band == band
    assert issue in report.issues


def test_impossible_exploitation_start_is_reported() -> None:
    case, report = run(raw(exploitation_start="31/04/2020", birth_date="2000-01-01"))
    assert case.minor_at_exploitation == "unknown"
    assert Issue("exploitation_start", "not_a_date") in report.issues


@pytest.mark.parametrize(
    ("overrides", "minor"),
    [
        ({"minor_at_exploitation": "Minor"}, "yes"),
        ({"minor_at_exploitation": "no", "age": 12}, "no"),  # the partner's own answer wins
        ({"birth_date": "2000-06-01", "exploitation_start": "2018-05-31"}, "yes"),
        ({"birth_date": "2000-06-01", "exploitation_start": "2018-06-01"}, "no"),
        ({"age": 16}, "yes"),  # a minor at registration was a minor when it began
        ({"age": 16, "exploitation_start": "2024-01-01"}, "unknown"),  # began after registration
        ({"age": 30}, "unknown"),
        ({}, "unknown"),
    ],
)
def test_minor_at_exploitation(overrides: dict[str, object], minor: str) -> None:
    case, _ = run(raw(**overrides))
    assert case.minor_at_exploitation == minor


@pytest.mark.parametrize(
    ("overrides", "province", "issues"),
    [
        ({"postcode": "1300"}, "BE-WBR", ()),
        ({"municipality": "Luik"}, "BE-WLG", ()),
        ({"postcode": "2000", "municipality": "Gand"}, "BE-VAN", (Issue("municipality", "conflict"),)),
        ({"country_of_exploitation": "Nederland", "postcode": "2000"}, "abroad", ()),
        ({"country_of_exploitation": "BE", "postcode": "9000"}, "BE-VOV", ()),
        ({"postcode": "75001"}, "unknown", (Issue("postcode", "not_a_postcode"),)),
        ({"municipality": "Atlantis"}, "unknown", (Issue("municipality", "unknown_municipality"),)),
        ({"country_of_exploitation": "Narnia"}, "unknown", (Issue("country_of_exploitation", "not_a_code"),)),
    ],
)
def test_province(overrides: dict[str, object], province: str, issues: tuple[Issue, ...]) -> None:
    case, report = run(raw(**overrides))
    assert case.province == province
    assert report.issues == issues


@pytest.mark.parametrize(
    ("nationality", "expected", "coarsened"),
    [("RO", "RO", False), ("Roumanie", "RO", False), ("LI", "155", True), ("Tonga", "061", True)],
)
def test_rare_nationality_becomes_region(nationality: str, expected: str, coarsened: bool) -> None:
    case, report = run(raw(nationality=nationality))
    assert case.nationality == expected
    assert ("nationality" in report.coarsened) is coarsened


def test_unknown_nationality_is_reported() -> None:
    case, report = run(raw(nationality="Narnian"))
    assert case.nationality == "unknown"
    assert report.issues == (Issue("nationality", "not_a_code"),)


# -- other policies -------------------------------------------------------------------------------


def custom_policy(tmp_path: Path, **rules: str) -> Policy:
    base = default_policy()
    lines = ['version: "custom.1"', "fields:"]
    for name in RAW_FIELDS:
        lines.append(f"  {name}: {rules.get(name, base.treatment(name).value)}")
    path = tmp_path / "policy.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return load_policy(path)


def test_a_policy_that_drops_more(tmp_path: Path) -> None:
    policy = custom_policy(
        tmp_path,
        narrative="drop",
        birth_date="drop",
        postcode="drop",
        sex="drop",
        exploitation_forms="drop",
        minor_at_exploitation="drop",
    )
    case, report = run(raw(**FULL), policy)
    assert case.narrative is None
    assert case.age_band == "unknown"
    assert case.province == "BE-VAN"  # from the municipality, still allowed
    assert case.sex == "unknown"
    assert case.exploitation_forms == ()
    assert case.minor_at_exploitation == "unknown"
    assert case.policy_version == "custom.1"
    assert {"narrative", "birth_date", "postcode", "sex", "exploitation_forms"} <= set(report.dropped)


def test_a_policy_that_keeps_every_nationality(tmp_path: Path) -> None:
    policy = custom_policy(tmp_path, nationality="keep")
    case, report = run(raw(nationality="Tonga"), policy)
    assert case.nationality == "TO"
    assert report.kept == ("role", "offence", "nationality")


def test_dropped_birth_date_is_not_used_for_the_minor_flag(tmp_path: Path) -> None:
    policy = custom_policy(tmp_path, birth_date="drop")
    case, _ = run(raw(birth_date="2000-06-01", exploitation_start="2018-05-31"), policy)
    assert case.minor_at_exploitation == "unknown"


# -- bad narratives -------------------------------------------------------------------------------


def test_empty_narrative() -> None:
    for text in ("", "   ", "\n\t"):
        case, report = run(raw(narrative=text))
        assert case.narrative is None
        assert report.scrubbed == ()


def test_one_megabyte_narrative_is_not_sent() -> None:
    text = ("Ioana Popescu werkte lange dagen. " * 40_000)[:1_000_000]
    case, report = run(raw(narrative=text, first_name="Ioana"))
    assert case.narrative is None
    assert report.issues == (Issue("narrative", "too_long"),)
    assert "narrative" in report.dropped


def test_narrative_at_the_policy_limit_is_scrubbed(tmp_path: Path) -> None:
    policy = custom_policy(tmp_path, narrative="{treatment: scrub_text, max_chars: 200}")
    ok, _ = run(raw(narrative="x" * 200), policy)
    assert ok.narrative == "x" * 200
    too_long, report = run(raw(narrative="x" * 201), policy)
    assert too_long.narrative is None
    assert Issue("narrative", "too_long") in report.issues


def test_binary_junk_narrative() -> None:
    junk = bytes(range(256)) * 8
    case, _ = run(raw(narrative=junk, first_name="Ioana"))
    assert case.narrative is not None
    assert "\x00" not in case.narrative
    json.dumps(case.to_dict()).encode("utf-8")
    assert verify(case) == [] or all(f.field == "narrative" for f in verify(case))


def test_invalid_utf8_narrative_is_decoded_with_replacement() -> None:
    data = b"Ioana Popescu woont in Gent. \xff\xfe\xc3( einde"
    case, _ = run(raw(narrative=data, first_name="Ioana", last_name="Popescu"))
    assert case.narrative is not None
    assert "\ufffd" in case.narrative
    assert "Ioana" not in case.narrative and "Popescu" not in case.narrative


def test_a_failing_detector_drops_the_narrative(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(text: str, lang: str | None = None) -> list[object]:
        raise RuntimeError("recognizer bug with Ioana in the message")

    monkeypatch.setattr(pipeline, "detect", broken)
    case, report = run(raw(narrative="Ioana werkte hier.", first_name="Ioana"))
    assert case.narrative is None
    assert report.issues == (Issue("narrative", "scrub_failed"),)
    assert "Ioana" not in repr(report)


def test_placeholders_for_known_values_even_without_any_detector(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "detect", lambda text, lang=None: [])
    case, report = run(raw(**FULL))
    assert case.narrative is not None
    for value in ("Ioana", "Popescu", "0475", "ioana.popescu@example.com", "PV/2023/00123", "Kerkstraat"):
        assert value not in case.narrative
    assert report.entity_counts == {}
    assert sum(report.known_value_counts.values()) >= 6


def test_report_to_dict_is_json() -> None:
    _, report = run(raw(**FULL))
    data = json.loads(json.dumps(report.to_dict()))
    assert data["policy_version"] == default_policy().version
    assert set(data) == {
        "anonymiser_version",
        "policy_version",
        "kept",
        "coarsened",
        "hashed",
        "scrubbed",
        "dropped",
        "entity_counts",
        "known_value_counts",
        "issues",
    }


def test_raw_case_errors_surface_before_the_pipeline() -> None:
    with pytest.raises(RecordError):
        raw(age="twelve")
