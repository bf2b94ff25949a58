"""The anonymisation policy: complete, safe for every field, and refused with file and line when not."""

from __future__ import annotations

from pathlib import Path

import pytest

from anonymiser.config import ConfigError
from anonymiser.policy import (
    ALLOWED,
    NationalityRule,
    PolicyError,
    Treatment,
    default_policy,
    load_policy,
)
from anonymiser.records import NARRATIVE_MAX_CHARS, PERSONAL_FIELDS, RAW_FIELDS

REPO_POLICY = Path(__file__).resolve().parents[2] / "config" / "anonymisation_policy.yaml"


def policy_text(**overrides: str) -> str:
    """A valid policy in which ``field=rule`` lines are replaced (rule text as in YAML)."""
    policy = default_policy()
    lines = ['version: "test.1"', "fields:"]
    for name in RAW_FIELDS:
        rule = overrides.get(name, policy.treatment(name).value)
        lines.append(f"  {name}: {rule}")
    return "\n".join(lines) + "\n"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "policy.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def line_of_field(text: str, name: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if line.strip().startswith(f"{name}:"))


def test_shipped_policy_loads() -> None:
    policy = default_policy()
    assert policy.version == "2025.1"
    assert set(policy.rules) == set(RAW_FIELDS)
    assert policy.narrative_max_chars <= NARRATIVE_MAX_CHARS
    assert policy.treatment("first_name") is Treatment.DROP
    assert policy.treatment("partner_record_id") is Treatment.KEYED_HASH
    assert policy.treatment("nationality") is Treatment.NATIONALITY_OR_REGION


def test_allowed_covers_exactly_the_raw_fields() -> None:
    assert set(ALLOWED) == set(RAW_FIELDS)


@pytest.mark.parametrize("name", [f for f in PERSONAL_FIELDS if f != "narrative"])
def test_a_personal_field_can_only_be_dropped_or_hashed(name: str) -> None:
    assert ALLOWED[name] <= {Treatment.DROP, Treatment.KEYED_HASH, Treatment.AGE_BAND}
    assert Treatment.KEEP not in ALLOWED[name]


def test_minimal_policy_loads(tmp_path: Path) -> None:
    policy = load_policy(write(tmp_path, policy_text()))
    assert policy.version == "test.1"
    assert policy.nationality == NationalityRule()  # no options: every nationality becomes a region


def test_drop_everything_droppable(tmp_path: Path) -> None:
    overrides = {name: "drop" for name, allowed in ALLOWED.items() if Treatment.DROP in allowed}
    policy = load_policy(write(tmp_path, policy_text(**overrides)))
    assert policy.treatment("narrative") is Treatment.DROP


def expect(tmp_path: Path, text: str, line: int | None, fragment: str) -> None:
    with pytest.raises(PolicyError) as err:
        load_policy(write(tmp_path, text))
    assert err.value.line == line, str(err.value)
    assert fragment in str(err.value)
    assert "policy.yaml" in str(err.value)


def test_unknown_field(tmp_path: Path) -> None:
    text = policy_text() + "  shoe_size: drop\n"
    expect(tmp_path, text, line_of_field(text, "shoe_size"), "unknown field 'shoe_size'")


def test_missing_field(tmp_path: Path) -> None:
    text = "\n".join(line for line in policy_text().splitlines() if "phone:" not in line) + "\n"
    expect(tmp_path, text, 2, "no rule for field(s): phone")


def test_unknown_treatment(tmp_path: Path) -> None:
    text = policy_text(sex="blur")
    expect(tmp_path, text, line_of_field(text, "sex"), "unknown treatment")


@pytest.mark.parametrize(
    ("name", "rule"),
    [
        ("first_name", "keep"),
        ("national_number", "scrub_text"),
        ("email", "keyed_hash"),
        ("birth_date", "month"),
        ("role", "drop"),
        ("registration_date", "drop"),
        ("partner_record_id", "drop"),
        ("narrative", "keep"),
        ("postcode", "keep"),
    ],
)
def test_unsafe_treatment_refused(tmp_path: Path, name: str, rule: str) -> None:
    text = policy_text(**{name: rule})
    expect(tmp_path, text, line_of_field(text, name), f"{name} cannot have treatment {rule}")


def test_option_on_a_treatment_without_options(tmp_path: Path) -> None:
    text = policy_text(sex="{treatment: keep, common: [BE]}")
    expect(tmp_path, text, line_of_field(text, "sex"), "unknown option 'common'")


def test_bad_nationality_code(tmp_path: Path) -> None:
    text = policy_text().replace(
        "  nationality: nationality_or_region",
        "  nationality:\n    treatment: nationality_or_region\n    common:\n      - BE\n      - Belgian\n",
    )
    line = text.splitlines().index("      - Belgian") + 1
    expect(tmp_path, text, line, "item 2 is not an ISO 3166-1 alpha-2")


def test_min_frequency_must_be_positive(tmp_path: Path) -> None:
    text = policy_text(nationality="{treatment: nationality_or_region, min_frequency: 0}")
    expect(tmp_path, text, line_of_field(text, "nationality"), "min_frequency")


def test_narrative_limit_bounded(tmp_path: Path) -> None:
    text = policy_text(narrative=f"{{treatment: scrub_text, max_chars: {NARRATIVE_MAX_CHARS + 1}}}")
    expect(tmp_path, text, line_of_field(text, "narrative"), "max_chars")


def test_version_must_be_text(tmp_path: Path) -> None:
    text = policy_text().replace('version: "test.1"', "version: [1]")
    expect(tmp_path, text, 1, "version")


def test_unknown_top_level_key(tmp_path: Path) -> None:
    expect(tmp_path, policy_text() + "comment: hello\n", len(policy_text().splitlines()) + 1, "unknown key")


def test_duplicate_rule_refused(tmp_path: Path) -> None:
    text = policy_text() + "  sex: drop\n"
    with pytest.raises(ConfigError) as err:
        load_policy(write(tmp_path, text))
    assert err.value.line == len(text.splitlines())


def test_nationality_options(tmp_path: Path) -> None:
    text = policy_text(
        nationality="{treatment: nationality_or_region, common: [RO, NG], rare: [NG], "
        "min_frequency: 5, frequencies: {BG: 5, MA: 4}}",
        narrative="{treatment: scrub_text, max_chars: 500}",
    )
    policy = load_policy(write(tmp_path, text))
    rule = policy.nationality
    assert rule.keeps("RO")
    assert not rule.keeps("NG")  # rare wins over common
    assert rule.keeps("BG")  # frequent enough
    assert not rule.keeps("MA")
    assert not rule.keeps("LI")
    assert policy.narrative_max_chars == 500


def test_shipped_common_nationalities() -> None:
    rule = default_policy().nationality
    for code in ("BE", "RO", "MA", "NG"):
        assert rule.keeps(code)
    assert not rule.keeps("LI")
