"""The security review's attack on revisions: subtracting two published revisions of a month must not
single out a person added late.

60 persons in 2024-05, revision 1 approved; one person is added and revision 2 built. Each revision
is protected on its own, but revision 2 minus revision 1 would give that person's sex, age band,
nationality, form, partner and stages. The publication gate holds revision 2 back: the month page,
its drill-downs and its exports keep showing revision 1 (with a banner that gives no count), and
revision 2 cannot be reached at all. When k persons alike have been added, the next revision differs
from revision 1 by 0 or by at least k in every number, and is published: an attacker subtracting the
two published revisions (read back from the page, the drill-downs and the CSV) learns no change
smaller than k.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ciateh import snapshots
from ciateh.models import AuditEntry, Batch, CaseExploitationForm, CaseRecord, MonthApproval, Partner
from ciateh.reports import BUREAU_DIMENSIONS
from tests.ciateh.portal.bureau_data import form_data, forms, population, store
from tests.ciateh.portal.published import (
    Published,
    csv_tables,
    html_count_tables,
    is_number,
    number,
    parse_html,
)

MONTH = "2024-05"
K = 5
#: the late person's category in each dimension of the month page
LATE = {
    "exploitation_form": "sexual",
    "sex": "female",
    "age_band": "24-26",
    "minor_at_exploitation": "no",
    "nationality": "NG",
    "labour_sector": "construction",
    "province": "BE-BRU",
    "partner": "insp",
    "protection_stage": "reflection_period",
    "judicial_stage": "investigation",
}


def _people() -> list[object]:
    return [
        *population(
            MONTH,
            "victim",
            48,
            seed=11,
            sex={"female": 30, "male": 18},
            nationality={"RO": 20, "NG": 12, "BR": 10, "MA": 6},
            forms=forms(sexual=28, labour=16, domestic_servitude=4),
            province={"BE-BRU": 24, "BE-WLG": 24},
            partner={"pol": 28, "insp": 20},
            age_band={"21-23": 20, "24-26": 14, "30-38": 14},
            protection={"unknown": 30, "reflection_period": 18},
            judicial={"unknown": 28, "investigation": 20},
        ),
        *population(
            MONTH, "suspect", 12, seed=12, sex={"male": 10, "female": 2}, nationality={"RO": 8, "BE": 4}
        ),
    ]


def _add_late(session: Session, n: int, first: int = 0) -> None:
    """``n`` more victims of 2024-05 alike (the attributes of :data:`LATE`), each in a case of its own."""
    partner = session.scalars(select(Partner).where(Partner.code == LATE["partner"])).one()
    batch = session.scalars(select(Batch).where(Batch.partner_id == partner.id)).first()
    assert batch is not None
    for i in range(first, first + n):
        session.add(
            CaseRecord(
                partner_id=partner.id, record_key=f"late-{i}-{'0' * 50}"[:64], case_key=f"key-late-{i}",
                role="victim", offence="trafficking", registered_month=MONTH,
                labour_sector=LATE["labour_sector"], sex=LATE["sex"], age_band=LATE["age_band"],
                minor_at_exploitation=LATE["minor_at_exploitation"], nationality=LATE["nationality"],
                province=LATE["province"], recruiter_relation="unknown",
                protection_stage=LATE["protection_stage"], judicial_stage=LATE["judicial_stage"],
                anonymiser_version="0.1.0", policy_version="2025.1", batch_id=batch.id,
                exploitation_forms=[CaseExploitationForm(code=LATE["exploitation_form"])],
            )
        )  # fmt: skip
    session.commit()


@pytest.fixture
def bureau(
    session: Session, make_user: Callable[..., object], login: Callable[..., FlaskClient]
) -> FlaskClient:
    """The reviewer's set-up: 60 persons, revision 1 approved, one person added, revision 2 built."""
    store(session, _people(), [MONTH])  # type: ignore[arg-type]
    snapshots.approve_month(session, MONTH, "user:bureau-review", k=K)
    session.commit()
    _add_late(session, 1)
    second, created = snapshots.build_snapshot(session, MONTH, "job:monthly_snapshot")
    session.commit()
    assert created and second.revision == 2
    return login(make_user("bureau").user)  # type: ignore[attr-defined]


def _get(client: FlaskClient, url: str, status: int = 200) -> bytes:
    response = client.get(url)
    assert response.status_code == status, url
    return response.data


def _html(client: FlaskClient, url: str, status: int = 200) -> str:
    return _get(client, url, status).decode("utf-8")


def _drill(dimension: str, by: str, role: str = "victims", revision: int | None = None) -> str:
    url = f"/bureau/month/{MONTH}/drilldown?role={role}&dimension={dimension}&code={LATE[dimension]}&by={by}"
    return url if revision is None else f"{url}&revision={revision}"


def _numbers(table: Published) -> dict[str, int]:
    """The numbers a reader sees in a published table (markers left out), the total as ``_total``."""
    return {code: number(text) for code, text in table.texts() if is_number(text)}


def _differences(before: Published, after: Published) -> dict[str, int]:
    """What subtracting the two tables gives, for every category both show as a number."""
    old, new = _numbers(before), _numbers(after)
    return {code: new[code] - old[code] for code in old.keys() & new.keys()}


# -- one person added: held back -----------------------------------------------------------------


def test_one_late_person_is_held_back_and_the_page_shows_revision_one(bureau: FlaskClient) -> None:
    html = _html(bureau, f"/bureau/month/{MONTH}")
    root = parse_html(html)
    assert "Revision 1" in root.find(id="revision").text()
    assert "2 (not shown yet)" in root.find(id="revision").text()
    banner = root.find(id="withheld-revision").text()
    assert "singling anyone out" in banner and not re.search(r"\d", banner)  # never how many changed
    assert not root.find_all(id="older-revision") and not root.find_all(id="data-changed")
    # revision 2 minus what is shown: nothing, as the page is revision 1's
    assert html_count_tables(html) == html_count_tables(_html(bureau, f"/bureau/month/{MONTH}?revision=1"))
    for dimension in BUREAU_DIMENSIONS:
        by = "sex" if dimension != "sex" else "nationality"
        assert html_count_tables(_html(bureau, _drill(dimension, by))) == html_count_tables(
            _html(bureau, _drill(dimension, by, revision=1))
        )
    csv_now = csv_tables(_get(bureau, f"/bureau/month/{MONTH}/export.csv?role=victims"))
    csv_one = csv_tables(_get(bureau, f"/bureau/month/{MONTH}/export.csv?role=victims&revision=1"))
    assert csv_now == csv_one and csv_now[0]["Revision"] == "1"


@pytest.mark.parametrize("role", ["victims", "suspects"])
def test_the_held_back_revision_cannot_be_reached(bureau: FlaskClient, role: str) -> None:
    _html(bureau, f"/bureau/month/{MONTH}?role={role}&revision=2", 404)
    for fmt in ("csv", "xlsx", "pdf"):
        _get(bureau, f"/bureau/month/{MONTH}/export.{fmt}?role={role}&revision=2", 404)
        assert _get(bureau, f"/bureau/month/{MONTH}/export.{fmt}?role={role}&revision=1")
    for dimension in ("sex", "nationality", "labour_sector"):
        _html(bureau, _drill(dimension, "age_band", role, revision=2), 404)
    assert "revision=2" not in _html(bureau, f"/bureau/month/{MONTH}?role={role}")


def test_the_months_list_and_approval_keep_to_the_published_revision(
    bureau: FlaskClient, session: Session
) -> None:
    row = next(
        r for r in parse_html(_html(bureau, "/bureau/")).find_all("tr") if r.attrs.get("data-month") == MONTH
    )
    cells = row.find_all("td")
    assert cells[0].text().split()[0] == "1" and "not shown yet" in cells[0].text()
    html = _html(bureau, f"/bureau/month/{MONTH}")
    assert not parse_html(html).find_all(id="approve-month")  # revision 1 is approved; 2 cannot be
    response = bureau.post(f"/bureau/month/{MONTH}/approve", data=form_data(html, role="victims"))
    assert response.status_code == 302
    flashed = _html(bureau, f"/bureau/month/{MONTH}")
    assert "approved (revision 1)" in flashed and "not shown yet" in flashed
    approvals = session.scalars(select(MonthApproval)).all()
    assert [a.snapshot.revision for a in approvals] == [1]
    # revision 2 is recorded (immutable, audited), only not published
    built = session.scalars(select(AuditEntry).where(AuditEntry.action == "snapshot.built")).all()
    assert [e.details["revision"] for e in built] == [1, 2]
    assert (
        session.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "snapshot.approved")
        )
        == 1
    )


# -- k persons alike: published, and the difference shows nothing smaller than k ----------------


def test_k_alike_persons_are_published_and_differences_are_zero_or_at_least_k(
    bureau: FlaskClient, session: Session
) -> None:
    _add_late(session, K - 1, first=1)  # with the first late person: five alike
    third, created = snapshots.build_snapshot(session, MONTH, "job:monthly_snapshot")
    session.commit()
    assert created and third.revision == 3
    assert snapshots.published_revision(session, MONTH, K) == third

    root = parse_html(_html(bureau, f"/bureau/month/{MONTH}"))
    assert "Revision 3" in root.find(id="revision").text() and not root.find_all(id="withheld-revision")
    _html(bureau, f"/bureau/month/{MONTH}?revision=2", 404)  # still held back

    seen: set[int] = set()
    for role in ("victims", "suspects"):
        # the attacker subtracts revision 1 from revision 3: the month page and the CSV ...
        page_1 = html_count_tables(_html(bureau, f"/bureau/month/{MONTH}?role={role}&revision=1"))
        page_3 = html_count_tables(_html(bureau, f"/bureau/month/{MONTH}?role={role}&revision=3"))
        _h1, csv_1 = csv_tables(_get(bureau, f"/bureau/month/{MONTH}/export.csv?role={role}&revision=1"))
        _h3, csv_3 = csv_tables(_get(bureau, f"/bureau/month/{MONTH}/export.csv?role={role}&revision=3"))
        pairs = [(page_1[t], page_3[t]) for t in page_1] + [(csv_1[d], csv_3[d]) for d in csv_1]
        for before, after in pairs:
            for difference in _differences(before, after).values():
                assert difference == 0 or abs(difference) >= K, (role, before.dimension)
                seen.add(difference)
    # ... and the drill-downs of the late persons' categories by every other dimension
    for dimension in BUREAU_DIMENSIONS:
        for by in BUREAU_DIMENSIONS:
            if by == dimension:
                continue
            old = html_count_tables(_html(bureau, _drill(dimension, by, revision=1)))
            new = html_count_tables(_html(bureau, _drill(dimension, by, revision=3)))
            for table in old.keys() & new.keys():
                for difference in _differences(old[table], new[table]).values():
                    assert difference == 0 or abs(difference) >= K, (dimension, by)
                    seen.add(difference)
    assert seen == {0, K}  # the five are seen as five, never as one
