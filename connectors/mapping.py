"""Declarative partner mappings: which column of a partner's export fills which :class:`RawCase`
field, how its values become codes, how its dates are written, and which columns hold personal data.

A mapping is a YAML file in ``config/connectors/``, read with the configuration's safe loader
(:func:`anonymiser.config.load_yaml`: no Python objects, duplicate keys refused, only
``true``/``false`` are booleans) and checked completely when it is loaded; every problem names the
file and the line. The format::

    partner: labour-inspection       # the partner's code at the Centre (becomes RawCase.partner_id)
    format: csv                      # csv | xlsx | xml | json | ndjson
    description: ...                 # optional, free text for people
    read: {delimiter: ";", encoding: null, sheet: null, header_row: 1, record_path: null}
    languages: [nl, fr]              # languages the partner writes narratives in
    fields:                          # RawCase field -> where its value comes from
      partner_record_id: {column: DossierPersoonID}
      role: {column: Rol, values: {Slachtoffer: victim, Verdachte: suspect}}
      registration_date: {column: Datum, date_format: "%d/%m/%Y"}
      exploitation_forms: {column: Vormen, split: "|", values: {Seksueel: sexual}}
      nationality: {column: Nationaliteit, resolve: true}
      address: {columns: [Straat, Huisnummer, Postcode, Gemeente], join: " "}
      offence: {constant: trafficking}
      narrative: {column: Vaststellingen}
    personal: [Naam, Voornaam, Rijksregisternummer, GSM, Adres]   # columns holding personal data
    ignore: [Opmerking intern]       # columns deliberately not used

Keys of a field (exactly one of ``column``, ``columns``, ``constant``):

``column``
    the export column (CSV/XLSX header, flattened XML/JSON key) holding the value.
``columns`` / ``join``
    several columns: for a single-valued field their non-empty values joined with ``join``
    (default one space); for a multi-valued field (``aliases``, ``exploitation_forms``,
    ``means_of_control``) each column gives items of its own.
``constant``
    the same value for every row (for a coded field, a code of its list).
``values``
    for a coded field: export value -> code (a list of codes for a multi-valued field, ``null`` for
    "no value"). Matching ignores case and surrounding spaces. A value that is neither in ``values``
    nor (with ``resolve``) known to the code list makes the row a :class:`RowError` (never saying
    the value: it may be personal, a name typed in the wrong column).
``resolve``
    ``true``: also accept what the field's code list resolves (its codes, its en/nl/fr labels and
    the codes of other standards it maps, such as HTCDS ``Feminine`` or ISO alpha-3 ``ROU``).
``split``
    for a multi-valued field, the separator between items in one cell (default: any of
    ``; , |`` and newline, as :class:`RawCase` reads lists).
``date_format``
    for ``registration_date``, ``birth_date`` and ``exploitation_start``: a ``strptime`` format
    or a list of them (default ``["%Y-%m-%d", "%d/%m/%Y"]``). A value matching none makes the row a
    :class:`RowError`; the field receives a ``date``.

The coded fields are ``role``, ``offence``, ``sex``, ``labour_sector``, ``minor_at_exploitation``,
``recruiter_relation``, ``protection_stage``, ``judicial_stage``, ``exploitation_forms``,
``means_of_control`` (each against its code list in ``config/codelists/``), ``nationality`` (the
nationality list or a region), ``country_of_exploitation`` (the nationality list) and
``language`` (``nl``, ``fr``, ``en``, ``de``). ``age`` takes a whole number. ``partner_id`` is not
mapped: it is ``partner``. ``partner_record_id``, ``role``, ``offence`` and
``registration_date`` must be mapped.

``personal`` lists the columns that hold personal data. A personal column may fill only a
personal RawCase field (:data:`anonymiser.records.PERSONAL_FIELDS`, which the policy drops,
hashes or scrubs) or a quasi-identifier (:data:`anonymiser.records.QUASI_IDENTIFIERS`, which
only leave coarsened); mapping one onto a field that leaves as it is (a code) is an error. Columns
mapped onto personal fields count as personal without being listed. ``ignore`` lists columns that
are deliberately not used. :meth:`Mapping.check_columns` refuses an export with a column that is
none of mapped, personal or ignored: a partner that adds a column to its export must say in its
mapping what it is before the connector runs again.

Absent columns: in CSV and XLSX every row has every header column, so a mapped column missing from
a row means the export lacks it (a :class:`RowError`, and a problem of ``check_columns``). In XML
and JSON an absent element or key is how an empty value is written, so it is read as empty
(``None``); a required field still has to be there.

Nothing here puts a value of an export in an error, a log or a ``repr``: a :class:`RowError` names
the file, the row, the RawCase field and the column, and says why. Errors about the mapping file
name the file and the line (:class:`MappingError`, a :class:`anonymiser.config.ConfigError`).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Sequence
from collections.abc import Mapping as MappingABC
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from types import MappingProxyType
from typing import Final

from anonymiser.codelists import CodeList, CodeLists, default_codelists
from anonymiser.config import ConfigError, YamlList, YamlMap, line_of, load_yaml
from anonymiser.records import (
    PERSONAL_FIELDS,
    QUASI_IDENTIFIERS,
    RAW_FIELDS,
    RawCase,
    RecordError,
)
from connectors.readers.base import ReadOptions, Row, RowError

FORMATS: Final[tuple[str, ...]] = ("csv", "xlsx", "xml", "json", "ndjson")
#: Formats in which every row carries every column (an absent column is an error there).
TABULAR_FORMATS: Final[frozenset[str]] = frozenset({"csv", "xlsx"})
LANGUAGES: Final[tuple[str, ...]] = ("nl", "fr", "en", "de")
REQUIRED_FIELDS: Final[tuple[str, ...]] = ("partner_record_id", "role", "offence", "registration_date")
DEFAULT_DATE_FORMATS: Final[tuple[str, ...]] = ("%Y-%m-%d", "%d/%m/%Y")

#: Coded RawCase fields and the code list(s) their codes come from.
FIELD_LISTS: Final[MappingABC[str, tuple[str, ...]]] = MappingProxyType(
    {
        "role": ("role",),
        "offence": ("offence",),
        "sex": ("sex",),
        "labour_sector": ("labour_sector",),
        "minor_at_exploitation": ("minor_at_exploitation",),
        "recruiter_relation": ("recruiter_relation",),
        "protection_stage": ("protection_stage",),
        "judicial_stage": ("judicial_stage",),
        "exploitation_forms": ("exploitation_form",),
        "means_of_control": ("means_of_control",),
        "nationality": ("nationality", "region"),
        "country_of_exploitation": ("nationality",),
    }
)
LANGUAGE_FIELD: Final = "language"
DATE_FIELDS: Final[frozenset[str]] = frozenset({"registration_date", "birth_date", "exploitation_start"})
MULTI_FIELDS: Final[frozenset[str]] = frozenset({"aliases", "exploitation_forms", "means_of_control"})
#: Fields a personal column may fill.
PERSONAL_TARGETS: Final[frozenset[str]] = frozenset(PERSONAL_FIELDS) | frozenset(QUASI_IDENTIFIERS)

# Row error reasons (never a value).
NOT_IN_VALUES: Final = "value not in the mapping's value list"
COLUMN_MISSING: Final = "column missing from the export"
REQUIRED_EMPTY: Final = "required value is empty"
NOT_WHOLE_NUMBER: Final = "not a whole number"

_TOP_KEYS: Final = frozenset(
    {"partner", "format", "description", "read", "languages", "fields", "personal", "ignore"}
)
_READ_KEYS: Final = frozenset({"delimiter", "encoding", "sheet", "header_row", "record_path"})
_SPEC_KEYS: Final = frozenset(
    {"column", "columns", "join", "constant", "values", "resolve", "split", "date_format"}
)
_PARTNER = re.compile(r"[a-z0-9][a-z0-9._-]{0,39}")
_LIST_SPLIT = re.compile(r"[;,|\n]")
_WHOLE = re.compile(r"\d+(?:\.0*)?")
_PROBE_DATE: Final = datetime(2001, 2, 3)


class MappingError(ConfigError):
    """A mapping file that cannot be used; the message names the file and the line."""


class _RowProblem(Exception):
    """Raised while mapping one row; becomes a RowError (field and reason, never a value)."""

    def __init__(self, field_name: str, reason: str) -> None:
        super().__init__(reason)
        self.field_name = field_name
        self.reason = reason


def _key(value: str) -> str:
    return " ".join(value.split()).casefold()


# -- one field ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldRule:
    """How one RawCase field is filled. Holds configuration only, never a value of an export."""

    name: str
    columns: tuple[str, ...] = ()
    join: str = " "
    constant: object = None
    values: MappingABC[str, tuple[str, ...] | None] = field(default_factory=dict)
    resolve: bool = False
    split: str | None = None
    date_formats: tuple[str, ...] = DEFAULT_DATE_FORMATS
    line: int | None = None
    resolver: Callable[[str], str | None] | None = field(default=None, repr=False, compare=False)

    @property
    def is_multi(self) -> bool:
        return self.name in MULTI_FIELDS

    @property
    def is_coded(self) -> bool:
        return self.name in FIELD_LISTS or self.name == LANGUAGE_FIELD

    def _where(self, column: str) -> str:
        return f"column {column!r}"

    def _raw(self, fields: MappingABC[str, str | None], tabular: bool) -> list[tuple[str, str]]:
        """The non-empty (column, text) pairs of this rule's columns."""
        found: list[tuple[str, str]] = []
        for column in self.columns:
            if column not in fields:
                if tabular or self.name in REQUIRED_FIELDS:
                    raise _RowProblem(self.name, f"{COLUMN_MISSING} ({self._where(column)})")
                continue
            raw = fields[column]
            text = raw.strip() if isinstance(raw, str) else ""
            if text:
                found.append((column, text))
        return found

    def _code(self, column: str, text: str) -> tuple[str, ...] | None:
        key = _key(text)
        if key in self.values:
            return self.values[key]
        if self.resolver is not None:
            code = self.resolver(text)
            if code is not None:
                return (code,)
        raise _RowProblem(self.name, f"{NOT_IN_VALUES} ({self._where(column)})")

    def _items(self, text: str) -> list[str]:
        parts = text.split(self.split) if self.split is not None else _LIST_SPLIT.split(text)
        return [p.strip() for p in parts if p.strip()]

    def extract(self, fields: MappingABC[str, str | None], tabular: bool) -> object:
        if not self.columns:
            return self.constant
        pairs = self._raw(fields, tabular)
        if self.is_multi:
            items: list[str] = []
            for column, text in pairs:
                for item in self._items(text):
                    if self.is_coded:
                        codes = self._code(column, item)
                        items.extend(c for c in codes or () if c not in items)
                    else:
                        items.append(item)
            return tuple(items)
        if not pairs:
            return None
        column = pairs[0][0]
        text = self.join.join(t for _, t in pairs)
        if self.is_coded:
            codes = self._code(column, text)
            return codes[0] if codes else None
        if self.name in DATE_FIELDS:
            return self._date(column, text)
        if self.name == "age":
            if not _WHOLE.fullmatch(text):
                raise _RowProblem(self.name, f"{NOT_WHOLE_NUMBER} ({self._where(column)})")
            return int(float(text))
        return text

    def _date(self, column: str, text: str) -> date:
        for fmt in self.date_formats:
            try:
                return datetime.strptime(text, fmt).date()
            except ValueError:
                continue
        shown = " or ".join(repr(f) for f in self.date_formats)
        raise _RowProblem(self.name, f"date does not match the format {shown} ({self._where(column)})")


# -- the mapping ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Mapping:
    """A loaded, checked partner mapping."""

    path: Path
    partner: str
    format: str
    read: ReadOptions
    languages: tuple[str, ...]
    rules: MappingABC[str, FieldRule]
    personal: frozenset[str]
    ignore: frozenset[str]
    description: str | None = None

    @property
    def mapped_columns(self) -> frozenset[str]:
        return frozenset(c for rule in self.rules.values() for c in rule.columns)

    @property
    def personal_columns(self) -> frozenset[str]:
        """Columns listed as personal plus the columns that fill personal RawCase fields."""
        filled = {c for rule in self.rules.values() if rule.name in PERSONAL_FIELDS for c in rule.columns}
        return self.personal | filled

    @property
    def known_columns(self) -> frozenset[str]:
        return self.mapped_columns | self.personal | self.ignore

    def read_options(self, max_bytes: int | None = None) -> ReadOptions:
        """The reader options of this mapping, with another size limit if given."""
        return self.read if max_bytes is None else replace(self.read, max_bytes=max_bytes)

    def check_columns(self, header: Iterable[str]) -> list[str]:
        """Problems between the export's columns and this mapping: a column the mapping does not
        know (it may hold personal data: the connector must not run until the mapping says what
        it is) and, for CSV and XLSX, a mapped column the export lacks (in XML and JSON an absent
        key is an empty value). ``header`` is the header row, or for XML and JSON the keys seen in
        the file's records. Names columns, never values."""
        seen = list(dict.fromkeys(header))
        known = self.known_columns
        problems = [
            f"{self.path}: column {c!r} of the export is not in the mapping: map it under fields, "
            "or list it under personal or ignore"
            for c in seen
            if c not in known
        ]
        if self.format not in TABULAR_FORMATS:
            return problems
        present = set(seen)
        for rule in self.rules.values():
            for column in rule.columns:
                if column not in present:
                    where = f"{self.path}:{rule.line}" if rule.line else str(self.path)
                    problems.append(f"{where}: column {column!r} (field {rule.name}) is not in the export")
        return problems

    def apply(self, row: Row, file: str) -> RawCase | RowError:
        """Map one row to a RawCase, or say (row, field, why; never the value) why it cannot be."""
        tabular = self.format in TABULAR_FORMATS
        data: dict[str, object] = {"partner_id": self.partner}
        try:
            for name, rule in self.rules.items():
                value = rule.extract(row.fields, tabular)
                if value is None or value == ():
                    if name in REQUIRED_FIELDS:
                        raise _RowProblem(name, REQUIRED_EMPTY)
                    continue
                data[name] = value
        except _RowProblem as problem:
            return RowError(file, row.number, problem.field_name, problem.reason)
        if "language" not in data and len(self.languages) == 1:
            data["language"] = self.languages[0]
        try:
            return RawCase.from_mapping(data)
        except RecordError as exc:
            return RowError(file, row.number, exc.field, exc.problem)
        except (TypeError, ValueError):
            return RowError(file, row.number, None, "record cannot be built")


# -- loading and validation -----------------------------------------------------------------------


class _Checker:
    def __init__(self, path: Path, codelists: CodeLists) -> None:
        self.path = path
        self.lists = codelists

    def fail(self, line: int | None, message: str) -> MappingError:
        return MappingError(self.path, line, message)

    def text(self, value: object, line: int | None, what: str) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.fail(line, f"{what} must be a non-empty text (quote it if it looks like a number)")
        return value

    def column_list(self, data: YamlMap, key: str) -> tuple[tuple[str, int], ...]:
        raw = data.get(key)
        if raw is None:
            return ()
        if not isinstance(raw, YamlList):
            raise self.fail(data.line_of(key), f"{key} must be a list of column names")
        out: list[tuple[str, int]] = []
        seen: dict[str, int] = {}
        for i, item in enumerate(raw):
            line = raw.line_of(i)
            column = self.text(item, line, f"each {key} column")
            if column in seen:
                raise self.fail(
                    line, f"column {column!r} is listed twice under {key} (first on line {seen[column]})"
                )
            seen[column] = line
            out.append((column, line))
        return tuple(out)

    # -- top level --

    def mapping(self, data: object) -> Mapping:
        if not isinstance(data, YamlMap):
            raise self.fail(
                line_of(data), "a mapping file must be a YAML mapping with partner, format and fields"
            )
        for key in data:
            if key not in _TOP_KEYS:
                raise self.fail(
                    data.line_of(key), f"unknown key {key!r} (expected {', '.join(sorted(_TOP_KEYS))})"
                )
        for key in ("partner", "format", "fields"):
            if key not in data:
                raise self.fail(data.line, f"missing key {key!r}")
        partner = self.text(data["partner"], data.line_of("partner"), "partner")
        if not _PARTNER.fullmatch(partner):
            raise self.fail(
                data.line_of("partner"),
                "partner must be the partner's code at the Centre: "
                "1-40 lower-case letters, digits, '.', '_' or '-'",
            )
        fmt = data["format"]
        if fmt not in FORMATS:
            raise self.fail(data.line_of("format"), f"format must be one of {', '.join(FORMATS)}")
        description = data.get("description")
        if description is not None:
            description = self.text(description, data.line_of("description"), "description")
        read = self.read(data)
        languages = self.languages(data)
        personal = self.column_list(data, "personal")
        ignore = self.column_list(data, "ignore")
        personal_names = {c for c, _ in personal}
        for column, line in ignore:
            if column in personal_names:
                raise self.fail(line, f"column {column!r} is both personal and ignored: say which it is")
        rules = self.fields(data)
        ignored = {c: line for c, line in ignore}
        for rule in rules.values():
            for column in rule.columns:
                if column in personal_names and rule.name not in PERSONAL_TARGETS:
                    raise self.fail(
                        rule.line,
                        f"personal column {column!r} is mapped to {rule.name}, which is not a personal field "
                        "(its value would leave the partner as it is)",
                    )
                if column in ignored:
                    raise self.fail(
                        ignored[column], f"column {column!r} is both mapped ({rule.name}) and ignored"
                    )
        return Mapping(
            path=self.path,
            partner=partner,
            format=fmt,
            read=read,
            languages=languages,
            rules=MappingProxyType(rules),
            personal=frozenset(personal_names),
            ignore=frozenset(ignored),
            description=description,
        )

    def read(self, data: YamlMap) -> ReadOptions:
        raw = data.get("read")
        if raw is None:
            return ReadOptions()
        if not isinstance(raw, YamlMap):
            raise self.fail(data.line_of("read"), "read must be a mapping of reader options")
        options: dict[str, str] = {}
        header_row = 1
        for key, value in raw.items():
            line = raw.line_of(key)
            if key not in _READ_KEYS:
                raise self.fail(
                    line, f"unknown read option {key!r} (expected {', '.join(sorted(_READ_KEYS))})"
                )
            if value is None:
                continue
            if key == "header_row":
                if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                    raise self.fail(line, "header_row must be a whole number >= 1")
                header_row = value
                continue
            if key == "delimiter":
                if not isinstance(value, str) or len(value) != 1:
                    raise self.fail(line, 'delimiter must be one character (quote it: ";")')
            elif key == "encoding":
                value = self.text(value, line, "encoding")
                try:
                    "".encode(value)
                except LookupError:
                    raise self.fail(line, "encoding is not a known text encoding") from None
            else:
                value = self.text(value, line, key)
            options[key] = value
        return ReadOptions(
            encoding=options.get("encoding"),
            delimiter=options.get("delimiter"),
            sheet=options.get("sheet"),
            header_row=header_row,
            record_path=options.get("record_path"),
        )

    def languages(self, data: YamlMap) -> tuple[str, ...]:
        raw = data.get("languages")
        if raw is None:
            return ()
        if not isinstance(raw, YamlList):
            raise self.fail(data.line_of("languages"), "languages must be a list such as [nl, fr]")
        out: list[str] = []
        for i, lang in enumerate(raw):
            if lang not in LANGUAGES:
                raise self.fail(raw.line_of(i), f"language must be one of {', '.join(LANGUAGES)}")
            if lang in out:
                raise self.fail(raw.line_of(i), f"language {lang!r} is listed twice")
            out.append(lang)
        return tuple(out)

    def fields(self, data: YamlMap) -> dict[str, FieldRule]:
        raw = data["fields"]
        if not isinstance(raw, YamlMap) or not raw:
            raise self.fail(data.line_of("fields"), "fields must be a mapping of RawCase field to its source")
        rules: dict[str, FieldRule] = {}
        for name, spec in raw.items():
            line = raw.line_of(name)
            if name == "partner_id":
                raise self.fail(line, "partner_id is not mapped: it is the mapping's partner")
            if name not in RAW_FIELDS:
                hint = difflib.get_close_matches(str(name), RAW_FIELDS, n=1)
                more = f" (did you mean {hint[0]!r}?)" if hint else ""
                raise self.fail(line, f"unknown RawCase field {name!r}{more}")
            rules[name] = self.rule(name, spec, line)
        missing = [f for f in REQUIRED_FIELDS if f not in rules]
        if missing:
            raise self.fail(data.line_of("fields"), f"required field(s) not mapped: {', '.join(missing)}")
        return rules

    # -- one field --

    def rule(self, name: str, spec: object, line: int) -> FieldRule:
        if not isinstance(spec, YamlMap):
            raise self.fail(line, f"{name}: give a mapping such as {{column: ...}} or {{constant: ...}}")
        for key in spec:
            if key not in _SPEC_KEYS:
                raise self.fail(
                    spec.line_of(key),
                    f"{name}: unknown key {key!r} (expected {', '.join(sorted(_SPEC_KEYS))})",
                )
        sources = [k for k in ("column", "columns", "constant") if k in spec]
        if len(sources) != 1:
            raise self.fail(line, f"{name}: give exactly one of column, columns, constant")
        coded = name in FIELD_LISTS or name == LANGUAGE_FIELD
        multi = name in MULTI_FIELDS
        for key, allowed, why in (
            ("values", coded, "only coded fields have values"),
            ("resolve", coded, "only coded fields resolve against a code list"),
            ("split", multi, "only multi-valued fields are split"),
            ("date_format", name in DATE_FIELDS, "only date fields have a date_format"),
            ("join", "columns" in spec, "join goes with columns"),
        ):
            if key in spec and not allowed:
                raise self.fail(spec.line_of(key), f"{name}: {key} is not allowed here ({why})")
        if "constant" in spec:
            for key in ("values", "resolve", "split"):
                if key in spec:
                    raise self.fail(spec.line_of(key), f"{name}: {key} does not go with constant")
        columns: tuple[str, ...] = ()
        if "column" in spec:
            columns = (self.text(spec["column"], spec.line_of("column"), f"{name}: column"),)
        elif "columns" in spec:
            raw = spec["columns"]
            if not isinstance(raw, YamlList) or not raw:
                raise self.fail(spec.line_of("columns"), f"{name}: columns must be a non-empty list")
            columns = tuple(self.text(c, raw.line_of(i), f"{name}: each column") for i, c in enumerate(raw))
        join = " "
        if "join" in spec:
            if not isinstance(spec["join"], str):
                raise self.fail(spec.line_of("join"), f"{name}: join must be text (quote it)")
            join = spec["join"]
        split: str | None = None
        if "split" in spec:
            if not isinstance(spec["split"], str) or not spec["split"]:
                raise self.fail(spec.line_of("split"), f"{name}: split must be a non-empty text (quote it)")
            split = spec["split"]
        resolve = False
        if "resolve" in spec:
            if not isinstance(spec["resolve"], bool):
                raise self.fail(spec.line_of("resolve"), f"{name}: resolve must be true or false")
            resolve = spec["resolve"]
        formats = DEFAULT_DATE_FORMATS
        if "date_format" in spec:
            formats = self.date_formats(name, spec)
        values = self.values(name, spec) if "values" in spec else {}
        constant = None
        if "constant" in spec:
            constant = self.constant(name, spec, formats)
        return FieldRule(
            name=name,
            columns=columns,
            join=join,
            constant=constant,
            values=MappingProxyType(values),
            resolve=resolve,
            split=split,
            date_formats=formats,
            line=line,
            resolver=self.resolver(name) if resolve else None,
        )

    def codes_of(self, name: str) -> Sequence[CodeList] | None:
        if name == LANGUAGE_FIELD:
            return None
        return [self.lists[list_name] for list_name in FIELD_LISTS[name]]

    def is_code(self, name: str, value: object) -> bool:
        lists = self.codes_of(name)
        if lists is None:
            return value in LANGUAGES
        return any(value in codes for codes in lists)

    def resolver(self, name: str) -> Callable[[str], str | None]:
        lists = self.codes_of(name)
        if lists is None:
            return lambda text: text.strip().casefold() if text.strip().casefold() in LANGUAGES else None

        def resolve(text: str) -> str | None:
            for codes in lists:
                code = codes.resolve(text.strip())
                if code is not None:
                    return code
            return None

        return resolve

    def list_names(self, name: str) -> str:
        lists = FIELD_LISTS.get(name)
        return (
            "the languages nl, fr, en, de"
            if lists is None
            else " or ".join(f"code list {n!r}" for n in lists)
        )

    def values(self, name: str, spec: YamlMap) -> dict[str, tuple[str, ...] | None]:
        raw = spec["values"]
        if not isinstance(raw, YamlMap) or not raw:
            raise self.fail(
                spec.line_of("values"), f"{name}: values must be a mapping of export value to code"
            )
        out: dict[str, tuple[str, ...] | None] = {}
        first: dict[str, int] = {}
        for source, target in raw.items():
            line = raw.line_of(source)
            if isinstance(source, bool) or not isinstance(source, str | int):
                raise self.fail(line, f"{name}: an export value must be text (quote it)")
            key = _key(str(source))
            if not key:
                raise self.fail(line, f"{name}: an export value must not be empty")
            if key in first:
                raise self.fail(
                    line,
                    f"{name}: export value {source!r} is already mapped on line {first[key]} "
                    "(case is ignored)",
                )
            first[key] = line
            if target is None:
                out[key] = None
                continue
            targets = target if isinstance(target, list) else [target]
            if isinstance(target, list) and name not in MULTI_FIELDS:
                raise self.fail(line, f"{name}: a single-valued field maps a value to one code")
            for code in targets:
                if not isinstance(code, str) or not self.is_code(name, code):
                    raise self.fail(line, f"{name}: {code!r} is not a code of {self.list_names(name)}")
            out[key] = tuple(targets)
        return out

    def constant(self, name: str, spec: YamlMap, formats: tuple[str, ...]) -> object:
        value = spec["constant"]
        line = spec.line_of("constant")
        if name in MULTI_FIELDS:
            items = value if isinstance(value, list) else [value]
            for item in items:
                self.text(item, line, f"{name}: constant")
                if name in FIELD_LISTS and not self.is_code(name, item):
                    raise self.fail(line, f"{name}: {item!r} is not a code of {self.list_names(name)}")
            return tuple(items)
        if name == "age":
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise self.fail(line, "age: constant must be a whole number")
            return value
        if isinstance(value, date):  # YAML reads 2024-01-31 as a date
            if name not in DATE_FIELDS:
                raise self.fail(line, f"{name}: constant must be text (quote it)")
            return value
        text = self.text(value, line, f"{name}: constant")
        if name in DATE_FIELDS:
            for fmt in formats:
                try:
                    return datetime.strptime(text, fmt).date()
                except ValueError:
                    continue
            raise self.fail(line, f"{name}: constant does not match the date format")
        if (name in FIELD_LISTS or name == LANGUAGE_FIELD) and not self.is_code(name, text):
            raise self.fail(line, f"{name}: {text!r} is not a code of {self.list_names(name)}")
        return text

    def date_formats(self, name: str, spec: YamlMap) -> tuple[str, ...]:
        raw = spec["date_format"]
        line = spec.line_of("date_format")
        items = raw if isinstance(raw, list) else [raw]
        if not items:
            raise self.fail(line, f"{name}: date_format must not be empty")
        for fmt in items:
            if not isinstance(fmt, str) or "%" not in fmt:
                raise self.fail(line, f'{name}: date_format must be a strptime format such as "%d/%m/%Y"')
            try:
                shown = _PROBE_DATE.strftime(fmt)
                back = datetime.strptime(shown, fmt)
            except ValueError:
                raise self.fail(
                    line, f"{name}: bad date_format {fmt!r} (not a valid strptime format)"
                ) from None
            if back.date() != _PROBE_DATE.date():
                raise self.fail(
                    line, f"{name}: bad date_format {fmt!r} (it must give the day, the month and the year)"
                )
        return tuple(items)


def load_mapping(path: Path | str, codelists: CodeLists | None = None) -> Mapping:
    """Read and check a mapping file; :class:`MappingError` (a ``ConfigError``) names file and line."""
    path = Path(path)
    try:
        data = load_yaml(path)
    except MappingError:
        raise
    except ConfigError as exc:
        raise MappingError(exc.path, exc.line, exc.message) from None
    return _Checker(path, codelists if codelists is not None else default_codelists()).mapping(data)
