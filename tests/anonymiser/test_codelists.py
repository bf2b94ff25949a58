"""Code lists: the shipped lists are complete and consistent; a broken file fails with file and line."""

from __future__ import annotations

import itertools
import shutil
from pathlib import Path

import pytest

from anonymiser.codelists import (
    LANGUAGES,
    LISTS_WITH_UNKNOWN,
    REQUIRED_LISTS,
    CodeListError,
    default_codelists,
    load_codelists,
    normalise_name,
)
from anonymiser.config import ENV_VAR, ConfigError, config_dir, load_yaml

REPO_CONFIG = Path(__file__).resolve().parents[2] / "config"


@pytest.fixture()
def lists_dir(tmp_path: Path) -> Path:
    """A writable copy of the shipped code lists."""
    target = tmp_path / "codelists"
    shutil.copytree(REPO_CONFIG / "codelists", target)
    return target


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


SEX_HEADER = """\
name: sex
description: Sex
codes:
"""


def sex_file(directory: Path, codes: str) -> Path:
    return write(directory, "sex", SEX_HEADER + codes)


GOOD_SEX_CODES = """\
  - {code: female, labels: {en: F, nl: V, fr: F}}
  - {code: male, labels: {en: M, nl: M, fr: H}}
  - {code: unknown, labels: {en: U, nl: O, fr: I}}
"""


# -- the shipped lists ------------------------------------------------------------------------------


def test_every_required_list_is_shipped_and_loads() -> None:
    lists = default_codelists()
    for name in REQUIRED_LISTS:
        assert name in lists
        assert len(lists[name]) > 0


@pytest.mark.parametrize("name", REQUIRED_LISTS)
def test_every_code_has_labels_in_the_three_languages(name: str) -> None:
    for code in default_codelists()[name]:
        for lang in LANGUAGES:
            assert code.labels[lang].strip(), (name, code.code, lang)


@pytest.mark.parametrize("name", LISTS_WITH_UNKNOWN)
def test_single_valued_lists_have_unknown(name: str) -> None:
    assert "unknown" in default_codelists()[name]


@pytest.mark.parametrize(
    ("name", "codes"),
    [
        ("role", {"victim", "presumed_victim", "suspect"}),
        ("offence", {"trafficking", "smuggling", "both"}),
        ("sex", {"female", "male", "other", "unknown"}),
        ("minor_at_exploitation", {"yes", "no", "unknown"}),
        ("recruiter_relation", {"intimate_partner", "friend", "family", "other", "unknown"}),
        (
            "protection_stage",
            {
                "not_applicable",
                "reflection_period",
                "temporary_residence",
                "permanent_residence",
                "refused",
                "withdrawn",
                "unknown",
            },
        ),
        (
            "judicial_stage",
            {
                "reported",
                "investigation",
                "prosecution",
                "trial",
                "convicted",
                "acquitted",
                "dismissed",
                "unknown",
            },
        ),
        (
            "age_band",
            {"0-8", "9-17", "18-20", "21-23", "24-26", "27-29", "30-38", "39-47", "48+", "unknown"},
        ),
    ],
)
def test_exact_code_sets(name: str, codes: set[str]) -> None:
    assert default_codelists()[name].values == codes


def test_exploitation_forms_and_sectors_cover_the_brief() -> None:
    lists = default_codelists()
    assert {
        "sexual",
        "labour",
        "forced_begging",
        "forced_criminality",
        "organ_removal",
        "forced_marriage",
        "illegal_adoption",
        "domestic_servitude",
        "child_labour",
        "benefit_fraud",
        "other",
    } <= lists["exploitation_form"].values
    assert {
        "construction",
        "hospitality",
        "agriculture",
        "cleaning",
        "meat_processing",
        "transport_logistics",
        "car_wash",
        "beauty",
        "domestic_work",
        "retail",
        "manufacturing",
        "other",
        "unknown",
    } <= lists["labour_sector"].values


def test_means_of_control_are_the_ctdc_flags() -> None:
    codes = default_codelists()["means_of_control"]
    ctdc = [c for c in codes if "ctdc" in c.mappings]
    assert len(ctdc) == 8


def test_nationality_list_is_iso_with_regions() -> None:
    lists = default_codelists()
    nationality = lists["nationality"]
    iso = [c.code for c in nationality if len(c.code) == 2]
    assert len(iso) >= 249
    assert {"BE", "NO", "RO", "NG", "MA", "XK"} <= set(iso)
    assert set(lists.regions) == set(iso)
    assert set(lists.regions.values()) <= lists["region"].values
    assert lists.regions["NG"] == "202"
    assert lists.regions["RO"] == "151"
    assert lists.regions["BE"] == "155"
    assert lists.regions["MA"] == "015"
    assert len(lists.eu_members) == 27
    assert "GB" not in lists.eu_members


def test_yes_no_and_norway_stay_text() -> None:
    lists = default_codelists()
    assert "NO" in lists["nationality"]
    assert {"yes", "no"} <= lists["minor_at_exploitation"].values


def test_provinces_and_postcode_ranges() -> None:
    lists = default_codelists()
    provinces = lists["province"].values
    assert len(provinces) == 13
    assert {"BE-BRU", "BE-VAN", "BE-WLX", "abroad", "unknown"} <= provinces
    ranges = lists.postcode_ranges
    assert ranges[0].low == 1000 and ranges[-1].high == 9999
    assert all(a.high + 1 == b.low for a, b in itertools.pairwise(ranges))
    assert lists["province"].get("BE-VAN") is not None
    assert lists["province"].get("BE-VAN").attributes["nis"] == "10000"  # type: ignore[union-attr]


def test_age_bands_are_contiguous_from_zero() -> None:
    bands = default_codelists().age_bands
    assert bands[0].min_age == 0
    assert bands[-1].max_age is None
    for a, b in itertools.pairwise(bands):
        assert a.max_age is not None and a.max_age + 1 == b.min_age


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("sex", "female", "female"),
        ("sex", "Vrouw", "female"),
        ("sex", "FEMME", "female"),
        ("sex", "Feminine", "female"),
        ("sex", "TransgenderMasculine", "other"),
        ("nationality", "ro", "RO"),
        ("nationality", "Roemenië", "RO"),
        ("nationality", "roemenie", "RO"),
        ("nationality", "Roumanie", "RO"),
        ("nationality", "ROU", "RO"),
        ("nationality", "EL", "GR"),
        ("labour_sector", "Horeca", "hospitality"),
        ("labour_sector", "F_Construction", "construction"),
        ("means_of_control", "TakesEarnings", "debt_bondage"),
        ("exploitation_form", "ForcedLabour", "labour"),
        ("minor_at_exploitation", "Minor", "yes"),
        ("province", "Anvers", "BE-VAN"),
        ("sex", "nonsense", None),
        # "Acquainted" maps to two codes: ambiguous, so it resolves to nothing
        ("recruiter_relation", "Acquainted", None),
    ],
)
def test_resolve(name: str, value: str, expected: str | None) -> None:
    assert default_codelists()[name].resolve(value) == expected


def test_labels_lookup() -> None:
    sex = default_codelists()["sex"]
    assert sex.label("female", "nl") == "Vrouw"
    assert sex.label("female", "de") == "Female"  # falls back to English
    with pytest.raises(KeyError) as err:
        sex.label("Jan Peeters")
    assert "Jan Peeters" not in str(err.value)


def test_normalise_name() -> None:
    assert normalise_name("Sint-Jans-Molenbeek") == normalise_name("sint jans molenbeek")
    assert normalise_name("Liège") == "liege"
    assert normalise_name("'s-Gravenbrakel") == "sgravenbrakel"


# -- config directory -----------------------------------------------------------------------------


def test_config_dir_default_and_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(ENV_VAR, raising=False)
    assert config_dir() == REPO_CONFIG
    monkeypatch.setenv(ENV_VAR, str(tmp_path))
    assert config_dir() == tmp_path.resolve()


def test_loading_through_the_env_var(monkeypatch: pytest.MonkeyPatch, lists_dir: Path) -> None:
    monkeypatch.setenv(ENV_VAR, str(lists_dir.parent))
    assert default_codelists().directory == lists_dir.resolve()


# -- broken files ---------------------------------------------------------------------------------


def test_good_minimal_file_loads(lists_dir: Path) -> None:
    sex_file(lists_dir, GOOD_SEX_CODES)
    assert load_codelists(lists_dir)["sex"].values == {"female", "male", "unknown"}


def expect_error(directory: Path, file: str, line: int | None, fragment: str) -> None:
    with pytest.raises(CodeListError) as err:
        load_codelists(directory)
    assert err.value.path.name == file
    assert err.value.line == line, str(err.value)
    assert fragment in str(err.value)
    if line is not None:
        assert f"{file}:{line}:" in str(err.value)


def test_missing_label_names_file_and_line(lists_dir: Path) -> None:
    sex_file(lists_dir, GOOD_SEX_CODES + "  - {code: other, labels: {en: O, nl: A}}\n")
    expect_error(lists_dir, "sex.yaml", 7, "missing label(s) fr")


def test_duplicate_code(lists_dir: Path) -> None:
    sex_file(lists_dir, GOOD_SEX_CODES + "  - {code: male, labels: {en: M, nl: M, fr: H}}\n")
    expect_error(lists_dir, "sex.yaml", 7, "appears twice")


def test_numeric_code_must_be_quoted(lists_dir: Path) -> None:
    sex_file(lists_dir, GOOD_SEX_CODES + "  - {code: 015, labels: {en: M, nl: M, fr: H}}\n")
    expect_error(lists_dir, "sex.yaml", 7, "quote")


def test_unknown_key_in_a_code(lists_dir: Path) -> None:
    sex_file(
        lists_dir, GOOD_SEX_CODES + "  - code: other\n    colour: red\n    labels: {en: O, nl: A, fr: A}\n"
    )
    expect_error(lists_dir, "sex.yaml", 8, "unknown key 'colour'")


def test_unknown_label_language(lists_dir: Path) -> None:
    sex_file(lists_dir, GOOD_SEX_CODES + "  - {code: other, labels: {en: O, nl: A, fr: A, xx: Q}}\n")
    expect_error(lists_dir, "sex.yaml", 7, "unknown label language")


def test_name_must_match_file(lists_dir: Path) -> None:
    write(lists_dir, "sex", "name: gender\ndescription: x\ncodes:\n" + GOOD_SEX_CODES)
    expect_error(lists_dir, "sex.yaml", 1, "must equal the file name")


def test_missing_unknown(lists_dir: Path) -> None:
    sex_file(lists_dir, "  - {code: female, labels: {en: F, nl: V, fr: F}}\n")
    expect_error(lists_dir, "sex.yaml", None, "'unknown'")


def test_missing_list(lists_dir: Path) -> None:
    (lists_dir / "judicial_stage.yaml").unlink()
    with pytest.raises(CodeListError, match="judicial_stage"):
        load_codelists(lists_dir)


def test_invalid_yaml_syntax(lists_dir: Path) -> None:
    sex_file(lists_dir, GOOD_SEX_CODES + "  - {code: other, labels: {en: O\n")
    with pytest.raises(ConfigError) as err:
        load_codelists(lists_dir)
    assert "sex.yaml:" in str(err.value) and "invalid YAML" in str(err.value)


def test_duplicate_yaml_key(lists_dir: Path) -> None:
    write(lists_dir, "sex", "name: sex\ndescription: x\ndescription: y\ncodes:\n" + GOOD_SEX_CODES)
    with pytest.raises(ConfigError) as err:
        load_codelists(lists_dir)
    assert "sex.yaml:3:" in str(err.value)


def test_age_band_gap(lists_dir: Path) -> None:
    text = (lists_dir / "age_band.yaml").read_text(encoding="utf-8")
    text = text.replace('code: "9-17", min_age: 9', 'code: "9-17", min_age: 10')
    (lists_dir / "age_band.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(CodeListError, match="must start at 9"):
        load_codelists(lists_dir)


def test_postcode_overlap_and_gap(lists_dir: Path) -> None:
    path = lists_dir / "province.yaml"
    original = path.read_text(encoding="utf-8")
    path.write_text(original.replace("[[1300, 1499]]", "[[1290, 1499]]"), encoding="utf-8")
    with pytest.raises(CodeListError, match="overlaps"):
        load_codelists(lists_dir)
    path.write_text(original.replace("[[1300, 1499]]", "[[1310, 1499]]"), encoding="utf-8")
    with pytest.raises(CodeListError, match="1300-1309 uncovered"):
        load_codelists(lists_dir)


def test_municipality_in_two_provinces(lists_dir: Path) -> None:
    path = lists_dir / "province.yaml"
    text = path.read_text(encoding="utf-8").replace("[Hasselt, Genk,", "[Hasselt, Anvers, Genk,")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CodeListError, match="listed under 'BE-VAN' too"):
        load_codelists(lists_dir)


def test_nationality_with_unknown_region(lists_dir: Path) -> None:
    path = lists_dir / "nationality.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    index = next(i for i, line in enumerate(lines) if 'code: "BE"' in line)
    lines[index] = lines[index].replace('region: "155"', 'region: "999"')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    expect_error(lists_dir, "nationality.yaml", index + 1, "region must be a code of region.yaml")


def test_load_yaml_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="file not found"):
        load_yaml(tmp_path / "nope.yaml")


def test_load_yaml_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("name: Liège\n".encode("latin-1"))
    with pytest.raises(ConfigError, match="not UTF-8"):
        load_yaml(path)


def test_load_yaml_refuses_python_tags(tmp_path: Path) -> None:
    path = tmp_path / "evil.yaml"
    path.write_text("x: !!python/object/apply:os.system ['true']\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"evil\.yaml:1"):
        load_yaml(path)
