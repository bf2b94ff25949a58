"""Code lists: load ``config/codelists/*.yaml``, validate them, and look codes up.

A code list file holds ``name`` (equal to the file name), ``description``, optional ``sources`` and
``codes``; every code has a stable ``code``, ``labels`` in en/nl/fr (de optional), an optional ``map``
to the codes of other standards (HTCDS, CTDC, Eurostat, ...) and, for a few lists, attributes of
its own (age limits, postcode ranges, regions). Everything is checked at load time, and every
error names the file and the line.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Final

from anonymiser.config import ConfigError, YamlList, YamlMap, config_dir, line_of, load_yaml

UNKNOWN: Final = "unknown"
ABROAD: Final = "abroad"
LANGUAGES: Final[tuple[str, ...]] = ("en", "nl", "fr")
OPTIONAL_LANGUAGES: Final[tuple[str, ...]] = ("de",)

#: Every list the records need, by file name.
REQUIRED_LISTS: Final[tuple[str, ...]] = (
    "role",
    "offence",
    "exploitation_form",
    "labour_sector",
    "sex",
    "age_band",
    "minor_at_exploitation",
    "nationality",
    "region",
    "province",
    "means_of_control",
    "recruiter_relation",
    "protection_stage",
    "judicial_stage",
)
#: Lists of single-valued fields that fall back to ``unknown`` when the partner has no value.
LISTS_WITH_UNKNOWN: Final[tuple[str, ...]] = (
    "labour_sector",
    "sex",
    "age_band",
    "minor_at_exploitation",
    "nationality",
    "province",
    "recruiter_relation",
    "protection_stage",
    "judicial_stage",
)
#: Keys a code may have beyond code/labels/map, per list.
_ATTRIBUTES: Final[Mapping[str, frozenset[str]]] = {
    "age_band": frozenset({"min_age", "max_age"}),
    "province": frozenset({"nis", "postcodes", "municipalities"}),
    "nationality": frozenset({"region", "eu"}),
}
_BASE_KEYS: Final = frozenset({"code", "labels", "map"})
_LIST_KEYS: Final = frozenset({"name", "description", "sources", "codes"})
CODE_PATTERN: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9_+\-]{0,31}")
_NATIONALITY_PATTERN: Final = re.compile(r"[A-Z]{2}")
_STANDARD_ORDER: Final[Mapping[str, int]] = {"htcds": 0, "ctdc": 1, "eurostat": 2, "iso3": 3}
POSTCODE_MIN: Final = 1000
POSTCODE_MAX: Final = 9999


class CodeListError(ConfigError):
    """A code list file that is missing or invalid; the message names the file and line."""


def normalise_name(text: str) -> str:
    """Case-, accent-, space- and punctuation-insensitive form of a label or place name."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if c.isalnum() and not unicodedata.combining(c)).casefold()


@dataclass(frozen=True, slots=True)
class Code:
    code: str
    labels: Mapping[str, str]
    mappings: Mapping[str, tuple[str, ...]]
    attributes: Mapping[str, object]
    line: int

    def label(self, lang: str = "en") -> str:
        return self.labels.get(lang) or self.labels["en"]


@dataclass(frozen=True)
class CodeList:
    name: str
    description: str
    sources: tuple[str, ...]
    codes: tuple[Code, ...]
    path: Path
    _index: Mapping[str, Code] = field(repr=False, compare=False)
    _aliases: Mapping[str, str] = field(repr=False, compare=False)
    _order: Mapping[str, int] = field(repr=False, compare=False)

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and code in self._index

    def __iter__(self) -> Iterator[Code]:
        return iter(self.codes)

    def __len__(self) -> int:
        return len(self.codes)

    @property
    def values(self) -> frozenset[str]:
        return frozenset(self._index)

    def get(self, code: str) -> Code | None:
        return self._index.get(code)

    def label(self, code: str, lang: str = "en") -> str:
        found = self._index.get(code)
        if found is None:
            raise KeyError(f"not a code of list {self.name!r}")
        return found.label(lang)

    def order(self, code: str) -> int:
        """Position of ``code`` in the list, to sort multi-valued fields canonically."""
        return self._order.get(code, len(self._order))

    def resolve(self, value: str) -> str | None:
        """The code meant by ``value``: the code itself, or (ignoring case, accents, spaces and
        punctuation) one of its labels or mapped codes, when that names one code only."""
        if value in self._index:
            return value
        return self._aliases.get(normalise_name(value))


@dataclass(frozen=True, slots=True)
class AgeBand:
    code: str
    min_age: int
    max_age: int | None

    def contains(self, age: int) -> bool:
        return age >= self.min_age and (self.max_age is None or age <= self.max_age)


@dataclass(frozen=True, slots=True)
class PostcodeRange:
    low: int
    high: int
    province: str


@dataclass(frozen=True)
class CodeLists:
    """All code lists of one configuration directory, with the lookup tables derived from them."""

    directory: Path
    lists: Mapping[str, CodeList]
    age_bands: tuple[AgeBand, ...]
    postcode_ranges: tuple[PostcodeRange, ...]
    municipalities: Mapping[str, str] = field(repr=False)
    regions: Mapping[str, str] = field(repr=False)
    eu_members: frozenset[str] = field(repr=False)

    def __getitem__(self, name: str) -> CodeList:
        return self.lists[name]

    def __contains__(self, name: object) -> bool:
        return name in self.lists

    def is_code(self, list_name: str, value: object) -> bool:
        return value in self.lists[list_name]


# -- loading -------------------------------------------------------------------------------------


def _fail(path: Path, line: int | None, message: str) -> CodeListError:
    return CodeListError(path, line, message)


def _text(value: object, path: Path, line: int | None, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _fail(path, line, f"{what} must be a non-empty text (quote it if it looks like a number)")
    return value.strip()


def _labels(entry: YamlMap, path: Path, code: str) -> Mapping[str, str]:
    line = entry.line_of("labels")
    raw = entry.get("labels")
    if not isinstance(raw, dict):
        raise _fail(path, line, f"code {code!r}: labels must be a mapping of language to text")
    labels: dict[str, str] = {}
    for lang in raw:
        if lang not in LANGUAGES and lang not in OPTIONAL_LANGUAGES:
            raise _fail(path, line_of(raw, lang) or line, f"code {code!r}: unknown label language {lang!r}")
        labels[lang] = _text(raw[lang], path, line_of(raw, lang) or line, f"code {code!r}: label {lang}")
    missing = [lang for lang in LANGUAGES if lang not in labels]
    if missing:
        raise _fail(path, line, f"code {code!r}: missing label(s) {', '.join(missing)}")
    return MappingProxyType(labels)


def _mappings(entry: YamlMap, path: Path, code: str) -> Mapping[str, tuple[str, ...]]:
    raw = entry.get("map")
    if raw is None:
        return MappingProxyType({})
    line = entry.line_of("map")
    if not isinstance(raw, dict):
        raise _fail(path, line, f"code {code!r}: map must be a mapping of standard to code(s)")
    out: dict[str, tuple[str, ...]] = {}
    for standard, value in raw.items():
        if not isinstance(standard, str) or not CODE_PATTERN.fullmatch(standard):
            raise _fail(path, line, f"code {code!r}: map keys must be short names such as htcds")
        values = value if isinstance(value, list) else [value]
        out[standard] = tuple(_text(v, path, line, f"code {code!r}: map {standard}") for v in values)
    return MappingProxyType(out)


def _code(entry: object, path: Path, line: int, list_name: str) -> Code:
    if not isinstance(entry, YamlMap):
        raise _fail(path, line, "each code must be a mapping with code and labels")
    allowed = _BASE_KEYS | _ATTRIBUTES.get(list_name, frozenset())
    for key in entry:
        if key not in allowed:
            raise _fail(path, entry.line_of(key), f"unknown key {key!r} for a code of list {list_name!r}")
    raw_code = entry.get("code")
    if not isinstance(raw_code, str) or not CODE_PATTERN.fullmatch(raw_code):
        raise _fail(
            path,
            entry.line_of("code"),
            "code must be text of letters, digits, '_', '-', '+' (at most 32; quote yes/no/numbers)",
        )
    attributes = {k: v for k, v in entry.items() if k not in _BASE_KEYS}
    return Code(
        code=raw_code,
        labels=_labels(entry, path, raw_code),
        mappings=_mappings(entry, path, raw_code),
        attributes=MappingProxyType(attributes),
        line=line,
    )


def _aliases(codes: tuple[Code, ...]) -> Mapping[str, str]:
    """Normalised name -> code, in tiers: codes, then labels, then mapped codes per standard
    (HTCDS first). A name takes the meaning of the first tier it appears in; a name that points to
    two codes within that tier is ambiguous and resolves to nothing."""
    standards = sorted({s for c in codes for s in c.mappings}, key=lambda s: (_STANDARD_ORDER.get(s, 99), s))
    tiers: list[list[tuple[str, str]]] = [
        [(c.code, c.code) for c in codes],
        [(label, c.code) for c in codes for label in c.labels.values()],
        *([(v, c.code) for c in codes for v in c.mappings.get(s, ())] for s in standards),
    ]
    aliases: dict[str, str | None] = {}
    for tier in tiers:
        seen: dict[str, set[str]] = {}
        for name, code in tier:
            key = normalise_name(name)
            if key and key not in aliases:
                seen.setdefault(key, set()).add(code)
        for key, targets in seen.items():
            aliases[key] = next(iter(targets)) if len(targets) == 1 else None
    return MappingProxyType({k: v for k, v in aliases.items() if v is not None})


def load_codelist(path: Path) -> CodeList:
    """Read and check one code list file (its own structure only; see :func:`load_codelists`)."""
    data = load_yaml(path)
    if not isinstance(data, YamlMap):
        raise _fail(path, line_of(data), "a code list must be a mapping with name, description and codes")
    for key in data:
        if key not in _LIST_KEYS:
            raise _fail(
                path, data.line_of(key), f"unknown key {key!r} (expected {', '.join(sorted(_LIST_KEYS))})"
            )
    name = _text(data.get("name"), path, data.line_of("name"), "name")
    if name != path.stem:
        raise _fail(path, data.line_of("name"), f"name {name!r} must equal the file name {path.stem!r}")
    description = _text(data.get("description"), path, data.line_of("description"), "description")
    raw_sources = data.get("sources", [])
    if not isinstance(raw_sources, list):
        raise _fail(path, data.line_of("sources"), "sources must be a list of texts")
    sources = tuple(_text(s, path, data.line_of("sources"), "a source") for s in raw_sources)
    raw_codes = data.get("codes")
    if not isinstance(raw_codes, YamlList) or not raw_codes:
        raise _fail(path, data.line_of("codes"), "codes must be a non-empty list")
    codes: list[Code] = []
    index: dict[str, Code] = {}
    for i, entry in enumerate(raw_codes):
        code = _code(entry, path, raw_codes.line_of(i), name)
        if code.code in index:
            raise _fail(
                path, code.line, f"code {code.code!r} appears twice (first on line {index[code.code].line})"
            )
        index[code.code] = code
        codes.append(code)
    frozen = tuple(codes)
    return CodeList(
        name=name,
        description=description,
        sources=sources,
        codes=frozen,
        path=path,
        _index=MappingProxyType(index),
        _aliases=_aliases(frozen),
        _order=MappingProxyType({c.code: i for i, c in enumerate(frozen)}),
    )


def _age_bands(codes: CodeList) -> tuple[AgeBand, ...]:
    bands: list[AgeBand] = []
    lines: dict[str, int] = {}
    for code in codes:
        if code.code == UNKNOWN:
            if code.attributes:
                raise _fail(codes.path, code.line, "the unknown age band has no min_age/max_age")
            continue
        low, high = code.attributes.get("min_age"), code.attributes.get("max_age")
        if not isinstance(low, int) or isinstance(low, bool) or low < 0:
            raise _fail(codes.path, code.line, f"age band {code.code!r}: min_age must be a whole number >= 0")
        if high is not None and (not isinstance(high, int) or isinstance(high, bool) or high < low):
            raise _fail(codes.path, code.line, f"age band {code.code!r}: max_age must be null or >= min_age")
        bands.append(AgeBand(code.code, low, high))
        lines[code.code] = code.line
    bands.sort(key=lambda b: b.min_age)
    expected = 0
    for band in bands:
        if band.min_age != expected:
            raise _fail(codes.path, lines[band.code], f"age band {band.code!r} must start at {expected}")
        if band.max_age is None:
            if band is not bands[-1]:
                raise _fail(codes.path, lines[band.code], "only the last age band may be open (max_age null)")
            break
        expected = band.max_age + 1
    if not bands or bands[-1].max_age is not None:
        raise _fail(codes.path, None, "the age bands must end with an open band (max_age: null)")
    return tuple(bands)


def _postcode_ranges(codes: CodeList) -> tuple[PostcodeRange, ...]:
    ranges: list[tuple[PostcodeRange, int]] = []
    for code in codes:
        raw = code.attributes.get("postcodes")
        if raw is None:
            continue
        if not isinstance(raw, list) or not raw:
            raise _fail(
                codes.path, code.line, f"{code.code!r}: postcodes must be a list of [low, high] pairs"
            )
        for pair in raw:
            ok = isinstance(pair, list) and len(pair) == 2
            ok = ok and all(isinstance(n, int) and not isinstance(n, bool) for n in pair)
            if not ok or not POSTCODE_MIN <= pair[0] <= pair[1] <= POSTCODE_MAX:
                raise _fail(
                    codes.path,
                    code.line,
                    f"{code.code!r}: each postcode range is [low, high] within 1000-9999",
                )
            ranges.append((PostcodeRange(pair[0], pair[1], code.code), code.line))
    ranges.sort(key=lambda r: r[0].low)
    expected = POSTCODE_MIN
    for rng, line in ranges:
        if rng.low != expected:
            problem = (
                "overlaps another range"
                if rng.low < expected
                else f"leaves {expected}-{rng.low - 1} uncovered"
            )
            raise _fail(
                codes.path, line, f"postcode range {rng.low}-{rng.high} of {rng.province!r} {problem}"
            )
        expected = rng.high + 1
    if expected != POSTCODE_MAX + 1:
        raise _fail(codes.path, None, f"postcodes {expected}-{POSTCODE_MAX} are not covered by any province")
    return tuple(r for r, _ in ranges)


def _municipalities(codes: CodeList) -> Mapping[str, str]:
    index: dict[str, str] = {}
    for code in codes:
        raw = code.attributes.get("municipalities", [])
        if not isinstance(raw, list):
            raise _fail(codes.path, code.line, f"{code.code!r}: municipalities must be a list of names")
        for name in raw:
            key = normalise_name(_text(name, codes.path, code.line, f"{code.code!r}: a municipality"))
            if index.get(key, code.code) != code.code:
                raise _fail(
                    codes.path, code.line, f"municipality {name!r} is listed under {index[key]!r} too"
                )
            index[key] = code.code
    return MappingProxyType(index)


def _regions(nationality: CodeList, region: CodeList) -> tuple[Mapping[str, str], frozenset[str]]:
    regions: dict[str, str] = {}
    eu: set[str] = set()
    for code in nationality:
        if not _NATIONALITY_PATTERN.fullmatch(code.code):
            if "region" in code.attributes or code.code not in {UNKNOWN, "stateless"}:
                raise _fail(
                    nationality.path, code.line, "a nationality code is ISO 3166-1 alpha-2 (two capitals)"
                )
            continue
        target = code.attributes.get("region")
        if not isinstance(target, str) or target not in region:
            raise _fail(nationality.path, code.line, f"{code.code!r}: region must be a code of region.yaml")
        if code.code in region:
            raise _fail(nationality.path, code.line, f"{code.code!r} is a region code too")
        regions[code.code] = target
        flag = code.attributes.get("eu", False)
        if not isinstance(flag, bool):
            raise _fail(nationality.path, code.line, f"{code.code!r}: eu must be true or false")
        if flag:
            eu.add(code.code)
    return MappingProxyType(regions), frozenset(eu)


def load_codelists(directory: Path | str | None = None) -> CodeLists:
    """Load and check every ``*.yaml`` in ``directory`` (default: the configured code list folder)."""
    folder = Path(directory) if directory is not None else config_dir() / "codelists"
    if not folder.is_dir():
        raise CodeListError(folder, None, "code list directory not found")
    lists = {p.stem: load_codelist(p) for p in sorted(folder.glob("*.yaml"))}
    missing = [name for name in REQUIRED_LISTS if name not in lists]
    if missing:
        raise CodeListError(folder, None, f"missing code list(s): {', '.join(missing)}")
    for name in LISTS_WITH_UNKNOWN:
        if UNKNOWN not in lists[name]:
            raise CodeListError(lists[name].path, None, f"list {name!r} must have the code 'unknown'")
    if ABROAD not in lists["province"]:
        raise CodeListError(lists["province"].path, None, "list 'province' must have the code 'abroad'")
    regions, eu = _regions(lists["nationality"], lists["region"])
    return CodeLists(
        directory=folder,
        lists=MappingProxyType(lists),
        age_bands=_age_bands(lists["age_band"]),
        postcode_ranges=_postcode_ranges(lists["province"]),
        municipalities=_municipalities(lists["province"]),
        regions=regions,
        eu_members=eu,
    )


@functools.lru_cache(maxsize=8)
def _cached(directory: Path) -> CodeLists:
    return load_codelists(directory)


def default_codelists() -> CodeLists:
    """The code lists of the configured directory, loaded once per directory."""
    return _cached(config_dir() / "codelists")
