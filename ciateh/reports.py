"""What the portal's pages and exports show, as protected view models (CONTRACT; implementation by
the snapshots helper). Every number here is a protected cell from ``ciateh.aggregates``: an int, or a
marker (``<k``, ``x``). Pages, exports and PDFs format these and nothing else.

The month figures are read from month snapshots (``ciateh.snapshots``), never counted live: the
latest revision of the month unless a revision is asked for.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Final, Literal

from sqlalchemy.orm import Session

from ciateh.aggregates import DEFAULT_K, Cell, ProtectedTable

#: the breakdowns of the Bureau's month page, in page order
BUREAU_DIMENSIONS: Final = (
    "exploitation_form",
    "sex",
    "age_band",
    "minor_at_exploitation",
    "nationality",  # top ten and the rest
    "labour_sector",
    "province",
    "partner",
    "protection_stage",
    "judicial_stage",
)
#: the breakdowns of the Cell's dashboard (victims, over the chosen period)
CELL_DIMENSIONS: Final = ("exploitation_form", "labour_sector", "nationality")
ROLE_GROUPS: Final = ("victims", "suspects")
TREND_LENGTHS: Final = (12, 24, 36)
TOP_N: Final = 10

Trend = Literal["up", "down", "flat"]


@dataclass(frozen=True)
class SnapshotInfo:
    id: int
    month: str
    revision: int
    built_at: datetime
    built_by: str
    approved_at: datetime | None  # None: not approved
    approved_by: str | None


@dataclass(frozen=True)
class Breakdown:
    """One dimension of a month: the protected 1-D table, and for each of its keys (in order) the
    change against the previous month and the same month a year earlier (``None``: not computable,
    because a side is hidden or that month has no snapshot; show "n/a")."""

    dimension: str
    table: ProtectedTable
    change_previous: tuple[int | None, ...]
    change_year: tuple[int | None, ...]


@dataclass(frozen=True)
class MonthReport:
    month: str
    role_group: str
    k: int
    snapshot: SnapshotInfo
    revisions: tuple[SnapshotInfo, ...]  # every revision of the month, oldest first
    data_changed: bool  # the month's records changed after this snapshot was built
    total: Cell
    total_change_previous: int | None
    total_change_year: int | None
    breakdowns: tuple[Breakdown, ...]  # in BUREAU_DIMENSIONS order


@dataclass(frozen=True)
class MonthStatus:
    month: str
    latest: SnapshotInfo | None  # None: records but no snapshot yet
    approved: SnapshotInfo | None  # the latest approved revision
    data_changed: bool


@dataclass(frozen=True)
class KeyFigure:
    name: str  # "victims", "suspects", "minor_victims", "cases"
    value: Cell  # over the period
    previous: Cell | None  # over the period before, same length (None: no data)
    trend: Trend | None  # None when a side is hidden or missing


@dataclass(frozen=True)
class PeriodReport:
    """The Cell's dashboard (and meeting pack) for ``months`` ending with ``end``."""

    start: str
    end: str
    k: int
    months: tuple[str, ...]
    key_figures: tuple[KeyFigure, ...]
    series: dict[str, ProtectedTable]  # role group -> 1-D table by month (keys = months)
    breakdowns: dict[str, ProtectedTable]  # CELL_DIMENSIONS over the period (victims)
    provisional: tuple[str, ...]  # months shown from a snapshot the Bureau has not approved
    missing: tuple[str, ...]  # months of the period without any snapshot


def months_overview(session: Session) -> list[MonthStatus]:
    """Every month that has records or a snapshot, newest first."""
    raise NotImplementedError


def month_report(
    session: Session,
    month: str,
    role_group: str = "victims",
    *,
    k: int = DEFAULT_K,
    revision: int | None = None,
) -> MonthReport | None:
    """The month page's figures, or ``None`` when the month has no snapshot."""
    raise NotImplementedError


def drilldown(
    session: Session,
    month: str,
    role_group: str,
    dimension: str,
    code: str,
    by: str,
    *,
    k: int = DEFAULT_K,
    revision: int | None = None,
) -> ProtectedTable:
    """The persons of category ``code`` of ``dimension`` broken down by ``by`` (a row of the
    protected cross-tabulation stored in the snapshot)."""
    raise NotImplementedError


def period_report(session: Session, end: str, length: int = 12, *, k: int = DEFAULT_K) -> PeriodReport:
    """The Cell's figures for the ``length`` months ending with ``end`` (YYYY-MM)."""
    raise NotImplementedError


def latest_month(session: Session) -> str | None:
    """The newest month with a snapshot."""
    raise NotImplementedError
