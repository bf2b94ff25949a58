"""Browser tests of the portal: Debian's Chromium, headless, driven by Playwright (never a downloaded
browser), against a real Centre.

The tests install and start what they need, once per test session:

- ``/usr/bin/chromium``: installed with apt-get when missing and we are root; the tests are skipped
  (with the reason printed) only when it cannot be installed;
- a small demo: ``scripts/demo.py --no-serve --size small`` in a temporary folder (partners and
  keys, accounts of every role, synthetic exports of two partners through the real connectors over
  HTTP, a hand-typed batch with a rejected record, month snapshots, approvals, proposals), on the
  SQLite default, or on PostgreSQL in a schema of its own when ``CIATEH_TEST_DATABASE_URL`` is set;
- the portal served by ``scripts/demo.py --serve-only`` (gunicorn) on a free loopback port.

Each account signs in once, through the real forms (password, then TOTP: a code is accepted once),
and its browser context is shared by the tests. Screenshots of the key pages go to
``bench-results/screenshots/`` (git-ignored).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pyotp
import pytest
import requests
import sqlalchemy as sa
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

REPO = Path(__file__).resolve().parents[4]
DEMO = REPO / "scripts" / "demo.py"
CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = REPO / "bench-results" / "screenshots"
PG_ENV = "CIATEH_TEST_DATABASE_URL"
BUILD_TIMEOUT = 600.0
START_TIMEOUT = 90.0
#: the landing page of each role after signing in
LANDING = {"bureau": "/bureau/", "cell": "/cell/", "partner": "/partner/batches", "admin": "/admin/users"}


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "browser: drives Chromium (deselect with -m 'not browser')")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Run the browser tests last. Playwright's sync API keeps an asyncio event loop running in the
    main thread while its (session-scoped) browser is open; a test run after it in the same process
    would find that loop and fail in code that starts one of its own."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


# -- Chromium ---------------------------------------------------------------------------------------


def _install_chromium() -> str | None:
    """Install Debian's chromium; the reason it cannot be, or None when it is there."""
    if CHROMIUM.exists():
        return None
    if os.geteuid() != 0:
        return f"{CHROMIUM} is missing and the tests do not run as root, so they cannot install it"
    if shutil.which("apt-get") is None:
        return f"{CHROMIUM} is missing and there is no apt-get to install it"
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "chromium"]):
        try:
            done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=900, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            return f"`{' '.join(command)}` failed: {type(exc).__name__}"
        if done.returncode != 0:
            tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
            return f"`{' '.join(command)}` failed (exit {done.returncode}): {' / '.join(tail)}"
    return None if CHROMIUM.exists() else f"apt-get installed chromium, but {CHROMIUM} is still missing"


@pytest.fixture(scope="session")
def chromium() -> str:
    reason = _install_chromium()
    if reason is not None:
        print(f"\nbrowser tests skipped: {reason}", file=sys.stderr)
        pytest.skip(f"Chromium cannot be installed: {reason}")
    return str(CHROMIUM)


@pytest.fixture(scope="session")
def browser(chromium: str) -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium, args=LAUNCH_ARGS)
        try:
            yield launched
        finally:
            launched.close()


# -- the demo site ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Account:
    username: str
    role: str
    partner_code: str | None
    password: str
    totp_secret: str

    def code(self) -> str:
        return str(pyotp.TOTP(self.totp_secret).now())

    def wrong_code(self) -> str:
        """Six digits that are none of the codes the server would accept now."""
        totp, now = pyotp.TOTP(self.totp_secret), time.time()
        valid = {totp.at(now + step) for step in (-60, -30, 0, 30, 60)}
        return next(c for c in ("000000", "111111", "222222", "333333") if c not in valid)


@dataclass(frozen=True)
class Site:
    url: str
    root: Path
    database_url: str
    accounts: dict[str, Account]

    def account(self, role: str, partner_code: str | None = None) -> Account:
        for account in self.accounts.values():
            if account.role == role and (partner_code is None or account.partner_code == partner_code):
                return account
        raise LookupError(f"no demo account with role {role} ({partner_code})")

    def query(self, sql: str, **params: object) -> Sequence[sa.Row[Any]]:
        engine = sa.create_engine(self.database_url)
        try:
            with engine.connect() as conn:
                return list(conn.execute(sa.text(sql), params))
        finally:
            engine.dispose()


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _with_search_path(url: str, schema: str) -> str:
    sep = "&" if "?" in url else "?"
    return f"{url}{sep}options={quote(f'-csearch_path={schema}')}"


@contextlib.contextmanager
def _database() -> Iterator[str | None]:
    """None (the demo's SQLite file), or a fresh PostgreSQL schema when CIATEH_TEST_DATABASE_URL is set."""
    base = os.environ.get(PG_ENV)
    if not base:
        yield None
        return
    schema = f"b_{uuid.uuid4().hex[:12]}"
    engine = sa.create_engine(base)
    with engine.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield _with_search_path(base, schema)
    finally:
        with engine.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
    except (subprocess.TimeoutExpired, ProcessLookupError):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The small demo, built by scripts/demo.py and served by it on a free port."""
    work = tmp_path_factory.mktemp("browser")
    root = work / "demo"
    env = {k: v for k, v in os.environ.items() if not k.startswith("CIATEH_")}
    with _database() as database_url:
        command = [sys.executable, str(DEMO), "--no-serve", "--size", "small", "--dir", str(root)]
        if database_url:
            command += ["--database-url", database_url]
        built = subprocess.run(
            command, cwd=REPO, env=env, capture_output=True, text=True, timeout=BUILD_TIMEOUT, check=False
        )
        assert built.returncode == 0, f"the demo was not built:\n{built.stdout}\n{built.stderr}"
        settings = json.loads((root / "settings.json").read_text(encoding="utf-8"))
        accounts = {
            item["username"]: Account(
                item["username"], item["role"], item["partner_code"], item["password"], item["totp_secret"]
            )
            for item in json.loads((root / "logins.json").read_text(encoding="utf-8"))
        }
        port = _free_port()
        with (work / "serve.log").open("wb") as log:
            proc = subprocess.Popen(
                [sys.executable, str(DEMO), "--serve-only", "--dir", str(root), "--port", str(port)],
                cwd=REPO,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + START_TIMEOUT
            while True:
                assert proc.poll() is None, "the portal did not start:\n" + (work / "serve.log").read_text()
                with contextlib.suppress(requests.RequestException):
                    if requests.get(f"{url}/healthz", timeout=2).status_code == 200:
                        break
                assert time.monotonic() < deadline, "the portal did not answer in time"
                time.sleep(0.2)
            yield Site(url, root, settings["database_url"], accounts)
        finally:
            _stop(proc)


# -- signing in, screenshots ------------------------------------------------------------------------


Shoot = Callable[[Page, str], Path]


def fill_password_step(page: Page, site: Site, account: Account, password: str | None = None) -> None:
    page.goto(f"{site.url}/login")
    page.fill("#username", account.username)
    page.fill("#password", account.password if password is None else password)


def fill_code_step(page: Page, code: str) -> None:
    page.wait_for_url("**/login/totp")
    page.fill("#code", code)


@pytest.fixture(scope="session")
def screenshot() -> Shoot:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def shoot(page: Page, name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return shoot


@dataclass
class SignIn:
    """How an account signed in: the pages it went through."""

    login_url: str
    totp_url: str
    landed_url: str


@pytest.fixture(scope="session")
def sign_ins() -> dict[str, SignIn]:
    return {}


@pytest.fixture(scope="session")
def signed_in(
    browser: Browser, demo_site: Site, screenshot: Shoot, sign_ins: dict[str, SignIn]
) -> Iterator[Callable[[Account], BrowserContext]]:
    """``signed_in(account)``: a browser context signed in as the account through the real forms,
    password then TOTP, once per account (a TOTP code is accepted once, so a second sign-in within
    30 s would be refused). The Bureau's sign-in is photographed."""
    contexts: dict[str, BrowserContext] = {}

    def get(account: Account) -> BrowserContext:
        if account.username not in contexts:
            context = browser.new_context(accept_downloads=True, locale="en-GB")
            page = context.new_page()
            fill_password_step(page, demo_site, account)
            login_url = page.url
            if account.role == "bureau":
                screenshot(page, "login")
            page.click("#submit")
            fill_code_step(page, account.code())
            totp_url = page.url
            if account.role == "bureau":
                screenshot(page, "login-totp")
            page.click("#submit")
            page.wait_for_url(f"{demo_site.url}{LANDING[account.role]}")
            sign_ins[account.username] = SignIn(login_url, totp_url, page.url)
            page.close()
            contexts[account.username] = context
        return contexts[account.username]

    try:
        yield get
    finally:
        for context in contexts.values():
            context.close()


@pytest.fixture
def new_page(signed_in: Callable[[Account], BrowserContext]) -> Iterator[Callable[[Account], Page]]:
    """``new_page(account)``: a fresh tab in the account's signed-in context, closed after the test."""
    pages: list[Page] = []

    def make(account: Account) -> Page:
        page = signed_in(account).new_page()
        pages.append(page)
        return page

    try:
        yield make
    finally:
        for page in pages:
            page.close()
