"""Suppression on the Cell's dashboard and in its meeting pack, from the reader's side.

The Cell publishes nothing beyond the month pages: every Cell number must be the sum of what the
Bureau's month pages publish for the months of the period (a shown number, or a marker read as its
range), so that no combination of Cell periods and month pages tells more than the month pages.
Checked three ways: every number of every period equals that sum; the reviewer's differencing
attack (dashboards ending a month apart, one- and two-month meeting packs, subtracted) pins no
number a month page hides and never narrows what a month page says; and no count from 1 to k-1 is
printed on the dashboard or in the pack.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from itertools import product

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from ciateh.aggregates import REST, Hidden, Reason, count_by, label
from ciateh.aggregates.bounds import Range
from ciateh.aggregates.query import shift_month, total
from ciateh.reports import CELL_DIMENSIONS, PeriodReport, latest_month, period_report
from tests.ciateh.portal.cell_pages import (
    MonthPage,
    bar_values,
    figures,
    html_table,
    load,
    month_page,
    months,
    parse_html,
    pdf_lines,
    pdf_table,
    shown,
    visible_text,
)

#: victims per month: many small months, one without any record (no snapshot), a few larger ones
SMALL_COUNTS = {
    "2024-01": 2, "2024-02": 7, "2024-03": 1, "2024-05": 12, "2024-06": 3, "2024-07": 9,
    "2024-08": 4, "2024-09": 6, "2024-10": 1, "2024-11": 15, "2024-12": 5,
}  # fmt: skip
#: a whole period with fewer than five victims: every table is small
TINY_COUNTS = {"2024-03": 1, "2024-09": 2}
#: the reviewer's data: 24 months of about 30 victims, with small categories in every month
ATTACK_SPAN = months("2023-01", "2024-12")
ATTACK_COUNTS = {m: 26 + (i * 5) % 9 for i, m in enumerate(ATTACK_SPAN)}

FIGURE_TITLES = {
    "victims": "Victims",
    "suspects": "Suspects",
    "minor_victims": "Victims who were minors",
    "cases": "Cases",
}
MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

Quantity = tuple[str, str]


# -- what a reader can take from the published numbers ------------------------------------------


def quantities(report: PeriodReport) -> dict[Quantity, Range]:
    """Every number of a period report by quantity (the key figures, the categories; nationality's
    listed codes, not its rest, which is not one quantity of the month pages)."""
    out: dict[Quantity, Range] = {(f.name, ""): f.value for f in report.key_figures}
    for dimension, table in report.breakdowns.items():
        for key, value in table.items():
            if not (dimension == "nationality" and key == REST):
                out[dimension, key] = value
    return out


def pages_of(session: Session, span: list[str], k: int) -> dict[str, MonthPage]:
    return {m: page for m in span if (page := month_page(session, m, k)) is not None}


def case_cells(session: Session, span: list[str], k: int) -> dict[str, Range]:
    """Each month's cases as the Cell publishes them: protected like a total."""
    out = {}
    for m in span:
        n = total(session, month=m, unit="cases")
        out[m] = Range.of(Hidden(Reason.SMALL, k)) if 1 <= n < k else Range.exact(n)
    return out


def page_range(pages: dict[str, MonthPage], cases: dict[str, Range], month: str, q: Quantity) -> Range:
    if month not in pages:
        return Range(0, 0)
    return cases[month] if q[0] == "cases" else pages[month].of(q)


def truth(session: Session, month: str) -> dict[Quantity, int]:
    """The true counts behind a month's published numbers."""
    out: dict[Quantity, int] = {
        ("victims", ""): total(session, month=month, role_group="victims"),
        ("suspects", ""): total(session, month=month, role_group="suspects"),
        ("cases", ""): total(session, month=month, unit="cases"),
    }
    minors = count_by(session, "minor_at_exploitation", month=month, role_group="victims")
    out["minor_victims", ""] = dict(zip(minors.layout.row_keys, minors.values, strict=True)).get("yes", 0)
    for dimension in CELL_DIMENSIONS:
        table = count_by(session, dimension, month=month, role_group="victims")
        out.update(
            ((dimension, key), value) for key, value in zip(table.layout.row_keys, table.values, strict=True)
        )
    return out


def contains(lo: int | None, hi: int | None, value: int) -> bool:
    return (lo is None or lo <= value) and (hi is None or value <= hi)


def sum_over(
    pages: dict[str, MonthPage], cases: dict[str, Range], span: tuple[str, ...], q: Quantity
) -> Range:
    out = Range(0, 0)
    for m in span:
        out = out + page_range(pages, cases, m, q)
    return out


def assert_derived_from_month_pages(
    report: PeriodReport,
    pages: dict[str, MonthPage],
    cases: dict[str, Range],
    truths: dict[str, dict[Quantity, int]],
) -> None:
    """Every number of ``report`` is the sum of the month pages' ranges over its months."""
    have = tuple(m for m in report.months if m in pages)
    assert report.series["victims"].keys == have and set(report.missing) == set(report.months) - set(have)
    for q, value in quantities(report).items():
        assert value == sum_over(pages, cases, have, q), (report.start, report.end, q)
    for name in ("victims", "suspects", "cases"):
        series = report.series[name]
        for m, value in series.items():
            assert value == page_range(pages, cases, m, (name, "")), (m, name)
        assert series.total == report.key_figure(name).value
    for table in report.breakdowns.values():
        assert table.total == report.key_figure("victims").value
    # nationality's rest holds the persons of the codes not listed
    nationality = report.breakdowns["nationality"]
    rest = nationality.get(REST)
    assert rest is not None
    listed = set(nationality.keys) - {REST}
    true_rest = sum(
        v for m in have for (d, key), v in truths[m].items() if d == "nationality" and key not in listed
    )
    assert contains(rest.lo, rest.hi, true_rest)
    # the trend never claims more than the ranges allow
    for figure in report.key_figures:
        if figure.trend == "up":
            assert figure.previous is not None and figure.value.above(figure.previous)
        if figure.trend == "down":
            assert figure.previous is not None and figure.previous.above(figure.value)
        if figure.trend == "flat":
            assert figure.value.is_exact and figure.value == figure.previous


# -- the attack ---------------------------------------------------------------------------------


def test_the_differencing_attack_pins_no_hidden_number(app: Flask, session: Session) -> None:
    """The reviewer's attack: every dashboard (12, 24, 36 months) ending a month apart, and every
    one- and two-month meeting pack, subtracted pairwise. Each difference isolating one month gives
    the attacker a range for that month's number (plus what the month page says of the other month,
    when the two periods differ by one month at each end). It must hold the true number, contain
    the range the month page gives (the Cell tells nothing finer), and never be one value where the
    month page shows a marker."""
    k = app.config["SUPPRESSION_K"]
    load(session, ATTACK_COUNTS, approve=ATTACK_SPAN[:12], seed=17)
    window = months(shift_month(ATTACK_SPAN[0], -36), shift_month(ATTACK_SPAN[-1], 1))
    pages = pages_of(session, window, k)
    cases = case_cells(session, window, k)
    truths = {m: truth(session, m) for m in pages}
    hidden_on_pages = sum(len(p.hidden) for p in pages.values())
    assert hidden_on_pages > 100  # the data has small categories to find

    ends = months(ATTACK_SPAN[0], shift_month(ATTACK_SPAN[-1], 1))
    reports = [period_report(session, end, n, k=k) for end, n in product(ends, (1, 2, 12, 24, 36))]
    for report in reports:
        assert_derived_from_month_pages(report, pages, cases, truths)

    have = [frozenset(r.series["victims"].keys) for r in reports]
    found = [quantities(r) for r in reports]
    derived: list[tuple[str, Quantity, int | None, int | None]] = []
    for i in range(len(reports)):
        if len(have[i]) == 1:  # a one-month pack: its numbers are the month's
            (m,) = have[i]
            derived += [(m, q, r.lo, r.hi) for q, r in found[i].items()]
    for i, j in product(range(len(reports)), repeat=2):
        extra, other = have[i] - have[j], have[j] - have[i]
        if len(extra) != 1 or len(other) > 1:
            continue
        (m,) = extra
        for q in found[i].keys() & found[j].keys():
            lo, hi = found[i][q].minus(found[j][q])
            for o in other:  # what the other month's page says of it
                known = page_range(pages, cases, o, q)
                lo = None if lo is None else lo + known.lo
                hi = None if hi is None or known.hi is None else hi + known.hi
            derived.append((m, q, lo, hi))

    isolated = pinned_checks = 0
    for m, q, lo, hi in derived:
        value = truths[m].get(q, 0)
        page = page_range(pages, cases, m, q)
        assert contains(lo, hi, value), (m, q, lo, hi, value)
        # no finer than the month page
        assert lo is None or lo <= page.lo, (m, q, lo, page)
        assert hi is None or (page.hi is not None and hi >= page.hi), (m, q, hi, page)
        isolated += 1
        if not page.is_exact:
            pinned_checks += 1
            assert lo is None or lo != hi, f"{q} of {m} pinned to {lo} by subtracting Cell figures"
    assert isolated > 5000 and pinned_checks > 1000, (isolated, pinned_checks)


@pytest.mark.parametrize("counts", [SMALL_COUNTS, TINY_COUNTS], ids=["small", "tiny"])
@pytest.mark.parametrize("length", [1, 2, 12, 24, 36])
def test_every_cell_number_is_the_sum_of_the_month_pages(
    app: Flask, session: Session, counts: dict[str, int], length: int
) -> None:
    k = app.config["SUPPRESSION_K"]
    load(session, counts, approve=sorted(counts)[:3], seed=3)
    window = months("2020-01", "2025-01")
    pages = pages_of(session, window, k)
    cases = case_cells(session, window, k)
    truths = {m: truth(session, m) for m in pages}
    for end in months("2024-01", "2025-01"):
        assert_derived_from_month_pages(period_report(session, end, length, k=k), pages, cases, truths)


# -- the printed pages -----------------------------------------------------------------------------

SMALL_NUMBER = re.compile(r"(?<![\w<])([1-4])(?!\w)")


def assert_no_small_count(text: str, k: int) -> None:
    guide = f'"<{k}" means between 1 and {k - 1} persons.'
    text = text.replace(guide, "")
    assert not SMALL_NUMBER.search(text), SMALL_NUMBER.search(text)


@pytest.mark.parametrize("counts", [SMALL_COUNTS, TINY_COUNTS], ids=["small", "tiny"])
@pytest.mark.parametrize("length", [12, 24])
def test_the_dashboard_prints_the_reports_numbers_and_no_small_count(
    app: Flask,
    session: Session,
    make_user: Callable[..., object],
    login: Callable[..., FlaskClient],
    counts: dict[str, int],
    length: int,
) -> None:
    k = app.config["SUPPRESSION_K"]
    load(session, counts, approve=sorted(counts)[:3], seed=3)
    client = login(make_user("cell").user)  # type: ignore[attr-defined]
    html = client.get(f"/cell/?months={length}").get_data(as_text=True)
    end = latest_month(session)
    assert end == max(counts)
    report = period_report(session, end, length, k=k)
    page = parse_html(html)

    printed = figures(page)
    for figure in report.key_figures:
        assert printed[figure.name][0] == shown(figure.value, k)
    per_month = html_table(page, "month")
    for m in report.months:
        expected = tuple(
            shown(v, k) if (v := report.series[name].get(m)) is not None else "–"
            for name in ("victims", "suspects", "cases")
        )
        assert per_month.rows[m] == expected
    markers = set()
    for dimension, svg in zip(CELL_DIMENSIONS, page.find_all("svg", "chart")[1:], strict=True):
        table = report.breakdowns[dimension]
        listed = html_table(page, dimension)
        expected_rows = {key: (shown(v, k),) for key, v in table.items() if v != Range(0, 0)}
        assert listed.rows == expected_rows
        assert listed.total == (shown(table.total, k),)
        assert bar_values(svg) == [v for (v,) in expected_rows.values()]
        markers |= {v for (v,) in expected_rows.values() if not v.replace(",", "").isdigit()}
    assert markers  # ranges or markers to look at
    assert_no_small_count(visible_text(page.find("main")), k)
    for svg in page.find_all("svg", "chart"):
        assert_no_small_count(" ".join(t.text() for t in svg.find_all("text") if "font-size" in t.attrs
                                       and t.attrs["font-size"] == "11"), k)  # fmt: skip


def pack_rows(lines: list[str], report: PeriodReport) -> dict[str, list[str]]:
    provisional, missing = set(report.provisional), set(report.missing)
    labels = []
    for month in report.months:
        name = f"{MONTH_NAMES[int(month[5:]) - 1]} {month[:4]}"
        name += " (provisional)" if month in provisional else " (no figures)" if month in missing else ""
        labels.append(name)
    rows = pdf_table(lines, ["Month", "Victims", "Suspects", "Cases"], labels, 3)
    return {m: rows[name] for m, name in zip(report.months, labels, strict=True)} | {"Total": rows["Total"]}


def without_axis(lines: list[str]) -> list[str]:
    """The lines without the trend chart's axis (a scale, not a count)."""
    chart = lines.index("Victims and suspects per month")
    axis_end = next(i for i in range(chart, len(lines)) if re.fullmatch(r"[A-Z][a-z]{2} \d{4}", lines[i]))
    return [line for i, line in enumerate(lines) if not chart < i < axis_end]


@pytest.mark.parametrize("counts", [SMALL_COUNTS, TINY_COUNTS], ids=["small", "tiny"])
@pytest.mark.parametrize(
    ("start", "end"),
    [("2024-01", "2024-12"), ("2023-07", "2024-12"), ("2024-05", "2024-09"), ("2024-06", "2024-06")],
)
def test_the_meeting_pack_prints_the_reports_numbers_and_no_small_count(
    app: Flask,
    session: Session,
    make_user: Callable[..., object],
    login: Callable[..., FlaskClient],
    counts: dict[str, int],
    start: str,
    end: str,
) -> None:
    k = app.config["SUPPRESSION_K"]
    load(session, counts, approve=sorted(counts)[:3], seed=3)
    client = login(make_user("cell").user)  # type: ignore[attr-defined]
    response = client.get(f"/cell/meeting-pack.pdf?from={start}&to={end}")
    assert response.status_code == 200
    lines = pdf_lines(response.data)
    length = len(months(start, end))
    report = period_report(session, end, length, k=k)

    at = lines.index("Key figures")
    for name, title in FIGURE_TITLES.items():
        assert lines[lines.index(title, at) + 1] == shown(report.key_figure(name).value, k)
    rows = pack_rows(lines, report)
    for m in report.months:
        values = [report.series[name].get(m) for name in ("victims", "suspects", "cases")]
        assert rows[m] == ["-" if v is None else shown(v, k) for v in values]
    for dimension in CELL_DIMENSIONS:
        table = report.breakdowns[dimension]
        listed = {label(dimension, key, "en"): [shown(v, k)] for key, v in table.items() if v != Range(0, 0)}
        if not listed:
            continue
        assert pdf_table(lines, ["Category", "Count"], list(listed), 1) == {
            **listed,
            "Total": [shown(table.total, k)],
        }
    printed = [line for line in without_axis(lines) if not line.startswith("ciateh, meeting pack")]  # footers
    assert [n for n in printed if n.isdigit() and 1 <= int(n) < k] == []
    assert_no_small_count(" ".join(printed), k)
