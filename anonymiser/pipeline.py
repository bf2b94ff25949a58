"""RawCase -> AnonymousCase + AnonymisationReport, following the anonymisation policy.

Steps: keyed hashes of the partner ids; every coded field resolved against its code list; the
quasi-identifiers coarsened (month, age band, province, nationality or region); the narrative
scrubbed. The narrative is scrubbed twice over: by the detector (``anonymiser.detect``) and by a
search for the record's *own* personal values (its names, national number, phone, e-mail,
address, employer, birth date, ids), so that what the record itself says about the person never
survives in its narrative, even where a recognizer misses it.

The report holds field names, counts, problem words and versions, never a value. An unusable
record (no valid registration date, a role or offence that is no code, a bad secret) raises an
error that names the field; any other bad value becomes ``unknown`` and an issue in the report.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from types import MappingProxyType
from typing import Final, NamedTuple

from anonymiser import __version__, keys
from anonymiser.codelists import ABROAD, UNKNOWN, normalise_name
from anonymiser.detect import detect, merge_spans
from anonymiser.generalise import (
    AFTER_REGISTRATION,
    GeneraliseError,
    age_band,
    age_on,
    band_is_minor,
    check_age,
    minor_on,
    nationality_or_region,
    parse_date,
    province_of_country,
    province_of_municipality,
    province_of_postcode,
    resolve_country,
)
from anonymiser.labels import (
    ADDRESS,
    CASE_NUMBER,
    DATE_OF_BIRTH,
    EMAIL,
    NATIONAL_ID,
    ORGANIZATION,
    PASSPORT,
    PERSON,
    PHONE,
)
from anonymiser.policy import Policy, Treatment, default_policy
from anonymiser.records import (
    CODED_FIELDS,
    MULTI_CODED_FIELDS,
    RAW_FIELDS,
    AnonymousCase,
    RawCase,
    RecordError,
    schema_problems,
)
from anonymiser.spans import Span
from anonymiser.text import replace_spans

KEPT: Final = "kept"
COARSENED: Final = "coarsened"
HASHED: Final = "hashed"
SCRUBBED: Final = "scrubbed"
DROPPED: Final = "dropped"
NOT_A_CODE: Final = "not_a_code"
CONFLICT: Final = "conflict"
TOO_LONG: Final = "too_long"
SCRUB_FAILED: Final = "scrub_failed"
SCRUB_LANGUAGES: Final = frozenset({"nl", "fr", "en", "de"})


class AnonymisationError(RecordError):
    """A record that cannot be anonymised; names the field and the problem, never the value."""


class Issue(NamedTuple):
    field: str
    problem: str


@dataclass(frozen=True)
class AnonymisationReport:
    """What the anonymiser did to one record: field names per outcome, counts, problems, versions."""

    anonymiser_version: str
    policy_version: str
    kept: tuple[str, ...]
    coarsened: tuple[str, ...]
    hashed: tuple[str, ...]
    scrubbed: tuple[str, ...]
    dropped: tuple[str, ...]
    entity_counts: Mapping[str, int]
    known_value_counts: Mapping[str, int]
    issues: tuple[Issue, ...]

    def to_dict(self) -> dict[str, object]:
        return {
            "anonymiser_version": self.anonymiser_version,
            "policy_version": self.policy_version,
            "kept": list(self.kept),
            "coarsened": list(self.coarsened),
            "hashed": list(self.hashed),
            "scrubbed": list(self.scrubbed),
            "dropped": list(self.dropped),
            "entity_counts": dict(self.entity_counts),
            "known_value_counts": dict(self.known_value_counts),
            "issues": [{"field": i.field, "problem": i.problem} for i in self.issues],
        }


def anonymise(
    raw: RawCase, secret: bytes, policy: Policy | None = None, *, today: date | None = None
) -> tuple[AnonymousCase, AnonymisationReport]:
    """Anonymise one record. No date may lie after ``today`` (default: the real today) plus one day."""
    if not isinstance(raw, RawCase):
        raise TypeError("anonymise expects a RawCase")
    return _Run(raw, policy if policy is not None else default_policy(), today or date.today()).execute(
        secret
    )


class _Run:
    """One anonymisation: the record, the policy, and what happened to each field."""

    def __init__(self, raw: RawCase, policy: Policy, today: date) -> None:
        self.raw = raw
        self.policy = policy
        self.lists = policy.codelists
        self.latest = today + timedelta(days=1)  # a partner's clock may be a time zone ahead
        self.outcome: dict[str, str] = {}
        self.issues: list[Issue] = []
        self.birth: date | None = None

    # -- bookkeeping ----------------------------------------------------------------------------

    def has(self, name: str) -> bool:
        return getattr(self.raw, name) not in (None, ())

    def treatment(self, name: str) -> Treatment:
        return self.policy.treatment(name)

    def uses(self, name: str, treatment: Treatment) -> bool:
        return self.has(name) and self.treatment(name) is treatment

    def mark(self, name: str, outcome: str) -> None:
        if self.has(name):
            self.outcome[name] = outcome

    def issue(self, name: str, problem: str) -> None:
        self.issues.append(Issue(name, problem))

    # -- the run --------------------------------------------------------------------------------

    def execute(self, secret: bytes) -> tuple[AnonymousCase, AnonymisationReport]:
        raw = self.raw
        for name in RAW_FIELDS:
            if self.treatment(name) is Treatment.DROP:
                self.mark(name, DROPPED)
        record_key = keys.record_key(raw.partner_record_id, secret)
        case_key = keys.case_key(raw.partner_case_id or raw.partner_record_id, secret)
        self.mark("partner_record_id", HASHED)
        self.mark("partner_case_id", HASHED)
        registered = self.registered()
        role, offence = self.required_code("role"), self.required_code("offence")
        band = self.age_band(registered)
        narrative, entity_counts, known_counts = self.narrative()
        case = AnonymousCase(
            record_key=record_key,
            case_key=case_key,
            role=role,
            offence=offence,
            registered_month=f"{registered.year:04d}-{registered.month:02d}",
            anonymiser_version=__version__,
            policy_version=self.policy.version,
            exploitation_forms=self.codes("exploitation_forms"),
            labour_sector=self.code("labour_sector"),
            sex=self.code("sex"),
            age_band=band,
            minor_at_exploitation=self.minor(registered, band),
            nationality=self.nationality(),
            province=self.province(),
            means_of_control=self.codes("means_of_control"),
            recruiter_relation=self.code("recruiter_relation"),
            protection_stage=self.code("protection_stage"),
            judicial_stage=self.code("judicial_stage"),
            narrative=narrative,
        )
        problems = schema_problems(case.to_dict(), self.lists)
        if problems:  # the code lists or the policy lack something; never send such a record
            raise AnonymisationError(problems[0].field, f"internal check failed ({problems[0].kind})")
        return case, self.report(entity_counts, known_counts)

    def report(
        self, entity_counts: Mapping[str, int], known_counts: Mapping[str, int]
    ) -> AnonymisationReport:
        def having(outcome: str) -> tuple[str, ...]:
            return tuple(name for name in RAW_FIELDS if self.outcome.get(name) == outcome)

        return AnonymisationReport(
            anonymiser_version=__version__,
            policy_version=self.policy.version,
            kept=having(KEPT),
            coarsened=having(COARSENED),
            hashed=having(HASHED),
            scrubbed=having(SCRUBBED),
            dropped=having(DROPPED),
            entity_counts=MappingProxyType(dict(sorted(entity_counts.items()))),
            known_value_counts=MappingProxyType(dict(sorted(known_counts.items()))),
            issues=tuple(self.issues),
        )

    # -- dates and ages -------------------------------------------------------------------------

    def registered(self) -> date:
        try:
            day = parse_date(self.raw.registration_date, latest=self.latest)
        except GeneraliseError as exc:
            raise AnonymisationError("registration_date", exc.problem) from None
        self.mark("registration_date", COARSENED)
        return day

    def optional_date(self, name: str) -> date | None:
        value = getattr(self.raw, name)
        if value is None:
            return None
        try:
            return parse_date(value, latest=self.latest)
        except GeneraliseError as exc:
            self.issue(name, exc.problem)
            return None

    def age_band(self, registered: date) -> str:
        band = UNKNOWN
        from_birth: int | None = None
        if self.uses("birth_date", Treatment.AGE_BAND):
            birth = self.optional_date("birth_date")
            if birth is not None and birth > registered:
                self.issue("birth_date", AFTER_REGISTRATION)
            elif birth is not None:
                try:
                    from_birth = check_age(age_on(birth, registered))
                    band = age_band(from_birth, self.lists)
                    self.birth = birth
                    self.mark("birth_date", COARSENED)
                except GeneraliseError as exc:
                    self.issue("birth_date", exc.problem)
            if self.birth is None:
                self.mark("birth_date", DROPPED)
        if self.uses("age", Treatment.AGE_BAND):
            try:
                age = check_age(self.raw.age)
                if from_birth is None:
                    band = age_band(age, self.lists)
                elif abs(age - from_birth) > 1:
                    self.issue("age", CONFLICT)
                self.mark("age", COARSENED)
            except GeneraliseError as exc:
                self.issue("age", exc.problem)
                self.mark("age", DROPPED)
        return band

    def minor(self, registered: date, band: str) -> str:
        name = "minor_at_exploitation"
        start = self.optional_date("exploitation_start")
        if self.treatment(name) is Treatment.DROP:
            return UNKNOWN
        if self.has(name):
            return self.code(name)
        if self.birth is not None and start is not None and start >= self.birth:
            return minor_on(self.birth, start)
        if band_is_minor(band, self.lists) and (start is None or start <= registered):
            return "yes"
        return UNKNOWN

    # -- codes ----------------------------------------------------------------------------------

    def list_for(self, name: str) -> str:
        return CODED_FIELDS.get(name) or MULTI_CODED_FIELDS[name]

    def required_code(self, name: str) -> str:
        value = getattr(self.raw, name)
        code = self.lists[self.list_for(name)].resolve(value) if isinstance(value, str) else None
        if code is None:
            raise AnonymisationError(name, NOT_A_CODE)
        self.mark(name, KEPT)
        return code

    def code(self, name: str) -> str:
        value = getattr(self.raw, name)
        if value is None or self.treatment(name) is Treatment.DROP:
            return UNKNOWN
        code = self.lists[self.list_for(name)].resolve(value)
        if code is None:
            self.issue(name, NOT_A_CODE)
            self.mark(name, DROPPED)
            return UNKNOWN
        self.mark(name, KEPT)
        return code

    def codes(self, name: str) -> tuple[str, ...]:
        values: tuple[str, ...] = getattr(self.raw, name)
        if not values or self.treatment(name) is Treatment.DROP:
            return ()
        codes = self.lists[self.list_for(name)]
        found = {codes.resolve(v) for v in values}
        if None in found:
            self.issue(name, NOT_A_CODE)
        kept = sorted((c for c in found if c is not None), key=codes.order)
        self.mark(name, KEPT if kept else DROPPED)
        return tuple(kept)

    def nationality(self) -> str:
        name = "nationality"
        treatment = self.treatment(name)
        if not self.has(name) or treatment is Treatment.DROP:
            return UNKNOWN
        try:
            if treatment is Treatment.KEEP:
                code = resolve_country(self.raw.nationality, self.lists)
                self.mark(name, KEPT)
                return code
            code = nationality_or_region(self.raw.nationality, self.policy.nationality.keeps, self.lists)
        except GeneraliseError as exc:
            self.issue(name, exc.problem)
            self.mark(name, DROPPED)
            return UNKNOWN
        self.mark(name, KEPT if code in self.lists["nationality"] else COARSENED)
        return code

    def province(self) -> str:
        found: dict[str, str] = {}
        lookups = (
            ("country_of_exploitation", province_of_country),
            ("postcode", province_of_postcode),
            ("municipality", province_of_municipality),
        )
        for name, lookup in lookups:
            if not self.uses(name, Treatment.PROVINCE):
                continue
            try:
                province = lookup(getattr(self.raw, name), self.lists)
            except GeneraliseError as exc:
                self.issue(name, exc.problem)
                self.mark(name, DROPPED)
                continue
            self.mark(name, COARSENED)
            if province is not None:
                found[name] = province
        if found.get("country_of_exploitation") == ABROAD:
            return ABROAD
        by_postcode, by_name = found.get("postcode"), found.get("municipality")
        if by_postcode and by_name and by_postcode != by_name:
            self.issue("municipality", CONFLICT)
        return by_postcode or by_name or UNKNOWN

    # -- narrative ------------------------------------------------------------------------------

    def narrative(self) -> tuple[str | None, Mapping[str, int], Mapping[str, int]]:
        name = "narrative"
        text = self.raw.narrative
        if text is None or self.treatment(name) is not Treatment.SCRUB_TEXT:
            return None, {}, {}
        if len(text) > self.policy.narrative_max_chars:
            self.issue(name, TOO_LONG)
            self.mark(name, DROPPED)
            return None, {}, {}
        lang = self.raw.language if self.raw.language in SCRUB_LANGUAGES else None
        try:
            detected = detect(text, lang)
            known = merge_spans(list(_known_spans(text, self.raw)))
        except Exception:  # a failing recognizer must not let the text through, nor crash the run
            self.issue(name, SCRUB_FAILED)
            self.mark(name, DROPPED)
            return None, {}, {}
        self.mark(name, SCRUBBED)
        missed = [k for k in known if not any(d.start <= k.start and k.end <= d.end for d in detected)]
        scrubbed = replace_spans(text, merge_spans([*detected, *known]))
        return scrubbed, Counter(s.label for s in detected), Counter(s.label for s in missed)


# -- the record's own values in its narrative -----------------------------------------------------

_SEP: Final = r"[\s.\-/_:]{0,2}"
_NAME_PARTICLES: Final = frozenset(
    "van vander vanden den der de del della di da du des le la les el al ten ter von zu bin ben ibn "
    "abu st mc mac y e".split()
)
_LEGAL_FORMS: Final = re.compile(
    r"[\s,]+(?:bv|nv|bvba|srl|sprl|sa|vzw|asbl|cv|sc|scrl|snc|vof|comm\.?\s?v|ltd|gmbh|sarl|inc)\.?\s*$",
    re.IGNORECASE,
)
_HOUSE_NUMBER: Final = re.compile(
    r"[\s,]+\d+\s*[a-zA-Z]?(?:\s*(?:bus|bte|boîte|box)\s*\w+)?\s*$", re.IGNORECASE
)
_MONTHS: Final[tuple[tuple[str, ...], ...]] = (
    ("januari", "janvier", "january", "januar"),
    ("februari", "février", "fevrier", "february", "februar"),
    ("maart", "mars", "march", "märz", "marz"),
    ("april", "avril"),
    ("mei", "mai", "may"),
    ("juni", "juin", "june"),
    ("juli", "juillet", "july"),
    ("augustus", "août", "aout", "august"),
    ("september", "septembre"),
    ("oktober", "octobre", "october"),
    ("november", "novembre"),
    ("december", "décembre", "decembre", "dezember"),
)


def _fold(value: str) -> str:
    """Regex for ``value`` that also accepts it without accents and with other spacing/hyphens."""
    parts: list[str] = []
    for char in value:
        if char.isspace():
            parts.append(r"[\s\-]+")
        elif char in "-'’‘`":
            parts.append(r"[\s\-'’‘`]?")
        else:
            base = normalise_name(char)
            accented = len(base) == 1 and base != char.casefold()
            parts.append(f"[{re.escape(char)}{re.escape(base)}]" if accented else re.escape(char))
    return "".join(parts)


def _word(pattern: str, *, ignore_case: bool = True) -> str:
    flags = "i" if ignore_case else "-i"
    return rf"(?{flags}:(?<!\w){pattern}(?!\w))"


def _one_of(alternatives: Iterable[str]) -> re.Pattern[str] | None:
    """One compiled pattern for several variants of one value (compiling is the costly part);
    the variants come longest first, so where several match the longest is taken."""
    alternatives = list(alternatives)
    return re.compile("|".join(alternatives)) if alternatives else None


def _name_patterns(value: str) -> Iterator[str]:
    variants = {value.strip()}
    for token in value.split():
        variants.add(token)
        variants.update(part for part in re.split(r"[-'’]", token) if part)
    for variant in sorted(variants, key=len, reverse=True):
        letters = sum(c.isalpha() for c in variant)
        if letters < 2 or normalise_name(variant) in _NAME_PARTICLES:
            continue
        yield _word(_fold(variant), ignore_case=letters >= 3)


def _identifier_pattern(value: str) -> re.Pattern[str] | None:
    chars = [c for c in value if c.isalnum()]
    if len(chars) < 4:
        return None
    body = _SEP.join(re.escape(c) for c in chars)
    return re.compile(rf"(?<![^\W_]){body}(?![^\W_])", re.IGNORECASE)


def _phone_pattern(value: str) -> re.Pattern[str] | None:
    digits = re.sub(r"\D", "", value)
    if len(digits) < 6:
        return None
    core = _SEP.join(digits[-8:])
    # an optional country or area prefix ("+32 ", "0032 ", "+32 (0)"), never an opening bracket
    return re.compile(rf"(?<![\d+])(?:(?:\+|\d)[\d\s.\-/()]{{0,10}}?)?{core}(?!\d)")


def _loose(value: str) -> str:
    return r"[\s,]+".join(_fold(part) for part in value.split())


def _address_patterns(value: str) -> Iterator[str]:
    parts = [p.strip() for p in re.split(r"[,\n;]", value) if p.strip()]
    variants = {value.strip(), *parts, *(_HOUSE_NUMBER.sub("", p) for p in parts)}
    for part in sorted(variants, key=len, reverse=True):
        if len(part) >= 5 and any(c.isalpha() for c in part):
            yield _word(_loose(part))


def _organisation_patterns(value: str) -> Iterator[str]:
    variants = {value.strip(), _LEGAL_FORMS.sub("", value).strip()}
    for variant in sorted(variants, key=len, reverse=True):
        if sum(c.isalnum() for c in variant) >= 3:
            yield _word(_loose(variant))


def _date_patterns(day: date) -> Iterator[str]:
    d, m, y = day.day, day.month, day.year
    sep = r"\s?[./\-]\s?"
    yield rf"(?<!\d)0?{d}{sep}0?{m}{sep}(?:{y}|{y % 100:02d})(?!\d)"
    yield rf"(?<!\d){y}{sep}0?{m}{sep}0?{d}(?!\d)"
    names = "|".join(
        re.escape(n) for n in sorted({*_MONTHS[m - 1], *(n[:3] for n in _MONTHS[m - 1])}, key=len)[::-1]
    )
    yield rf"(?i:(?<!\d)0?{d}(?:st|nd|rd|th|er|e)?\s+(?:{names})\.?,?\s+{y}(?!\d))"
    yield rf"(?i:(?<!\w)(?:{names})\.?\s+0?{d}(?:st|nd|rd|th)?,?\s+{y}(?!\d))"


def _known_patterns(raw: RawCase) -> Iterator[tuple[re.Pattern[str], str]]:
    names = [
        p for name in (raw.first_name, raw.last_name, *raw.aliases) if name for p in _name_patterns(name)
    ]
    # all the record's names in one pattern, longest variant first
    combined = _one_of(sorted(set(names), key=len, reverse=True))
    if combined is not None:
        yield combined, PERSON
    if raw.email:
        yield re.compile(re.escape(raw.email), re.IGNORECASE), EMAIL
    identifiers = (
        (raw.national_number, NATIONAL_ID),
        (raw.passport_number, PASSPORT),
        (raw.partner_record_id, CASE_NUMBER),
        (raw.partner_case_id, CASE_NUMBER),
    )
    for value, label in identifiers:
        pattern = _identifier_pattern(value) if value else None
        if pattern is not None:
            yield pattern, label
    phone = _phone_pattern(raw.phone) if raw.phone else None
    if phone is not None:
        yield phone, PHONE
    for value, variants, label in (
        (raw.address, _address_patterns, ADDRESS),
        (raw.employer_name, _organisation_patterns, ORGANIZATION),
    ):
        combined = _one_of(variants(value)) if value else None
        if combined is not None:
            yield combined, label
    if isinstance(raw.birth_date, str) and len(raw.birth_date) >= 6:
        yield re.compile(re.escape(raw.birth_date)), DATE_OF_BIRTH
    try:
        birth = parse_date(raw.birth_date) if raw.birth_date is not None else None
    except GeneraliseError:
        birth = None
    if birth is not None:
        dates = _one_of(_date_patterns(birth))
        if dates is not None:
            yield dates, DATE_OF_BIRTH


def _known_spans(text: str, raw: RawCase) -> Iterator[Span]:
    for pattern, label in _known_patterns(raw):
        for m in pattern.finditer(text):
            if m.end() > m.start():
                yield Span(m.start(), m.end(), label, 1.0, "known_value")
