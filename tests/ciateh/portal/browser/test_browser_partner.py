"""A partner in Chromium: its own batches (with the record the Centre rejected, described by field,
entity type and offsets only), and never another organisation's (its batch's URL answers 404)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page

pytestmark = pytest.mark.browser

POLICE = "police-fed"
LABOUR = "labour-inspection"


def batches_of(site: Any, code: str) -> dict[int, str]:
    rows = site.query(
        "SELECT b.id, b.client_batch_id FROM batch b JOIN partner p ON p.id = b.partner_id "
        "WHERE p.code = :code",
        code=code,
    )
    return {int(r[0]): str(r[1]) for r in rows}


def test_a_partner_sees_its_own_batches(
    demo_site: Any, new_page: Callable[[Any], Page], screenshot: Callable[[Page, str], Path]
) -> None:
    own, other = batches_of(demo_site, POLICE), batches_of(demo_site, LABOUR)
    assert own and other
    page = new_page(demo_site.account("partner", POLICE))
    page.goto(f"{demo_site.url}/partner/batches")
    page.wait_for_selector("#batches")
    screenshot(page, "partner-batches")
    shown = {
        int(v)
        for v in page.locator("#batches tr[data-batch]").evaluate_all("rs => rs.map(r => r.dataset.batch)")
    }
    assert shown == set(own), "the page does not list exactly the organisation's batches"
    text = page.locator("#batches").inner_text()
    assert all(client_id in text for client_id in own.values())
    assert not any(client_id in text for client_id in other.values())

    # the hand-typed batch: one record rejected, and why (never what)
    rejected = next(i for i, client_id in own.items() if client_id.startswith("hand-typed-"))
    page.click(f"#batches tr[data-batch='{rejected}'] a")
    page.wait_for_load_state()
    assert page.url == f"{demo_site.url}/partner/batches/{rejected}"
    screenshot(page, "partner-batch")
    assert page.locator("#count-rejected").inner_text().strip() == "1"
    assert page.locator("#outcomes tr.rejected").count() >= 1
    outcomes = page.locator("#outcomes").inner_text()
    assert "PHONE" in outcomes, "the rejection reason (entity type) is not shown"
    body = page.inner_text("body")
    assert "0470" not in body and "12 34 56" not in body, "a rejected value is shown"


def test_another_organisations_batch_is_not_found(demo_site: Any, new_page: Callable[[Any], Page]) -> None:
    other = batches_of(demo_site, LABOUR)
    page = new_page(demo_site.account("partner", POLICE))
    for batch_id in sorted(other)[:2]:
        response = page.goto(f"{demo_site.url}/partner/batches/{batch_id}")
        assert response is not None and response.status == 404, (
            f"batch {batch_id}: {response and response.status}"
        )
        assert other[batch_id] not in page.content()
    # and the other way round
    own = batches_of(demo_site, POLICE)
    labour = new_page(demo_site.account("partner", LABOUR))
    response = labour.goto(f"{demo_site.url}/partner/batches/{min(own)}")
    assert response is not None and response.status == 404
