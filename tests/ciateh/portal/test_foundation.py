"""The portal's wiring: security headers, fail-closed access declarations, the login fixture."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Blueprint, Flask
from flask.testing import FlaskClient

from ciateh.portal.access import check_declared
from ciateh.portal.security import CSP


def test_every_answer_has_the_security_headers(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.headers["Content-Security-Policy"] == CSP
    assert "unsafe-inline" not in CSP
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_a_route_without_declaration_stops_the_app(app: Flask) -> None:
    bare = Flask("bare")
    bp = Blueprint("loose", __name__)
    bp.add_url_rule("/loose", "loose", lambda: "open")
    bare.register_blueprint(bp)
    with pytest.raises(RuntimeError, match=r"loose\.loose"):
        check_declared(bare)
    check_declared(app)  # the real app declares every route


def test_login_fixture_signs_in(make_user: Callable[..., object], login: Callable[..., FlaskClient]) -> None:
    someone = make_user("admin")
    client = login(someone.user)  # type: ignore[attr-defined]
    assert client.get("/").headers["Location"].endswith("/admin/users")
    assert client.get("/bureau/").status_code == 403
