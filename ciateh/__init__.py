"""ciateh, the Centre's side: app factory.

``flask --app ciateh db upgrade`` creates or migrates the database; ``flask --app ciateh run``
serves the ingestion API and the portal; ``flask --app ciateh scheduler`` runs the scheduled jobs.
Configuration comes from ``CIATEH_*`` environment variables (``CIATEH_DATABASE_URL``,
``CIATEH_MAX_CONTENT_LENGTH``, ...) over the defaults in ``ciateh.config``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from ciateh import crypto
from ciateh.config import DEFAULTS
from ciateh.db import db
from ciateh.instance_secrets import load_or_create as load_or_create_secrets


def database_url(app: Flask) -> str:
    url = app.config.get("DATABASE_URL")
    if url:
        return str(url)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{Path(app.instance_path) / 'ciateh.sqlite3'}"


def _sqlite_pragmas(engine: Engine) -> None:
    """Foreign keys on, and let SQLAlchemy (not the driver) open transactions, so that
    SAVEPOINTs (test isolation, nested transactions) work as on PostgreSQL."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_relative_config=True,
        static_folder="portal/static",
        template_folder="portal/templates",
    )
    app.config.from_mapping(DEFAULTS)
    app.config.from_prefixed_env("CIATEH")
    if test_config:
        app.config.update(test_config)
    load_or_create_secrets(app.instance_path, app.config)
    crypto.configure(app.config["FERNET_KEYS"])

    url = database_url(app)
    app.config["SQLALCHEMY_ENGINES"] = {"default": url}
    db.init_app(app)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            _sqlite_pragmas(db.engine)

    from ciateh.logs import configure_logging

    configure_logging(app)

    from ciateh.ingest.api import bp as ingest_bp

    app.register_blueprint(ingest_bp)

    from ciateh.portal import csrf, init_portal

    init_portal(app)
    csrf.exempt(ingest_bp)  # the API authenticates every request by its signature, not a cookie

    from ciateh.cli import register_commands

    register_commands(app)
    return app
