"""The dimensions a count can be broken down by, their categories (in code-list order) and labels."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

from anonymiser.codelists import LANGUAGES, default_codelists
from ciateh.models.partner import PARTNER_KINDS

#: The key of the "all the others" row of a top-n table.
REST: Final = "_rest"
_REST_LABELS: Final = {"en": "Other", "nl": "Overige", "fr": "Autres"}

Source = Literal["column", "multi", "partner"]


@dataclass(frozen=True, slots=True)
class Dimension:
    """``source``: a column of the case table, a multi-valued child table, or a partner attribute.
    ``attribute`` names the column (of CaseRecord, or of Partner); ``codelists`` give the
    categories in order (their codes, then any other value found, sorted)."""

    name: str
    source: Source
    attribute: str
    codelists: tuple[str, ...] = ()

    @property
    def multi(self) -> bool:
        return self.source == "multi"


def _column(name: str, codelist: str | None = None) -> Dimension:
    return Dimension(name, "column", name, (codelist or name,))


DIMENSIONS: Final[dict[str, Dimension]] = {
    d.name: d
    for d in (
        _column("role"),
        _column("offence"),
        _column("labour_sector"),
        _column("sex"),
        _column("age_band"),
        _column("minor_at_exploitation"),
        Dimension("nationality", "column", "nationality", ("nationality", "region")),
        _column("province"),
        _column("recruiter_relation"),
        _column("protection_stage"),
        _column("judicial_stage"),
        Dimension("month", "column", "registered_month"),
        Dimension("exploitation_form", "multi", "exploitation_forms", ("exploitation_form",)),
        Dimension("means_of_control", "multi", "means_of_control", ("means_of_control",)),
        Dimension("partner", "partner", "code"),
        Dimension("partner_kind", "partner", "kind"),
    )
}

ROLE_GROUPS: Final[dict[str, tuple[str, ...] | None]] = {
    "victims": ("victim", "presumed_victim"),
    "suspects": ("suspect",),
    "all": None,
}


def dimension(name: str) -> Dimension:
    try:
        return DIMENSIONS[name]
    except KeyError:
        raise ValueError(f"unknown dimension {name!r}; one of {', '.join(sorted(DIMENSIONS))}") from None


def listed_codes(dim: Dimension) -> tuple[str, ...]:
    """The codes a dimension always shows (zeros included): its code lists, or the partner kinds."""
    if dim.name == "partner_kind":
        return PARTNER_KINDS
    lists = default_codelists()
    return tuple(code.code for name in dim.codelists for code in lists[name])


def is_known_code(dim: Dimension, value: str) -> bool:
    if dim.name in ("partner", "month"):
        return True
    return value in listed_codes(dim)


def label(dimension_name: str, code: str, lang: str = "en") -> str:
    """The label of a category in ``lang`` (en, nl, fr); the code itself where there is no list."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}")
    if code == REST:
        return _REST_LABELS[lang]
    dim = dimension(dimension_name)
    lists = default_codelists()
    for name in dim.codelists:
        found = lists[name].get(code)
        if found is not None:
            return found.label(lang)
    return code
