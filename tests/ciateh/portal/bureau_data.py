"""Synthetic anonymous persons for the Bureau's page, export and suppression tests.

``population`` deals categories out to persons from given counts (shuffled with a fixed seed), so a
test states the 1-D counts it needs (``{"female": 30, "male": 3}``) and gets persons whose
cross-tabulations are mixed, small cells included. ``insert`` (from the aggregates tests) stores
them with the partners ``pol``, ``insp`` and ``idle``.
"""

from __future__ import annotations

import random
import re
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy.orm import Session

from ciateh import snapshots
from tests.ciateh.aggregates.dataset import P, insert

Counts = Mapping[str, int]


def _deal(counts: Counts, n: int, rng: random.Random) -> list[str]:
    values = [code for code, count in counts.items() for _ in range(count)]
    if len(values) != n:
        raise ValueError(f"counts {dict(counts)} make {len(values)} persons, not {n}")
    rng.shuffle(values)
    return values


def population(
    month: str,
    role: str,
    n: int,
    *,
    seed: int,
    sex: Counts | None = None,
    age_band: Counts | None = None,
    nationality: Counts | None = None,
    labour_sector: Counts | None = None,
    forms: Sequence[tuple[str, ...]] | None = None,
    province: Counts | None = None,
    partner: Counts | None = None,
    minor: Counts | None = None,
    protection: Counts | None = None,
    judicial: Counts | None = None,
) -> list[P]:
    """``n`` persons of ``role`` registered in ``month``; each ``Counts`` gives how many persons have
    each category (they must add up to ``n``); ``forms`` gives each person's forms (dealt out)."""
    rng = random.Random(seed)

    def deal(counts: Counts | None, default: str) -> list[str]:
        return _deal(counts, n, rng) if counts is not None else [default] * n

    sexes = deal(sex, "unknown")
    ages = deal(age_band, "unknown")
    nationalities = deal(nationality, "unknown")
    sectors = deal(labour_sector, "not_applicable")
    provinces = deal(province, "unknown")
    partners = deal(partner, "pol")
    minors = deal(minor, "no")
    protections = deal(protection, "unknown")
    judicials = deal(judicial, "unknown")
    form_list = list(forms) if forms is not None else [()] * n
    if len(form_list) != n:
        raise ValueError("one tuple of forms per person")
    rng.shuffle(form_list)
    return [
        P(
            partners[i],
            f"{month}-{role}-{i // 2}",
            role,
            month,
            sexes[i],
            ages[i],
            nationalities[i],
            sectors[i],
            form_list[i],
            (),
            provinces[i],
            minors[i],
            "trafficking",
            ("unknown", protections[i], judicials[i]),
        )
        for i in range(n)
    ]


def forms(**counts: int) -> list[tuple[str, ...]]:
    """Forms of exploitation per person: ``sexual=3`` gives three persons with ("sexual",);
    ``sexual__labour=2`` two persons with both."""
    out: list[tuple[str, ...]] = []
    for key, count in counts.items():
        out += [tuple(key.split("__"))] * count
    return out


def store(session: Session, people: Sequence[P], months: Sequence[str]) -> None:
    """Insert the persons and build a snapshot of each month."""
    insert(session, people)
    for month in months:
        snapshots.build_snapshot(session, month, "user:test")
    session.commit()


# -- page-test data: counts large enough to show changes -----------------------------------------


def pages_people() -> list[P]:
    """2024-11 (with 2024-10 and 2023-11 to compare with): known, mostly shown counts."""
    return [
        # 2024-11 victims: 12 female, 8 male (+2 male with small counts elsewhere)
        *population(
            "2024-11",
            "victim",
            22,
            seed=1,
            sex={"female": 12, "male": 10},
            nationality={"RO": 12, "BR": 8, "PH": 2},
            forms=forms(sexual=12, labour=8, domestic_servitude=2),
            province={"BE-BRU": 12, "BE-WLG": 10},
            partner={"pol": 12, "insp": 10},
            age_band={"21-23": 12, "30-38": 10},
        ),
        *population("2024-11", "suspect", 6, seed=2, sex={"male": 6}, nationality={"RO": 6}),
        # 2024-10: 10 female, 7 male
        *population(
            "2024-10",
            "victim",
            17,
            seed=3,
            sex={"female": 10, "male": 7},
            nationality={"RO": 10, "BR": 7},
            forms=forms(sexual=10, labour=7),
            province={"BE-BRU": 10, "BE-WLG": 7},
            partner={"pol": 10, "insp": 7},
            age_band={"21-23": 10, "30-38": 7},
        ),
        *population("2024-10", "suspect", 5, seed=4, sex={"male": 5}, nationality={"RO": 5}),
        # 2023-11: 6 female, 9 male
        *population(
            "2023-11",
            "victim",
            15,
            seed=5,
            sex={"female": 6, "male": 9},
            nationality={"RO": 6, "BR": 9},
            forms=forms(sexual=6, labour=9),
            province={"BE-BRU": 6, "BE-WLG": 9},
            partner={"pol": 6, "insp": 9},
            age_band={"21-23": 6, "30-38": 9},
        ),
        # 2024-12: records, no snapshot built
        *population("2024-12", "victim", 7, seed=6, sex={"female": 7}),
    ]


PAGES_MONTHS = ("2023-11", "2024-10", "2024-11")


# -- reading what was published ------------------------------------------------------------------

_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token(html: str) -> str:
    found = _CSRF.search(html)
    if found is None:
        raise AssertionError("no CSRF token in the page")
    return found.group(1)


def form_data(html: str, **values: Any) -> dict[str, Any]:
    return {"csrf_token": csrf_token(html), **values}
