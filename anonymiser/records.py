"""The two record types: what a partner holds (:class:`RawCase`) and what may leave it
(:class:`AnonymousCase`), with the schema check of the anonymous one.

Nothing in this module ever puts a field *value* in an error, a ``repr`` or a problem list: errors
name the field and the kind of problem only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from datetime import date, datetime
from typing import Any, ClassVar, Final, NamedTuple

from anonymiser.codelists import UNKNOWN, CodeLists, default_codelists

# Problem kinds (also the entity types of verification findings for structured fields).
MISSING: Final = "MISSING"
WRONG_TYPE: Final = "WRONG_TYPE"
NOT_A_CODE: Final = "NOT_A_CODE"
BAD_FORMAT: Final = "BAD_FORMAT"
TOO_LONG: Final = "TOO_LONG"
RAW_FIELD: Final = "RAW_FIELD"
UNEXPECTED_FIELD: Final = "UNEXPECTED_FIELD"

#: Longest narrative an anonymous record may carry (characters); the policy may set a lower limit.
NARRATIVE_MAX_CHARS: Final = 100_000

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_KEY = re.compile(r"[0-9a-f]{64}")
_MONTH = re.compile(r"(?P<year>\d{4})-(?P<month>0[1-9]|1[0-2])")
_VERSION = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+\-]{0,39}")
_LIST_SPLIT = re.compile(r"[;,|\n]")
_IDENTIFIER = re.compile(r"[a-z][a-z0-9_]{0,40}")


class RecordError(ValueError):
    """A record that cannot be built or read; names the field and the problem, never the value."""

    def __init__(self, field: str, problem: str) -> None:
        self.field = field
        self.problem = problem
        super().__init__(f"{field}: {problem}")


def clean_text(value: str | bytes | bytearray | memoryview) -> str:
    """Text as it may enter a record: bytes decoded as UTF-8 (invalid bytes become U+FFFD), control
    characters other than tab and newlines turned into spaces, lone surrogates replaced."""
    if isinstance(value, bytes | bytearray | memoryview):
        value = bytes(value).decode("utf-8", errors="replace")
    return _CONTROL.sub(lambda m: "\ufffd" if _SURROGATE.match(m.group()) else " ", value)


# -- RawCase --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, repr=False)
class RawCase:
    """One person in one case, as a partner holds it. Never leaves the partner.

    Dates may be ``date`` objects or text as exported (ISO ``YYYY-MM-DD`` or Belgian ``DD/MM/YYYY``);
    they are checked during anonymisation, so an impossible date becomes a reported issue, not a
    crash. ``postcode``, ``municipality`` and ``country_of_exploitation`` locate the exploitation
    (or, when the partner has nothing better, where the person was found). ``age`` is the age at
    registration. ``language`` is the language of the narrative (nl, fr, en, de), a hint only.
    """

    partner_id: str
    partner_record_id: str
    role: str
    offence: str
    registration_date: date | str
    partner_case_id: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    aliases: tuple[str, ...] = ()
    birth_date: date | str | None = None
    age: int | None = None
    national_number: str | None = None
    passport_number: str | None = None
    phone: str | None = None
    email: str | None = None
    address: str | None = None
    postcode: str | None = None
    municipality: str | None = None
    country_of_exploitation: str | None = None
    nationality: str | None = None
    sex: str | None = None
    exploitation_start: date | str | None = None
    exploitation_forms: tuple[str, ...] = ()
    labour_sector: str | None = None
    employer_name: str | None = None
    means_of_control: tuple[str, ...] = ()
    recruiter_relation: str | None = None
    minor_at_exploitation: str | None = None
    protection_stage: str | None = None
    judicial_stage: str | None = None
    narrative: str | None = None
    language: str | None = None

    _REQUIRED: ClassVar[frozenset[str]] = frozenset({"partner_id", "partner_record_id", "role", "offence"})
    _DATES: ClassVar[frozenset[str]] = frozenset({"registration_date", "birth_date", "exploitation_start"})
    _MULTI: ClassVar[frozenset[str]] = frozenset({"aliases", "exploitation_forms", "means_of_control"})

    def __post_init__(self) -> None:
        for f in fields(self):
            name = f.name
            value = getattr(self, name)
            if name in self._MULTI:
                coerced: object = _multi(name, value)
            elif name in self._DATES:
                coerced = _date_value(name, value)
            elif name == "age":
                coerced = _age_value(value)
            else:
                coerced = _text_value(name, value)
            if coerced is None and (name in self._REQUIRED or name == "registration_date"):
                raise RecordError(name, "missing")
            if coerced is not value:
                object.__setattr__(self, name, coerced)

    def __repr__(self) -> str:
        present = [f.name for f in fields(self) if getattr(self, f.name) not in (None, ())]
        return f"RawCase(partner_id={self.partner_id!r}, fields_set={present!r})"

    @classmethod
    def from_mapping(cls, data: Mapping[str, object]) -> RawCase:
        """Build from a mapping (a connector's mapped row): unknown keys are an error, an integer
        age or postcode in text form is accepted, lists may be given as ``a;b`` text."""
        names = {f.name for f in fields(cls)}
        kwargs: dict[str, Any] = {}
        for i, (key, value) in enumerate(data.items()):
            if key not in names:
                shown = key if isinstance(key, str) and _IDENTIFIER.fullmatch(key) else f"#{i + 1}"
                raise RecordError(str(shown), "unexpected field")
            if key == "age" and isinstance(value, str | float):
                value = _parse_age_text(value)
            elif key == "postcode" and isinstance(value, int) and not isinstance(value, bool):
                value = str(value)
            kwargs[key] = value
        return cls(**kwargs)


RAW_FIELDS: Final[tuple[str, ...]] = tuple(f.name for f in fields(RawCase))

#: RawCase fields that identify a person directly (and the free text that may name one).
PERSONAL_FIELDS: Final[tuple[str, ...]] = (
    "partner_record_id",
    "partner_case_id",
    "first_name",
    "last_name",
    "aliases",
    "birth_date",
    "national_number",
    "passport_number",
    "phone",
    "email",
    "address",
    "employer_name",
    "narrative",
)
#: RawCase fields that identify a person in combination; they only leave coarsened.
QUASI_IDENTIFIERS: Final[tuple[str, ...]] = (
    "age",
    "registration_date",
    "exploitation_start",
    "postcode",
    "municipality",
    "country_of_exploitation",
    "nationality",
)


def _text_value(name: str, value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str | bytes | bytearray | memoryview):
        raise RecordError(name, "wrong type (text expected)")
    text = clean_text(value).strip()
    return text or None


def _multi(name: str, value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str | bytes | bytearray | memoryview):
        items: Iterable[object] = _LIST_SPLIT.split(clean_text(value))
    elif isinstance(value, list | tuple | set | frozenset):
        items = value
    else:
        raise RecordError(name, "wrong type (list of texts expected)")
    out: list[str] = []
    for item in items:
        text = _text_value(name, item)
        if text is not None:
            out.append(text)
    result = tuple(out)
    return value if isinstance(value, tuple) and result == value else result


def _date_value(name: str, value: object) -> date | str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return _text_value(name, value)


def _age_value(value: object) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise RecordError("age", "wrong type (whole number expected)")
    return value


def _parse_age_text(value: str | float) -> int | str | None:
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise RecordError("age", "not a whole number")
    text = value.strip()
    if not text:
        return None
    if text.isdigit():
        return int(text)
    raise RecordError("age", "not a whole number")


# -- AnonymousCase --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AnonymousCase:
    """What may leave the partner: codes, a month, two keyed hashes, and a scrubbed narrative.

    There is no personal field. Construction does not check codes (so that :func:`anonymiser.verify`
    can report a bad record instead of failing on it); :meth:`from_dict` does.
    """

    record_key: str
    case_key: str
    role: str
    offence: str
    registered_month: str
    anonymiser_version: str
    policy_version: str
    exploitation_forms: tuple[str, ...] = ()
    labour_sector: str = UNKNOWN
    sex: str = UNKNOWN
    age_band: str = UNKNOWN
    minor_at_exploitation: str = UNKNOWN
    nationality: str = UNKNOWN
    province: str = UNKNOWN
    means_of_control: tuple[str, ...] = ()
    recruiter_relation: str = UNKNOWN
    protection_stage: str = UNKNOWN
    judicial_stage: str = UNKNOWN
    narrative: str | None = None

    def __post_init__(self) -> None:
        for name in MULTI_CODED_FIELDS:
            value = getattr(self, name)
            if isinstance(value, list):
                object.__setattr__(self, name, tuple(value))

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready dict (lists for the multi-valued fields), every field present."""
        out: dict[str, object] = {}
        for name in ANONYMOUS_FIELDS:
            value = getattr(self, name)
            out[name] = list(value) if isinstance(value, tuple) else value
        return out

    @classmethod
    def from_dict(cls, payload: Mapping[str, object], codelists: CodeLists | None = None) -> AnonymousCase:
        """Read a payload, checking every field; :class:`RecordError` names the first bad field."""
        problems = schema_problems(payload, codelists)
        if problems:
            first = problems[0]
            more = f" (and {len(problems) - 1} more problem(s))" if len(problems) > 1 else ""
            raise RecordError(first.field, first.kind.lower().replace("_", " ") + more)
        return cls.from_verified_dict(payload)

    @classmethod
    def from_verified_dict(cls, payload: Mapping[str, object]) -> AnonymousCase:
        """Build from a payload that :func:`anonymiser.verify_dict` has just passed without findings
        (the Centre's gate does so for every record), skipping a second schema check."""
        kwargs: dict[str, Any] = {name: payload[name] for name in ANONYMOUS_FIELDS if name in payload}
        for name in MULTI_CODED_FIELDS:
            kwargs[name] = tuple(kwargs[name])
        return cls(**kwargs)


ANONYMOUS_FIELDS: Final[tuple[str, ...]] = tuple(f.name for f in fields(AnonymousCase))
#: Single-valued coded fields and the code list each one takes its codes from.
CODED_FIELDS: Final[Mapping[str, str]] = {
    "role": "role",
    "offence": "offence",
    "labour_sector": "labour_sector",
    "sex": "sex",
    "age_band": "age_band",
    "minor_at_exploitation": "minor_at_exploitation",
    "province": "province",
    "recruiter_relation": "recruiter_relation",
    "protection_stage": "protection_stage",
    "judicial_stage": "judicial_stage",
}
MULTI_CODED_FIELDS: Final[Mapping[str, str]] = {
    "exploitation_forms": "exploitation_form",
    "means_of_control": "means_of_control",
}
#: ``nationality`` holds a code of the nationality list or, for a rare one, of the region list.
NATIONALITY_LISTS: Final[tuple[str, str]] = ("nationality", "region")
KEY_FIELDS: Final[tuple[str, ...]] = ("record_key", "case_key")
VERSION_FIELDS: Final[tuple[str, ...]] = ("anonymiser_version", "policy_version")
OPTIONAL_FIELDS: Final[frozenset[str]] = frozenset({"narrative"})


class FieldProblem(NamedTuple):
    """A problem in one field: its name, the kind, and a position (item index or 0), never a value."""

    field: str
    kind: str
    start: int = 0
    end: int = 0


def is_month(value: object) -> bool:
    if not isinstance(value, str):
        return False
    m = _MONTH.fullmatch(value)
    return m is not None and 1900 <= int(m.group("year")) <= 2100


def _field_problems(name: str, value: object, lists: CodeLists) -> list[FieldProblem]:
    if name in CODED_FIELDS:
        if not isinstance(value, str):
            return [FieldProblem(name, WRONG_TYPE)]
        return [] if value in lists[CODED_FIELDS[name]] else [FieldProblem(name, NOT_A_CODE)]
    if name in MULTI_CODED_FIELDS:
        if not isinstance(value, list | tuple):
            return [FieldProblem(name, WRONG_TYPE)]
        codes = lists[MULTI_CODED_FIELDS[name]]
        return [FieldProblem(name, NOT_A_CODE, i, i + 1) for i, item in enumerate(value) if item not in codes]
    if name == "nationality":
        if not isinstance(value, str):
            return [FieldProblem(name, WRONG_TYPE)]
        ok = any(value in lists[list_name] for list_name in NATIONALITY_LISTS)
        return [] if ok else [FieldProblem(name, NOT_A_CODE)]
    if name in KEY_FIELDS:
        ok = isinstance(value, str) and _KEY.fullmatch(value) is not None
        return [] if ok else [FieldProblem(name, BAD_FORMAT)]
    if name == "registered_month":
        return [] if is_month(value) else [FieldProblem(name, BAD_FORMAT)]
    if name in VERSION_FIELDS:
        ok = isinstance(value, str) and _VERSION.fullmatch(value) is not None
        return [] if ok else [FieldProblem(name, BAD_FORMAT)]
    if name == "narrative":
        if value is None:
            return []
        if not isinstance(value, str):
            return [FieldProblem(name, WRONG_TYPE)]
        if len(value) > NARRATIVE_MAX_CHARS:
            return [FieldProblem(name, TOO_LONG)]
        return []
    raise AssertionError(f"no check for field {name}")  # pragma: no cover - schema and checks in step


def schema_problems(payload: object, codelists: CodeLists | None = None) -> list[FieldProblem]:
    """Every structural problem of an anonymous payload (a mapping of field to value), without
    looking inside the narrative. A key that is not a field is reported by name only when it is a
    RawCase field name (``first_name``: a mapping error worth naming); other keys by position."""
    if not isinstance(payload, Mapping):
        return [FieldProblem("<payload>", WRONG_TYPE)]
    lists = codelists if codelists is not None else default_codelists()
    problems: list[FieldProblem] = []
    for i, key in enumerate(payload):
        if key in ANONYMOUS_FIELDS:
            continue
        if key in RAW_FIELDS:
            problems.append(FieldProblem(str(key), RAW_FIELD))
        else:
            problems.append(FieldProblem("<unexpected>", UNEXPECTED_FIELD, i, i + 1))
    for name in ANONYMOUS_FIELDS:
        if name not in payload:
            if name not in OPTIONAL_FIELDS:
                problems.append(FieldProblem(name, MISSING))
            continue
        problems.extend(_field_problems(name, payload[name], lists))
    return problems
