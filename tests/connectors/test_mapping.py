"""Partner mappings (connectors.mapping): the shipped ones load, every validation error names the
file and the line, rows map to RawCase or to a RowError that never carries a value, and an export
column the mapping does not know is caught."""

from __future__ import annotations

import textwrap
from datetime import date
from pathlib import Path

import pytest

from anonymiser.records import RawCase
from connectors.mapping import (
    COLUMN_MISSING,
    NOT_IN_VALUES,
    NOT_WHOLE_NUMBER,
    REQUIRED_EMPTY,
    Mapping,
    MappingError,
    load_mapping,
)
from connectors.readers.base import Row, RowError

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = sorted((ROOT / "config" / "connectors").glob("*.yaml"))

# A small, valid CSV mapping; the tests below change one thing at a time.
BASE = """\
partner: labour-inspection
format: csv
read: {delimiter: ";", header_row: 1}
languages: [nl, fr]
fields:
  partner_record_id: {column: DossierPersoonID}
  partner_case_id: {column: Dossier}
  role: {column: Rol, values: {Slachtoffer: victim, Victime: victim, Verdachte: suspect}}
  registration_date: {column: Datum, date_format: "%d/%m/%Y"}
  offence: {constant: trafficking}
  first_name: {column: Voornaam}
  last_name: {column: Naam}
  age: {column: Leeftijd}
  nationality: {column: Nationaliteit, resolve: true}
  sex: {column: Geslacht, values: {M: male, V: female}}
  exploitation_forms:
    column: Vormen
    split: "|"
    values: {Economisch: labour, Seksueel: sexual, Beide: [labour, sexual], Onbekend: null}
  address: {columns: [Straat, Postcode, Gemeente]}
  narrative: {column: Vaststellingen}
personal: [GSM, Rijksregisternummer]
ignore: [Opmerking intern]
"""

HEADER = [
    "DossierPersoonID", "Dossier", "Rol", "Datum", "Voornaam", "Naam", "Leeftijd", "Nationaliteit",
    "Geslacht", "Vormen", "Straat", "Postcode", "Gemeente", "Vaststellingen", "GSM", "Rijksregisternummer",
    "Opmerking intern",
]  # fmt: skip


def write(tmp_path: Path, text: str, name: str = "mapping.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def base_mapping(tmp_path: Path, text: str = BASE) -> Mapping:
    return load_mapping(write(tmp_path, text))


def row(**changes: str | None) -> Row:
    fields: dict[str, str | None] = {
        "DossierPersoonID": "TSW-ANT-2024-0211-02",
        "Dossier": "TSW-ANT-2024-0211",
        "Rol": "Slachtoffer",
        "Datum": "25/04/2024",
        "Voornaam": "Ardit",
        "Naam": "GJOKA",
        "Leeftijd": "23",
        "Nationaliteit": "Albanië",
        "Geslacht": "M",
        "Vormen": "Economisch",
        "Straat": "Heikant 4",
        "Postcode": "2480",
        "Gemeente": "Dessel",
        "Vaststellingen": "GJOKA Ardit werkt 12 uur per dag.",
        "GSM": "0471 93 05 66",
        "Rijksregisternummer": None,
        "Opmerking intern": "tolk nodig",
    }
    for key, value in changes.items():
        fields[key.replace("_", " ")] = value
    return Row(7, fields)


# -- the shipped mappings -------------------------------------------------------------------------


def test_there_is_a_mapping_for_each_partner() -> None:
    names = {p.stem for p in SHIPPED}
    expected = {
        "federal_police", "labour_inspection", "social_inspection", "immigration_office", "prosecutors",
        "reception_centre",
    }  # fmt: skip
    assert expected <= names


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_shipped_mapping_loads(path: Path) -> None:
    mapping = load_mapping(path)
    assert mapping.languages
    assert {"partner_record_id", "role", "offence", "registration_date", "narrative"} <= set(mapping.rules)
    assert not mapping.personal & mapping.ignore
    # every personal field the export has is mapped, so that the anonymiser knows the record's own values
    assert {"first_name", "last_name", "national_number", "address"} <= set(mapping.rules)


def test_shipped_partner_codes_are_distinct() -> None:
    codes = [load_mapping(p).partner for p in SHIPPED]
    assert len(codes) == len(set(codes))


# -- validation: every error names the file and the line -------------------------------------------

INVALID: list[tuple[str, str, str, int, str]] = [
    # (id, text to replace in BASE, replacement, expected line, expected words in the message)
    ("unknown RawCase field", "  first_name: {column: Voornaam}", "  firstname: {column: Voornaam}", 11,
     "unknown RawCase field 'firstname' (did you mean 'first_name'?)"),
    ("unknown top-level key", "languages: [nl, fr]", "languages: [nl, fr]\nlanguage: nl", 5,
     "unknown key 'language'"),
    ("unknown key of a field", "  first_name: {column: Voornaam}", "  first_name: {colum: Voornaam}", 11,
     "first_name: unknown key 'colum'"),
    ("personal column mapped to a code", "  sex: {column: Geslacht, values: {M: male, V: female}}",
     "  sex: {column: GSM, values: {M: male, V: female}}", 15,
     "personal column 'GSM' is mapped to sex, which is not a personal field"),
    ("values target not a code", "{Slachtoffer: victim, Victime: victim, Verdachte: suspect}",
     "{Slachtoffer: victim, Victime: slachtoffer, Verdachte: suspect}", 8,
     "role: 'slachtoffer' is not a code of code list 'role'"),
    ("multi-valued target not a code", "Beide: [labour, sexual]", "Beide: [labour, sex]", 19,
     "exploitation_forms: 'sex' is not a code of code list 'exploitation_form'"),
    ("list target for a single field", "{M: male, V: female}", "{M: male, V: [female, other]}", 15,
     "sex: a single-valued field maps a value to one code"),
    ("date format without a year", 'date_format: "%d/%m/%Y"', 'date_format: "%d/%m"', 9,
     "bad date_format '%d/%m' (it must give the day, the month and the year)"),
    ("date format not a format", 'date_format: "%d/%m/%Y"', 'date_format: "%d/%Q/%Y"', 9,
     "bad date_format '%d/%Q/%Y' (not a valid strptime format)"),
    ("date format without directives", 'date_format: "%d/%m/%Y"', 'date_format: "dd/mm/yyyy"', 9,
     "registration_date: date_format must be a strptime format"),
    ("column both personal and ignored", "ignore: [Opmerking intern]", "ignore: [Opmerking intern, GSM]", 23,
     "column 'GSM' is both personal and ignored"),
    ("column both mapped and ignored", "ignore: [Opmerking intern]", "ignore: [Opmerking intern, Naam]", 23,
     "column 'Naam' is both mapped (last_name) and ignored"),
    ("required field missing", "  offence: {constant: trafficking}\n", "", 5,
     "required field(s) not mapped: offence"),
    ("duplicate field", "  last_name: {column: Naam}",
     "  last_name: {column: Naam}\n  last_name: {column: Naam2}", 13,
     "a key appears twice"),
    ("duplicate export value (case ignored)", "Victime: victim, Verdachte",
     "victime: victim, Victime: victim, Verdachte",
     8, "role: export value 'Victime' is already mapped on line 8"),
    ("unknown format", "format: csv", "format: excel", 2,
     "format must be one of csv, xlsx, xml, json, ndjson"),
    ("partner not a code", "partner: labour-inspection", "partner: Labour Inspection", 1,
     "partner must be the partner's code at the Centre"),
    ("unknown read option", 'read: {delimiter: ";", header_row: 1}', 'read: {delimiter: ";", header: 1}', 3,
     "unknown read option 'header'"),
    ("bad header_row", 'read: {delimiter: ";", header_row: 1}', 'read: {delimiter: ";", header_row: 0}', 3,
     "header_row must be a whole number >= 1"),
    ("unknown encoding", 'read: {delimiter: ";", header_row: 1}', 'read: {encoding: klingon}', 3,
     "encoding is not a known text encoding"),
    ("unknown language", "languages: [nl, fr]", "languages: [nl, vl]", 4,
     "language must be one of nl, fr, en, de"),
    ("values on a text field", "  first_name: {column: Voornaam}",
     "  first_name: {column: Voornaam, values: {A: b}}", 11, "first_name: values is not allowed here"),
    ("split on a single-valued field", "  last_name: {column: Naam}",
     '  last_name: {column: Naam, split: "|"}', 12,
     "last_name: split is not allowed here"),
    ("constant not a code", "  offence: {constant: trafficking}", "  offence: {constant: mensenhandel}", 10,
     "offence: 'mensenhandel' is not a code of code list 'offence'"),
    ("two sources", "  last_name: {column: Naam}", "  last_name: {column: Naam, constant: X}", 12,
     "last_name: give exactly one of column, columns, constant"),
    ("partner_id mapped", "  first_name: {column: Voornaam}", "  partner_id: {constant: x}", 11,
     "partner_id is not mapped: it is the mapping's partner"),
    ("resolve not a boolean", "{column: Nationaliteit, resolve: true}",
     "{column: Nationaliteit, resolve: yes}",
     14, "nationality: resolve must be true or false"),
    ("invalid YAML", "  first_name: {column: Voornaam}", "  first_name: {column: Voornaam", 12,
     "invalid YAML"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("old", "new", "line", "words"), [c[1:] for c in INVALID], ids=[c[0] for c in INVALID]
)
def test_invalid_mapping_names_file_and_line(
    tmp_path: Path, old: str, new: str, line: int, words: str
) -> None:
    assert old in BASE
    path = write(tmp_path, BASE.replace(old, new, 1))
    with pytest.raises(MappingError) as caught:
        load_mapping(path)
    assert caught.value.line == line, str(caught.value)
    assert str(caught.value).startswith(f"{path}:{line}: ")
    assert words in str(caught.value)


def test_the_base_mapping_is_valid(tmp_path: Path) -> None:
    mapping = base_mapping(tmp_path)
    assert mapping.partner == "labour-inspection"
    assert mapping.read.delimiter == ";"
    assert mapping.personal_columns >= {"GSM", "Rijksregisternummer", "Voornaam", "Naam", "Straat"}


def test_missing_file_and_non_mapping(tmp_path: Path) -> None:
    with pytest.raises(MappingError, match="file not found"):
        load_mapping(tmp_path / "absent.yaml")
    with pytest.raises(MappingError, match="must be a YAML mapping"):
        load_mapping(write(tmp_path, "- a\n- b\n"))


# -- applying a mapping to rows --------------------------------------------------------------------


def test_apply_builds_a_raw_case(tmp_path: Path) -> None:
    case = base_mapping(tmp_path).apply(row(), "export.csv")
    assert isinstance(case, RawCase)
    assert case.partner_id == "labour-inspection"
    assert case.partner_record_id == "TSW-ANT-2024-0211-02"
    assert case.role == "victim"
    assert case.offence == "trafficking"
    assert case.registration_date == date(2024, 4, 25)
    assert case.age == 23
    assert case.nationality == "AL"  # resolved from the Dutch name
    assert case.sex == "male"
    assert case.exploitation_forms == ("labour",)
    assert case.address == "Heikant 4 2480 Dessel"
    assert case.language is None  # two languages, none mapped: the anonymiser decides


def test_apply_value_maps_ignore_case_and_spaces(tmp_path: Path) -> None:
    case = base_mapping(tmp_path).apply(row(Rol="  VICTIME "), "export.csv")
    assert isinstance(case, RawCase) and case.role == "victim"


def test_apply_multi_valued_field(tmp_path: Path) -> None:
    mapping = base_mapping(tmp_path)
    case = mapping.apply(row(Vormen="Beide|Economisch"), "export.csv")
    assert isinstance(case, RawCase) and case.exploitation_forms == ("labour", "sexual")
    case = mapping.apply(row(Vormen="Onbekend"), "export.csv")
    assert isinstance(case, RawCase) and case.exploitation_forms == ()


def test_empty_optional_values_are_none(tmp_path: Path) -> None:
    case = base_mapping(tmp_path).apply(
        row(
            Leeftijd="",
            Nationaliteit=None,
            Geslacht="  ",
            Vormen=None,
            Straat=None,
            Postcode=None,
            Gemeente=None,
        ),
        "export.csv",
    )
    assert isinstance(case, RawCase)
    assert case.age is None and case.nationality is None and case.sex is None
    assert case.exploitation_forms == () and case.address is None


def test_value_not_in_the_value_list_is_a_row_error_without_the_value(tmp_path: Path) -> None:
    secret = "Vandenberghe Luc"  # a name typed in the wrong column
    result = base_mapping(tmp_path).apply(row(Rol=secret), "export.csv")
    assert isinstance(result, RowError)
    assert (result.file, result.row, result.field) == ("export.csv", 7, "role")
    assert NOT_IN_VALUES in result.reason
    assert "Rol" in result.reason
    for text in (str(result), repr(result), result.reason):
        assert secret not in text and "Vandenberghe" not in text


def test_multi_value_not_in_the_value_list(tmp_path: Path) -> None:
    result = base_mapping(tmp_path).apply(row(Vormen="Economisch|GJOKA Ardit"), "export.csv")
    assert isinstance(result, RowError) and result.field == "exploitation_forms"
    assert NOT_IN_VALUES in result.reason and "GJOKA" not in str(result)


def test_resolve_miss_is_a_row_error(tmp_path: Path) -> None:
    result = base_mapping(tmp_path).apply(row(Nationaliteit="Atlantis"), "export.csv")
    assert isinstance(result, RowError) and result.field == "nationality"
    assert NOT_IN_VALUES in result.reason and "Atlantis" not in str(result)


def test_date_not_matching_is_a_row_error(tmp_path: Path) -> None:
    result = base_mapping(tmp_path).apply(row(Datum="2024-04-25"), "export.csv")
    assert isinstance(result, RowError) and result.field == "registration_date"
    assert "does not match the format '%d/%m/%Y'" in result.reason
    assert "2024-04-25" not in str(result)
    result = base_mapping(tmp_path).apply(row(Datum="31/02/2024"), "export.csv")
    assert isinstance(result, RowError) and result.field == "registration_date"


def test_missing_column_is_a_row_error(tmp_path: Path) -> None:
    fields = dict(row().fields)
    del fields["Naam"]
    result = base_mapping(tmp_path).apply(Row(3, fields), "export.csv")
    assert isinstance(result, RowError)
    assert (result.row, result.field) == (3, "last_name")
    assert COLUMN_MISSING in result.reason and "'Naam'" in result.reason


def test_required_value_empty_is_a_row_error(tmp_path: Path) -> None:
    result = base_mapping(tmp_path).apply(row(Datum=""), "export.csv")
    assert (
        isinstance(result, RowError)
        and result.field == "registration_date"
        and result.reason == REQUIRED_EMPTY
    )
    result = base_mapping(tmp_path).apply(row(Rol=None), "export.csv")
    assert isinstance(result, RowError) and result.field == "role"


def test_age_not_a_whole_number(tmp_path: Path) -> None:
    mapping = base_mapping(tmp_path)
    result = mapping.apply(row(Leeftijd="ongeveer 30"), "export.csv")
    assert isinstance(result, RowError) and result.field == "age" and NOT_WHOLE_NUMBER in result.reason
    case = mapping.apply(row(Leeftijd="31.0"), "export.xlsx")  # a number cell
    assert isinstance(case, RawCase) and case.age == 31


def test_absent_key_in_json_is_empty_but_required_keys_are_not(tmp_path: Path) -> None:
    text = BASE.replace("format: csv", "format: json").replace(
        'read: {delimiter: ";", header_row: 1}', "read: {}"
    )
    mapping = base_mapping(tmp_path, text)
    fields = {k: v for k, v in row().fields.items() if k not in ("Naam", "Leeftijd", "Vormen")}
    case = mapping.apply(Row(1, fields), "export.json")
    assert isinstance(case, RawCase) and case.last_name is None and case.age is None
    del fields["Rol"]
    result = mapping.apply(Row(1, fields), "export.json")
    assert isinstance(result, RowError) and result.field == "role" and COLUMN_MISSING in result.reason


def test_single_language_partner_sets_the_language(tmp_path: Path) -> None:
    mapping = base_mapping(tmp_path, BASE.replace("languages: [nl, fr]", "languages: [fr]"))
    case = mapping.apply(row(), "export.csv")
    assert isinstance(case, RawCase) and case.language == "fr"


def test_constant_dates_and_codes(tmp_path: Path) -> None:
    text = BASE.replace(
        "  narrative: {column: Vaststellingen}",
        "  narrative: {column: Vaststellingen}\n  exploitation_start: {constant: 2023-06-01}\n"
        "  country_of_exploitation: {constant: BE}\n  means_of_control: {constant: [threats, other]}",
    )
    case = base_mapping(tmp_path, text).apply(row(), "export.csv")
    assert isinstance(case, RawCase)
    assert case.exploitation_start == date(2023, 6, 1)
    assert case.country_of_exploitation == "BE"
    assert case.means_of_control == ("threats", "other")


# -- the export's columns ------------------------------------------------------------------------


def test_check_columns_accepts_the_known_header(tmp_path: Path) -> None:
    assert base_mapping(tmp_path).check_columns(HEADER) == []


def test_check_columns_catches_a_new_column(tmp_path: Path) -> None:
    problems = base_mapping(tmp_path).check_columns([*HEADER, "Naam moeder"])
    assert len(problems) == 1
    assert "'Naam moeder'" in problems[0] and "not in the mapping" in problems[0]
    assert problems[0].startswith(str(tmp_path / "mapping.yaml"))


def test_check_columns_catches_a_mapped_column_the_export_lacks(tmp_path: Path) -> None:
    header = [c for c in HEADER if c != "Geslacht"]
    problems = base_mapping(tmp_path).check_columns(header)
    assert len(problems) == 1
    assert "'Geslacht' (field sex) is not in the export" in problems[0]
    assert problems[0].startswith(f"{tmp_path / 'mapping.yaml'}:15:")


def test_personal_and_ignored_columns_may_be_absent(tmp_path: Path) -> None:
    header = [c for c in HEADER if c not in ("GSM", "Rijksregisternummer", "Opmerking intern")]
    assert base_mapping(tmp_path).check_columns(header) == []


def test_check_columns_in_xml_does_not_require_every_mapped_key(tmp_path: Path) -> None:
    text = BASE.replace("format: csv", "format: xml").replace(
        'read: {delimiter: ";", header_row: 1}', "read: {record_path: persoon}"
    )
    mapping = base_mapping(tmp_path, text)
    assert mapping.check_columns(["DossierPersoonID", "Rol", "Datum"]) == []
    assert len(mapping.check_columns(["DossierPersoonID", "Rol", "Datum", "Paspoort"])) == 1


def test_read_options_come_from_the_mapping(tmp_path: Path) -> None:
    mapping = base_mapping(tmp_path)
    assert mapping.read_options().delimiter == ";"
    assert mapping.read_options(max_bytes=1024).max_bytes == 1024
    assert mapping.read_options(max_bytes=1024).delimiter == ";"
