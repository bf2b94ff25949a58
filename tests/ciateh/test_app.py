"""The app factory, configuration from CIATEH_* variables, and the migrated schema."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import Flask

from ciateh import create_app
from ciateh.db import db
from ciateh.models import Partner


def test_configuration_comes_from_prefixed_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: object
) -> None:
    monkeypatch.setenv("CIATEH_MAX_BATCH_RECORDS", "17")
    monkeypatch.setenv("CIATEH_DATABASE_URL", "sqlite://")
    app = create_app()
    assert app.config["MAX_BATCH_RECORDS"] == 17
    assert app.config["SQLALCHEMY_ENGINES"]["default"] == "sqlite://"


def test_default_database_is_sqlite_in_the_instance_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CIATEH_DATABASE_URL", raising=False)
    app = create_app({"DATABASE_URL": None})
    assert app.config["SQLALCHEMY_ENGINES"]["default"].startswith("sqlite:///")
    assert app.config["SQLALCHEMY_ENGINES"]["default"].endswith("instance/ciateh.sqlite3")


def test_migrations_create_every_table(app: Flask) -> None:
    names = set(sa.inspect(db.session.connection()).get_table_names())
    assert {"partner", "partner_key", "batch", "anonymous_case", "audit_entry", "seen_signature"} <= names


def test_tests_are_isolated_part_one(app: Flask) -> None:
    db.session.add(Partner(code="isolation-probe", name="Probe", kind="other"))
    db.session.commit()
    assert (
        db.session.scalar(
            sa.select(sa.func.count()).select_from(Partner).where(Partner.code == "isolation-probe")
        )
        == 1
    )


def test_tests_are_isolated_part_two(app: Flask) -> None:
    assert (
        db.session.scalar(
            sa.select(sa.func.count()).select_from(Partner).where(Partner.code == "isolation-probe")
        )
        == 0
    )
