"""Synthetic partner exports (connectors.demo_data): every partner's export reads back with its reader
and maps with its shipped mapping, row for row; it carries personal data of every kind for the
anonymiser to remove; it is deterministic; and the committed samples are exactly what the generator
writes."""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from stdnum import iban as stdnum_iban
from stdnum.be import bis as stdnum_bis
from stdnum.be import nn as stdnum_nn

from anonymiser.records import PERSONAL_FIELDS, RawCase
from connectors import demo_data
from connectors.demo_data import PARTNERS, SAMPLE_ROWS, SAMPLE_SEED, generate, mapping_path, sample_path
from connectors.mapping import Mapping, load_mapping
from connectors.readers.base import Row, RowError

try:
    from connectors.readers import reader_for

    READERS_MISSING = ""
except ImportError:  # pragma: no cover - the readers land separately
    READERS_MISSING = "the readers (connectors.readers.reader_for) have not landed yet"

needs_readers = pytest.mark.skipif(bool(READERS_MISSING), reason=READERS_MISSING or "readers present")
ALL = sorted(PARTNERS)
ROOT = Path(__file__).resolve().parents[2]
HTCDS = ROOT.parent / "shared" / "reference" / "htcds-2.0-field-standards.csv"
TEXT_ENCODING = {"labour_inspection": "cp1252", "prosecutors": "utf-8-sig"}


def read(partner: str, path: Path) -> tuple[Mapping, list[Row], list[RawCase], list[RowError]]:
    mapping = load_mapping(mapping_path(partner))
    rows: list[Row] = []
    cases: list[RawCase] = []
    errors: list[RowError] = []
    for item in reader_for(path, mapping.format).rows(path, mapping.read_options()):
        if isinstance(item, RowError):
            errors.append(item)
            continue
        rows.append(item)
        mapped = mapping.apply(item, path.name)
        if isinstance(mapped, RowError):
            errors.append(mapped)
        else:
            cases.append(mapped)
    return mapping, rows, cases, errors


def export_texts(partner: str, path: Path) -> str:
    """Everything the export holds, as text (for XLSX, every cell)."""
    if PARTNERS[partner].format != "xlsx":
        return path.read_text(encoding=TEXT_ENCODING.get(partner, "utf-8"))
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True)
    try:
        return "\n".join(
            str(value)
            for sheet in workbook.worksheets
            for r in sheet.iter_rows(values_only=True)
            for value in r
        )
    finally:
        workbook.close()


def personal_values(case: RawCase) -> Iterator[tuple[str, str]]:
    for name in PERSONAL_FIELDS:
        value = getattr(case, name)
        if name == "narrative" or value in (None, ()) or isinstance(value, date):
            continue
        for item in value if isinstance(value, tuple) else (value,):
            yield name, item


@pytest.fixture(scope="module")
def exports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("exports")
    return {partner: generate(partner, 120, out, seed=7) for partner in ALL}


# -- every row maps --------------------------------------------------------------------------------


@needs_readers
@pytest.mark.parametrize("partner", ALL)
def test_every_row_becomes_a_raw_case(partner: str, exports: dict[str, Path]) -> None:
    mapping, rows, cases, errors = read(partner, exports[partner])
    assert [str(e) for e in errors] == []
    assert len(rows) == len(cases) == 120
    header = sorted({key for r in rows for key in r.fields})
    assert mapping.check_columns(header) == []
    assert all(case.partner_id == mapping.partner for case in cases)
    assert len({case.partner_record_id for case in cases}) == 120  # one record per person and case


@needs_readers
@pytest.mark.parametrize("partner", ALL)
def test_personal_values_of_each_record_are_in_the_export(partner: str, exports: dict[str, Path]) -> None:
    _, _, cases, _ = read(partner, exports[partner])
    text = export_texts(partner, exports[partner])
    for case in cases:
        values = dict(personal_values(case))
        assert {"partner_record_id", "first_name", "last_name", "address"} <= set(values)
        for name, value in personal_values(case):
            if name == "address":  # mapped from several columns: each part is there
                assert all(part in text for part in value.split()), name
            else:
                assert value in text, name
        # the narrative names the person, so that the anonymiser has something to remove
        assert case.narrative is not None
        assert case.last_name is not None and case.last_name.casefold() in case.narrative.casefold()


_NN = re.compile(r"(?<!\d)(\d{2})\.?(\d{2})\.?(\d{2})[-. ]?(\d{3})[. ]?(\d{2})(?!\d)")
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b")
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+\.[\w.]+\b")
_PHONE = re.compile(r"(?:\+|00)\d{2,3}[ \d]{7,14}|\b04\d{2}[ /.]?\d{2}[ .]?\d{2}[ .]?\d{2}\b")
_BE_PLATE = re.compile(r"\b[12]-?[A-Z]{3}-?\d{3}\b")


def kinds_in(text: str) -> set[str]:
    found = set()
    for m in _NN.finditer(text):
        number = "".join(m.groups())
        if stdnum_nn.is_valid(number):
            found.add("national number")
        if stdnum_bis.is_valid(number):
            found.add("BIS number")
    if any(stdnum_iban.is_valid(m.group()) for m in _IBAN.finditer(text)):
        found.add("IBAN")
    if _EMAIL.search(text):
        found.add("e-mail")
    if _PHONE.search(text):
        found.add("phone")
    if _BE_PLATE.search(text):
        found.add("plate")
    if "°" in text:
        found.add("° for born")
    return found


@pytest.mark.parametrize("partner", ALL)
def test_every_kind_of_personal_data_is_planted(partner: str, exports: dict[str, Path]) -> None:
    found = kinds_in(export_texts(partner, exports[partner]))
    assert {"national number", "BIS number", "IBAN", "e-mail", "phone"} <= found
    if partner in ("federal_police", "prosecutors", "labour_inspection"):
        assert "plate" in found
    if partner == "federal_police":
        assert "° for born" in found


@needs_readers
def test_narratives_name_other_people_and_write_names_police_style(exports: dict[str, Path]) -> None:
    _, _, cases, _ = read("federal_police", exports["federal_police"])
    police_style = re.compile(r"\b[A-ZÀ-Ý][A-ZÀ-Ý'-]+(?: [A-ZÀ-Ý'-]+)* [A-ZÀ-Ý][a-zà-ÿ]+")
    assert all(police_style.search(case.narrative or "") for case in cases)
    others = 0
    for case in cases:
        names = police_style.findall(case.narrative or "")
        own = f"{(case.last_name or '').upper()} {case.first_name}"
        others += any(name != own and not own.startswith(name) for name in names)
    assert others > len(cases) // 2


# -- variety ------------------------------------------------------------------------------------


@needs_readers
@pytest.mark.parametrize("partner", ALL)
def test_languages_nationalities_and_dates_vary(partner: str, tmp_path: Path) -> None:
    mapping, _, cases, errors = read(partner, generate(partner, 300, tmp_path, seed=3))
    assert not errors
    languages = Counter(case.language for case in cases)
    assert set(languages) == set(mapping.languages) == set(PARTNERS[partner].languages)
    assert len({case.nationality for case in cases}) >= 8
    days = [case.registration_date for case in cases]
    assert all(isinstance(day, date) and date(2024, 1, 1) <= day <= date(2025, 12, 31) for day in days)
    assert len({(day.year, day.month) for day in days if isinstance(day, date)}) >= 20
    assert len({case.role for case in cases}) >= 2
    assert len({form for case in cases for form in case.exploitation_forms}) >= 1


# -- formats and layouts -------------------------------------------------------------------------


def test_labour_inspection_csv_is_what_belgian_excel_writes(exports: dict[str, Path]) -> None:
    data = exports["labour_inspection"].read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    text = data.decode("cp1252")
    header = text.split("\r\n", 1)[0]
    assert header.count(";") > 20 and "," not in header
    assert "Datum controle/Date contrôle" in header and "N° dossier" in header
    assert re.search(r";\d{2}/\d{2}/\d{4};", text)


def test_prosecutors_csv_is_utf8_with_a_bom(exports: dict[str, Path]) -> None:
    data = exports["prosecutors"].read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    header = data.decode("utf-8-sig").split("\r\n", 1)[0]
    assert header.startswith("notitienummer,") and ";" not in header


def test_police_xml_has_nested_person_elements(exports: dict[str, Path]) -> None:
    text = exports["federal_police"].read_text(encoding="utf-8")
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    assert "<Betrokkene>" in text and "<Persoon>" in text and "<Adres>" in text and "<PlaatsFeiten>" in text
    assert "<!DOCTYPE" not in text


def test_immigration_json_is_an_object_with_a_list_of_records(exports: dict[str, Path]) -> None:
    import json

    document = json.loads(exports["immigration_office"].read_text(encoding="utf-8"))
    assert set(document) == {"export", "records"}
    assert len(document["records"]) == 120
    keys = {key for record in document["records"] for key in record}
    assert {"dossier_oe", "nom", "voornaam", "nationality", "adresse"} <= keys  # fr, nl, en keys


def test_reception_centre_is_laid_out_like_the_htcds_toolkit(exports: dict[str, Path]) -> None:
    from openpyxl import load_workbook

    workbook = load_workbook(exports["reception_centre"], read_only=True)
    try:
        rows = list(workbook["Cases"].iter_rows(min_row=1, max_row=6, values_only=True))
    finally:
        workbook.close()
    assert "HTCDS" in str(rows[0][0])
    header = [str(value) for value in rows[4] if value is not None]
    assert rows[3][header.index("prs_FirstName")] == "First Name"  # the labels row above the names
    assert {
        "prs_FirstName",
        "prs_SecondName",
        "vic_TraffickingStatus",
        "cas_CaseNumber",
        "cco_CaseComment",
    } <= set(header)
    prefixes = ("prs_", "vic_", "cas_", "hte_", "cco_", "con_")
    assert all(name.startswith(prefixes) for name in header)
    if HTCDS.exists():
        import csv

        with HTCDS.open(encoding="utf-8") as f:
            standard = {r["Field Name including Prefix"] for r in csv.DictReader(f)}
        own = {"prs_Id", "cas_CaseNumber"}  # record ids, which the standard leaves to the system
        assert [n for n in header if n not in standard and n not in own and not n.endswith("__c")] == []


# -- determinism and the committed samples -----------------------------------------------------------


@pytest.mark.parametrize("partner", ALL)
def test_generation_is_deterministic(partner: str, tmp_path: Path) -> None:
    first = generate(partner, 25, tmp_path / "a", seed=11).read_bytes()
    again = generate(partner, 25, tmp_path / "b", seed=11).read_bytes()
    other = generate(partner, 25, tmp_path / "c", seed=12).read_bytes()
    assert first == again
    assert first != other


def _cells(path: Path) -> list[tuple[object, ...]]:
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True)
    try:
        return [tuple(r) for sheet in workbook.worksheets for r in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()


@pytest.mark.parametrize("partner", ALL)
def test_committed_sample_is_what_the_generator_writes(partner: str, tmp_path: Path) -> None:
    committed = sample_path(partner)
    assert committed.exists(), f"missing sample: run python -m connectors.demo_data --samples ({committed})"
    fresh = generate(partner, SAMPLE_ROWS, tmp_path, seed=SAMPLE_SEED)
    hint = "the sample is stale: run python -m connectors.demo_data --samples"
    if PARTNERS[partner].format == "xlsx":  # compare the cells: the zip bytes depend on openpyxl's version
        assert _cells(committed) == _cells(fresh), hint
    else:
        assert committed.read_bytes() == fresh.read_bytes(), hint


@needs_readers
@pytest.mark.parametrize("partner", ALL)
def test_committed_sample_maps_completely(partner: str) -> None:
    _, rows, cases, errors = read(partner, sample_path(partner))
    assert not errors
    assert len(rows) == len(cases) == SAMPLE_ROWS


# -- identifiers ------------------------------------------------------------------------------------


def test_belgian_numbers_have_valid_check_digits() -> None:
    import random

    rng = random.Random(5)
    for _ in range(2000):
        born = date(rng.randrange(1940, 2012), rng.randrange(1, 13), rng.randrange(1, 29))
        male = rng.random() < 0.5
        number = demo_data.belgian_number(rng, born, male, bis=False)
        assert stdnum_nn.is_valid(number), number
        assert stdnum_nn.get_birth_date(number) == born
        assert stdnum_nn.get_gender(number) == ("M" if male else "F")
        assert stdnum_bis.is_valid(demo_data.belgian_number(rng, born, male, bis=True))
        assert stdnum_iban.is_valid(demo_data.iban(rng, rng.choice(("BE", "RO", "BG", "LT", "NL"))))
        assert stdnum_nn.is_valid(demo_data.format_belgian_number(rng, number))


# -- entry points -------------------------------------------------------------------------------


def test_generate_refuses_bad_arguments(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown partner"):
        generate("interpol", 10, tmp_path)
    with pytest.raises(ValueError, match="at least 1"):
        generate("federal_police", 0, tmp_path)


def test_partners_name_their_format_and_mapping() -> None:
    for name, spec in PARTNERS.items():
        assert spec.name == name
        assert mapping_path(name).exists()
        assert load_mapping(mapping_path(name)).format == spec.format
        assert Path(spec.export).suffix == f".{spec.format}"


def test_main_demo_data_writes_an_export(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert demo_data.main_demo_data(["--partner", "prosecutors", "--rows", "5", str(tmp_path)]) == 0
    written = tmp_path / "prosecutors.csv"
    assert written.exists() and str(written) in capsys.readouterr().out
    assert written.read_bytes().decode("utf-8-sig").count("\r\n") >= 6  # the header and five records
    with pytest.raises(SystemExit) as caught:
        demo_data.main_demo_data(["--partner", "interpol", str(tmp_path)])
    assert caught.value.code == 2


@pytest.mark.slow
def test_twenty_thousand_police_rows_take_a_few_seconds(tmp_path: Path) -> None:
    start = time.perf_counter()
    path = generate("federal_police", 20_000, tmp_path)
    elapsed = time.perf_counter() - start
    assert path.read_text(encoding="utf-8").count("<Betrokkene>") == 20_000
    assert elapsed < 15, f"{elapsed:.1f} s"
