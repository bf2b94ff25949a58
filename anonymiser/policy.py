"""The anonymisation policy: which treatment each RawCase field gets (``config/anonymisation_policy.yaml``).

The policy is checked when it is loaded: every RawCase field must have a rule, no rule may name an
unknown field or treatment, and a field only accepts the treatments that are safe for it
(:data:`ALLOWED`: a name can only be dropped, a code kept or dropped, a date turned into a month).
Every error names the YAML file and line.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from types import MappingProxyType
from typing import Final

from anonymiser.codelists import CodeLists, default_codelists
from anonymiser.config import ConfigError, YamlMap, config_dir, line_of, load_yaml
from anonymiser.records import NARRATIVE_MAX_CHARS, RAW_FIELDS

POLICY_FILE: Final = "anonymisation_policy.yaml"
_VERSION = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+\-]{0,39}")


class PolicyError(ConfigError):
    """An invalid policy file; the message names the file and the line."""


class Treatment(StrEnum):
    DROP = "drop"
    KEEP = "keep"
    AGE_BAND = "age_band"
    MONTH = "month"
    PROVINCE = "province"
    NATIONALITY_OR_REGION = "nationality_or_region"
    KEYED_HASH = "keyed_hash"
    SCRUB_TEXT = "scrub_text"


_D, _K = Treatment.DROP, Treatment.KEEP
_CODED: Final = frozenset({_D, _K})

#: The treatments each RawCase field accepts.
ALLOWED: Final[Mapping[str, frozenset[Treatment]]] = MappingProxyType(
    {
        "partner_id": frozenset({_D}),
        "partner_record_id": frozenset({Treatment.KEYED_HASH}),
        "partner_case_id": frozenset({Treatment.KEYED_HASH}),
        "role": frozenset({_K}),
        "offence": frozenset({_K}),
        "registration_date": frozenset({Treatment.MONTH}),
        "exploitation_start": frozenset({_D}),
        "first_name": frozenset({_D}),
        "last_name": frozenset({_D}),
        "aliases": frozenset({_D}),
        "national_number": frozenset({_D}),
        "passport_number": frozenset({_D}),
        "phone": frozenset({_D}),
        "email": frozenset({_D}),
        "address": frozenset({_D}),
        "employer_name": frozenset({_D}),
        "birth_date": frozenset({_D, Treatment.AGE_BAND}),
        "age": frozenset({_D, Treatment.AGE_BAND}),
        "postcode": frozenset({_D, Treatment.PROVINCE}),
        "municipality": frozenset({_D, Treatment.PROVINCE}),
        "country_of_exploitation": frozenset({_D, Treatment.PROVINCE}),
        "nationality": frozenset({_D, _K, Treatment.NATIONALITY_OR_REGION}),
        "sex": _CODED,
        "exploitation_forms": _CODED,
        "labour_sector": _CODED,
        "means_of_control": _CODED,
        "recruiter_relation": _CODED,
        "minor_at_exploitation": _CODED,
        "protection_stage": _CODED,
        "judicial_stage": _CODED,
        "narrative": frozenset({_D, Treatment.SCRUB_TEXT}),
        "language": frozenset({_D}),
    }
)
if set(ALLOWED) != set(RAW_FIELDS):  # pragma: no cover - caught by the tests as well
    raise RuntimeError("policy.ALLOWED and RawCase fields are out of step")

#: Options a rule may carry, per treatment.
_OPTIONS: Final[Mapping[Treatment, frozenset[str]]] = {
    Treatment.NATIONALITY_OR_REGION: frozenset({"common", "rare", "min_frequency", "frequencies"}),
    Treatment.SCRUB_TEXT: frozenset({"max_chars"}),
}


@dataclass(frozen=True, slots=True)
class Rule:
    field: str
    treatment: Treatment
    line: int | None = None


@dataclass(frozen=True, slots=True)
class NationalityRule:
    """Which nationalities are sent as their ISO code; all others are sent as their region."""

    common: frozenset[str] = frozenset()
    rare: frozenset[str] = frozenset()
    min_frequency: int = 10
    frequencies: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))

    def keeps(self, code: str) -> bool:
        if code in self.rare:
            return False
        return code in self.common or self.frequencies.get(code, 0) >= self.min_frequency


@dataclass(frozen=True)
class Policy:
    version: str
    rules: Mapping[str, Rule]
    codelists: CodeLists = field(repr=False)
    nationality: NationalityRule = field(default_factory=NationalityRule)
    narrative_max_chars: int = NARRATIVE_MAX_CHARS
    path: Path | None = None

    def treatment(self, name: str) -> Treatment:
        return self.rules[name].treatment


def _fail(path: Path, line: int | None, message: str) -> PolicyError:
    return PolicyError(path, line, message)


def _codes(value: object, path: Path, line: int | None, what: str, lists: CodeLists) -> frozenset[str]:
    if not isinstance(value, list):
        raise _fail(path, line, f"{what} must be a list of ISO 3166-1 alpha-2 codes")
    out = set()
    for i, code in enumerate(value):
        item_line = line_of(value, i) or line
        if not isinstance(code, str) or code not in lists.regions:
            raise _fail(
                path, item_line, f"{what}: item {i + 1} is not an ISO 3166-1 alpha-2 nationality code"
            )
        out.add(code)
    return frozenset(out)


def _whole(value: object, path: Path, line: int | None, what: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise _fail(path, line, f"{what} must be a whole number from {low} to {high}")
    return value


def _nationality_rule(options: YamlMap, path: Path, lists: CodeLists) -> NationalityRule:
    common = _codes(options.get("common", []), path, options.line_of("common"), "common", lists)
    rare = _codes(options.get("rare", []), path, options.line_of("rare"), "rare", lists)
    min_frequency = _whole(
        options.get("min_frequency", 10), path, options.line_of("min_frequency"), "min_frequency", 1, 10**9
    )
    raw = options.get("frequencies", {})
    if not isinstance(raw, dict):
        raise _fail(path, options.line_of("frequencies"), "frequencies must map nationality codes to counts")
    frequencies: dict[str, int] = {}
    for code, count in raw.items():
        line = line_of(raw, code)
        if not isinstance(code, str) or code not in lists.regions:
            raise _fail(path, line, "frequencies: a key is not an ISO 3166-1 alpha-2 nationality code")
        frequencies[code] = _whole(count, path, line, f"frequencies.{code}", 0, 10**9)
    return NationalityRule(common, rare, min_frequency, MappingProxyType(frequencies))


def _rule(name: str, raw: object, path: Path, line: int | None) -> tuple[Rule, YamlMap | None]:
    options: YamlMap | None = None
    if isinstance(raw, YamlMap):
        options = raw
        raw = raw.get("treatment")
        line = options.line_of("treatment")
    if not isinstance(raw, str):
        raise _fail(path, line, f"{name}: give a treatment ({', '.join(t.value for t in Treatment)})")
    try:
        treatment = Treatment(raw)
    except ValueError:
        raise _fail(
            path, line, f"{name}: unknown treatment (known: {', '.join(t.value for t in Treatment)})"
        ) from None
    allowed = ALLOWED[name]
    if treatment not in allowed:
        names = ", ".join(sorted(t.value for t in allowed))
        raise _fail(path, line, f"{name} cannot have treatment {treatment.value} (allowed: {names})")
    if options is not None:
        known = _OPTIONS.get(treatment, frozenset()) | {"treatment"}
        for key in options:
            if key not in known:
                raise _fail(
                    path, options.line_of(key), f"{name}: unknown option {key!r} for {treatment.value}"
                )
    return Rule(name, treatment, line), options


def load_policy(path: Path | str | None = None, codelists: CodeLists | None = None) -> Policy:
    """Read and check a policy file (default: ``anonymisation_policy.yaml`` in the config directory)."""
    file = Path(path) if path is not None else config_dir() / POLICY_FILE
    lists = codelists if codelists is not None else default_codelists()
    data = load_yaml(file)
    if not isinstance(data, YamlMap):
        raise _fail(file, line_of(data), "a policy is a mapping with version and fields")
    for key in data:
        if key not in ("version", "fields"):
            raise _fail(file, data.line_of(key), f"unknown key {key!r} (expected version, fields)")
    version = data.get("version")
    if not isinstance(version, str) or not _VERSION.fullmatch(version):
        raise _fail(file, data.line_of("version"), 'version must be short text such as "2025.1" (quote it)')
    raw_fields = data.get("fields")
    if not isinstance(raw_fields, YamlMap):
        raise _fail(file, data.line_of("fields"), "fields must map every RawCase field to a treatment")
    rules: dict[str, Rule] = {}
    nationality = NationalityRule()
    max_chars = NARRATIVE_MAX_CHARS
    for name, raw in raw_fields.items():
        line = raw_fields.line_of(name)
        if name not in ALLOWED:
            raise _fail(file, line, f"unknown field {name!r}: not a RawCase field")
        rule, options = _rule(name, raw, file, line)
        rules[name] = rule
        if options is not None and rule.treatment is Treatment.NATIONALITY_OR_REGION:
            nationality = _nationality_rule(options, file, lists)
        if options is not None and rule.treatment is Treatment.SCRUB_TEXT and "max_chars" in options:
            max_chars = _whole(
                options["max_chars"], file, options.line_of("max_chars"), "max_chars", 1, NARRATIVE_MAX_CHARS
            )
    missing = [name for name in RAW_FIELDS if name not in rules]
    if missing:
        raise _fail(file, data.line_of("fields"), f"no rule for field(s): {', '.join(missing)}")
    return Policy(
        version=version,
        rules=MappingProxyType(rules),
        codelists=lists,
        nationality=nationality,
        narrative_max_chars=max_chars,
        path=file,
    )


@functools.lru_cache(maxsize=8)
def _cached(path: Path) -> Policy:
    return load_policy(path)


def default_policy() -> Policy:
    """The policy of the configured directory, loaded once."""
    return _cached(config_dir() / POLICY_FILE)
