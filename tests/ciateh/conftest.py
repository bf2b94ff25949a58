"""Fixtures for the central service: one database per test session, each test in a rolled-back
transaction (savepoints, as in pypi/warehouse).

By default the database is an SQLite file in a temporary folder. Set ``CIATEH_TEST_DATABASE_URL``
(``.ci/run`` does: ``postgresql+psycopg://postgres@127.0.0.1:5432/test``) to run the same tests on
PostgreSQL; each test session then works in a schema of its own, dropped at the end.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from unittest import mock
from urllib.parse import quote

import pytest
import sqlalchemy as sa
from flask import Flask, g, request_started
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from ciateh import create_app, migrate
from ciateh.db import db

PG_ENV = "CIATEH_TEST_DATABASE_URL"
#: a fixed Fernet key for the tests' encrypted columns (never used outside tests)
TEST_FERNET_KEY = "dGVzdC1mZXJuZXQta2V5LW5vdC1mb3ItcHJvZHVjdGk="


def _with_search_path(url: str, schema: str) -> str:
    sep = "&" if "?" in url else "?"
    return f"{url}{sep}options={quote(f'-csearch_path={schema}')}"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    base = os.environ.get(PG_ENV)
    if not base:
        path: Path = tmp_path_factory.mktemp("db") / "ciateh-test.sqlite3"
        yield f"sqlite:///{path}"
        return
    schema = f"t_{uuid.uuid4().hex[:12]}"
    engine = sa.create_engine(base)
    with engine.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield _with_search_path(base, schema)
    finally:
        with engine.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


@pytest.fixture(scope="session")
def app(database_url: str) -> Flask:
    migrate.upgrade(database_url)
    return create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "test-secret-key-not-for-production",
            "FERNET_KEYS": TEST_FERNET_KEY,
            "SECURE_COOKIES": False,
        }
    )


#: What extensions cache in ``g`` for one request (Flask-WTF's CSRF token, Flask-Login's user,
#: Flask-Babel's locale). The tests keep one application context per test, so ``g`` would outlive a
#: request and each request would see the previous one's values, which no browser ever does: they are
#: dropped when a request starts, as a new application context does in the running server.
PER_REQUEST_GLOBALS = ("csrf_token", "csrf_valid", "_login_user", "_flask_babel")


def _drop_request_globals(_sender: Flask, **_extra: object) -> None:
    for name in PER_REQUEST_GLOBALS:
        g.pop(name, None)


@pytest.fixture(autouse=True)
def _isolated(request: pytest.FixtureRequest) -> Iterator[None]:
    """Every test that uses the app runs in a transaction that is rolled back afterwards."""
    if "app" not in request.fixturenames:
        yield
        return
    app: Flask = request.getfixturevalue("app")
    request_started.connect(_drop_request_globals, app)
    with app.app_context():
        connection = db.engine.connect()
        outer = connection.begin()
        # the app's sessions join the outer transaction through savepoints: a commit in the code
        # under test releases a savepoint, and everything is rolled back when the test ends
        with mock.patch.dict(
            db.sessionmaker.kw, {"bind": connection, "join_transaction_mode": "create_savepoint"}
        ):
            yield
        db.session.close()
        outer.rollback()
        connection.close()
    request_started.disconnect(_drop_request_globals, app)


@pytest.fixture
def session(app: Flask) -> Session:
    return db.session


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()
