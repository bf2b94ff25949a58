"""A small browser for the portal tests of accounts and access: fetch a page, fill one of its forms
with the hidden fields as served (the CSRF token) and post it; ``signed_in``; and
``fresh_request_globals``.

``fresh_request_globals`` (a fixture: import it into the test module): the test fixtures keep one
application context for the whole test (so that the test's ``session`` is the requests' session),
which makes Flask's ``g`` outlive a request. Flask-WTF caches the CSRF token in ``g``, Flask-Login the
signed-in user, Flask-Babel the locale: each request would see the previous request's values, which
no browser ever does. The fixture drops them when a request starts, as a new application context
does in the running server.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Final

import lxml.html
import pytest
from flask import Flask, g, request_started
from flask import session as flask_session
from flask.testing import FlaskClient
from flask_login import login_user
from werkzeug.test import TestResponse

from ciateh.models import User

PER_REQUEST_GLOBALS: Final = ("csrf_token", "csrf_valid", "_login_user", "_flask_babel")


def _drop_request_globals(_sender: Flask, **_extra: Any) -> None:
    for name in PER_REQUEST_GLOBALS:
        g.pop(name, None)


@pytest.fixture(autouse=True)
def fresh_request_globals(app: Flask) -> Iterator[None]:
    request_started.connect(_drop_request_globals, app)
    try:
        yield
    finally:
        request_started.disconnect(_drop_request_globals, app)


def signed_in(app: Flask, client: FlaskClient, user: User) -> FlaskClient:
    """Sign ``client`` in as ``user`` without the forms (a Flask-Login session, as after both steps).

    The session is made in a request that looks like the client's (its address and user agent):
    with ``session_protection = "strong"`` a session made for another address or agent is dropped."""
    with app.test_request_context(environ_base=client.environ_base):
        login_user(user)
        values = dict(flask_session)
    with client.session_transaction() as sess:
        sess.clear()
        sess.update(values)
    return client


def page(client: FlaskClient, url: str, **kw: Any) -> TestResponse:
    response = client.get(url, **kw)
    assert response.status_code == 200, (url, response.status_code)
    return response


def form_fields(html: str, element_id: str) -> tuple[str, dict[str, str]]:
    """The action and the hidden fields of the form ``element_id`` (or of the form holding it)."""
    doc = lxml.html.fromstring(html)
    element = doc.get_element_by_id(element_id)
    form = element if element.tag == "form" else element.xpath("ancestor::form")[0]
    hidden = {
        str(field.get("name")): str(field.get("value") or "")
        for field in form.xpath(".//input[@type='hidden']")
    }
    return str(form.get("action")), hidden


def submit(client: FlaskClient, url: str, element_id: str, fields: dict[str, str], **kw: Any) -> TestResponse:
    """Open ``url`` and post its form ``element_id`` with ``fields`` filled in."""
    action, data = form_fields(page(client, url, **kw).get_data(as_text=True), element_id)
    assert any(name.endswith("csrf_token") and value for name, value in data.items()), "no CSRF token"
    data.update(fields)
    return client.post(action, data=data, **kw)


def csrf_token(client: FlaskClient, url: str, element_id: str) -> str:
    _, data = form_fields(page(client, url).get_data(as_text=True), element_id)
    return next(value for name, value in data.items() if name.endswith("csrf_token"))


def message(response: TestResponse) -> str:
    """The text of the page's alerts and status messages."""
    doc = lxml.html.fromstring(response.get_data(as_text=True))
    alerts = doc.xpath("//*[@role='alert' or @role='status']")
    return " ".join(" ".join(a.text_content().split()) for a in alerts)
