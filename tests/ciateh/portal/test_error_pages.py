"""Errors outside the API are short pages in the user's language; under the API they stay JSON."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask.testing import FlaskClient


def test_an_unknown_page_is_a_plain_404_page(client: FlaskClient) -> None:
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    body = response.get_data(as_text=True)
    assert 'id="error" data-status="404"' in body and "Traceback" not in body


def test_the_api_keeps_its_json_errors(client: FlaskClient) -> None:
    response = client.get("/api/v1/no-such-endpoint")
    assert response.status_code == 404
    assert response.is_json and response.get_json()["error"]


def test_a_post_without_csrf_token_is_refused_with_a_page(client: FlaskClient) -> None:
    response = client.post("/login", data={"username": "someone", "password": "x"})
    assert response.status_code == 400
    assert 'data-status="400"' in response.get_data(as_text=True)


@pytest.mark.parametrize(("language", "title"), [("nl", "Niet gevonden"), ("fr", "Introuvable")])
def test_error_pages_speak_the_users_language(
    make_user: Callable[..., object], login: Callable[..., FlaskClient], language: str, title: str
) -> None:
    someone = make_user("cell", language=language)
    client = login(someone.user)  # type: ignore[attr-defined]
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert title in response.get_data(as_text=True)


def test_a_wrong_role_gets_a_403_page(
    make_user: Callable[..., object], login: Callable[..., FlaskClient]
) -> None:
    client = login(make_user("cell").user)  # type: ignore[attr-defined]
    response = client.get("/admin/users")
    assert response.status_code == 403
    assert 'data-status="403"' in response.get_data(as_text=True)
