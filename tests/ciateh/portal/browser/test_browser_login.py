"""Signing in, in Chromium: password then TOTP through the real forms; a wrong code or password is
refused. (The accepted sign-ins are made by the ``signed_in`` fixture, once per account: a TOTP code
is accepted once.)"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext

pytestmark = pytest.mark.browser


def test_the_bureau_signs_in_with_password_and_totp(
    browser: Browser, demo_site: Any, signed_in: Callable[[Any], BrowserContext], sign_ins: dict[str, Any]
) -> None:
    # an anonymous visitor is sent to the login page
    anonymous = browser.new_context(locale="en-GB")
    try:
        page = anonymous.new_page()
        page.goto(f"{demo_site.url}/bureau/")
        assert page.url.startswith(f"{demo_site.url}/login")
        assert page.locator("#username").is_visible() and page.locator("#password").is_visible()
    finally:
        anonymous.close()

    bureau = demo_site.account("bureau")
    context = signed_in(bureau)
    steps = sign_ins[bureau.username]
    assert steps.login_url == f"{demo_site.url}/login"
    assert steps.totp_url == f"{demo_site.url}/login/totp"
    assert steps.landed_url == f"{demo_site.url}/bureau/"
    page = context.new_page()
    try:
        page.goto(f"{demo_site.url}/bureau/")
        assert page.url == f"{demo_site.url}/bureau/", "the signed-in Bureau was sent elsewhere"
        assert page.locator("a[href*='/bureau/month/']").count() > 0, "no month to pick"
    finally:
        page.close()


def test_a_wrong_totp_code_is_refused(
    browser: Browser, demo_site: Any, signed_in: Callable[[Any], BrowserContext]
) -> None:
    labour = demo_site.account("partner", "labour-inspection")
    context = browser.new_context(locale="en-GB")
    try:
        page = context.new_page()
        page.goto(f"{demo_site.url}/login")
        page.fill("#username", labour.username)
        page.fill("#password", labour.password)
        page.click("#submit")
        page.wait_for_url("**/login/totp")
        page.fill("#code", labour.wrong_code())
        page.click("#submit")
        page.wait_for_load_state()
        assert page.locator("#totp-error").is_visible(), "no error shown for a wrong code"
        assert page.url.startswith(f"{demo_site.url}/login")
        # not signed in: the partner pages still send the visitor to the login page
        page.goto(f"{demo_site.url}/partner/batches")
        assert page.url.startswith(f"{demo_site.url}/login")
        assert page.locator("#batches").count() == 0
    finally:
        context.close()
    # the right code, in a sign-in of its own, still works after a wrong one
    page = signed_in(labour).new_page()
    try:
        page.goto(f"{demo_site.url}/partner/batches")
        assert page.locator("#batches").is_visible()
    finally:
        page.close()


def test_a_wrong_password_never_reaches_the_second_step(browser: Browser, demo_site: Any) -> None:
    cell = demo_site.account("cell")
    context = browser.new_context(locale="en-GB")
    try:
        page = context.new_page()
        page.goto(f"{demo_site.url}/login")
        page.fill("#username", cell.username)
        page.fill("#password", cell.password + "-wrong")
        page.click("#submit")
        page.wait_for_load_state()
        assert page.locator("#login-error").is_visible()
        page.goto(f"{demo_site.url}/login/totp")
        assert not page.url.startswith(f"{demo_site.url}/login/totp"), (
            "the TOTP step opened without a password"
        )
    finally:
        context.close()
