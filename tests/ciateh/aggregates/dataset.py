"""A small hand-made set of anonymous persons, inserted through the session, and a plain-Python
counter over the same list to check the query layer against (written without SQL)."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from ciateh.models import Batch, CaseExploitationForm, CaseMeansOfControl, CaseRecord, Partner


@dataclass(frozen=True)
class P:
    partner: str
    case: str
    role: str
    month: str
    sex: str
    age_band: str = "unknown"
    nationality: str = "unknown"
    labour_sector: str = "not_applicable"
    forms: tuple[str, ...] = ()
    means: tuple[str, ...] = ()
    province: str = "unknown"
    minor: str = "no"
    offence: str = "trafficking"
    stages: tuple[str, str, str] = ("unknown", "unknown", "unknown")  # recruiter, protection, judicial


PARTNERS = {"pol": "police", "insp": "labour_inspection", "idle": "myria"}

PEOPLE: tuple[P, ...] = (
    # 2024-11: eleven persons in six cases
    P("pol", "c1", "victim", "2024-11", "female", "21-23", "RO", forms=("sexual",),
      means=("debt_bondage", "threats"), province="BE-BRU"),
    P("pol", "c1", "suspect", "2024-11", "male", "30-38", "RO", forms=("sexual",), province="BE-BRU"),
    P("pol", "c2", "presumed_victim", "2024-11", "male", "18-20", "MA", "car_wash",
      ("labour", "forced_criminality"), ("withheld_documents",), "BE-VAN", offence="both"),
    P("pol", "c2", "presumed_victim", "2024-11", "male", "18-20", "MA", "car_wash", ("labour",),
      province="BE-VAN", offence="both"),
    P("pol", "c3", "victim", "2024-11", "female", "9-17", "NG", forms=("sexual",), means=("abuse",),
      minor="yes", stages=("intimate_partner", "reflection_period", "investigation")),
    P("insp", "d1", "victim", "2024-11", "male", "30-38", "BR", "construction",
      ("labour", "forced_criminality"), province="BE-WLG",
      stages=("friend", "temporary_residence", "prosecution")),
    P("insp", "d1", "victim", "2024-11", "male", "39-47", "BR", "construction", ("labour",),
      province="BE-WLG"),
    P("insp", "d1", "victim", "2024-11", "male", "30-38", "UA", "construction", ("labour",),
      province="BE-WLG"),
    P("insp", "d2", "presumed_victim", "2024-11", "female", "24-26", "PH", "domestic_work",
      ("domestic_servitude",), ("withheld_documents", "threats")),
    P("insp", "d2", "suspect", "2024-11", "female", "48+", "BE", forms=("domestic_servitude",)),
    P("insp", "d3", "victim", "2024-11", "male"),
    # the months around it
    P("pol", "c0", "victim", "2024-10", "female", "21-23", "RO", forms=("sexual",)),
    P("insp", "d0", "victim", "2024-10", "male", "30-38", "BR", "construction", ("labour",)),
    P("pol", "c4", "suspect", "2024-12", "male", "30-38", "AL"),
)  # fmt: skip

SINGLE = {
    "role": "role",
    "offence": "offence",
    "sex": "sex",
    "age_band": "age_band",
    "nationality": "nationality",
    "labour_sector": "labour_sector",
    "province": "province",
    "minor_at_exploitation": "minor",
    "month": "month",
}
STAGES = ("recruiter_relation", "protection_stage", "judicial_stage")
ROLE_GROUPS = {"victims": ("victim", "presumed_victim"), "suspects": ("suspect",), "all": None}


def insert(session: Session, people: Iterable[P] = PEOPLE) -> dict[str, Partner]:
    partners = {
        code: Partner(code=code, name=f"Partner {code}", kind=kind) for code, kind in PARTNERS.items()
    }
    session.add_all(partners.values())
    session.flush()
    batches = {}
    for code, partner in partners.items():
        batches[code] = Batch(
            partner_id=partner.id, client_batch_id=f"b-{code}", body_sha256="0" * 64, key_id="k",
            status="accepted", record_count=0, accepted_count=0, rejected_count=0, outcomes=[],
        )  # fmt: skip
    session.add_all(batches.values())
    session.flush()
    for p in people:
        session.add(
            CaseRecord(
                partner_id=partners[p.partner].id, record_key=secrets.token_hex(32), case_key=f"key-{p.case}",
                role=p.role, offence=p.offence, registered_month=p.month, labour_sector=p.labour_sector,
                sex=p.sex, age_band=p.age_band, minor_at_exploitation=p.minor, nationality=p.nationality,
                province=p.province, recruiter_relation=p.stages[0], protection_stage=p.stages[1],
                judicial_stage=p.stages[2], anonymiser_version="0.1.0", policy_version="2025.1",
                batch_id=batches[p.partner].id,
                exploitation_forms=[CaseExploitationForm(code=c) for c in p.forms],
                means_of_control=[CaseMeansOfControl(code=c) for c in p.means],
            )
        )  # fmt: skip
    session.commit()
    return partners


# -- the reference counter -----------------------------------------------------------------------


def values(p: P, dimension: str) -> set[str]:
    """The categories of ``p`` on ``dimension`` (a set: several for multi-valued ones)."""
    if dimension == "exploitation_form":
        return set(p.forms)
    if dimension == "means_of_control":
        return set(p.means)
    if dimension == "partner":
        return {p.partner}
    if dimension == "partner_kind":
        return {PARTNERS[p.partner]}
    if dimension in STAGES:
        return {p.stages[STAGES.index(dimension)]}
    return {getattr(p, SINGLE[dimension])}


def in_scope(
    p: P,
    months: tuple[str, str] | None = None,
    role_group: str = "all",
    filters: dict[str, str] | None = None,
) -> bool:
    roles = ROLE_GROUPS[role_group]
    if months is not None and not months[0] <= p.month <= months[1]:
        return False
    if roles is not None and p.role not in roles:
        return False
    return all(code in values(p, dim) for dim, code in (filters or {}).items())


def count(people: Iterable[P], unit: str) -> int:
    people = list(people)
    return len(people) if unit == "persons" else len({(p.partner, p.case) for p in people})
