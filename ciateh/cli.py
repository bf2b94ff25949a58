"""Command-line administration: ``flask --app ciateh db upgrade`` and the admin groups."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from ciateh import migrate

db_cli = AppGroup("db", help="Create or migrate the database.")


@db_cli.command("upgrade")
@click.argument("revision", default="head")
def db_upgrade(revision: str) -> None:
    """Migrate the database to REVISION (default: the latest)."""
    from ciateh.db import db

    migrate.upgrade(str(db.engine.url.render_as_string(hide_password=False)), revision)
    click.echo(f"database at {revision}")


def register_commands(app: Flask) -> None:
    app.cli.add_command(db_cli)
    _ = current_app  # the commands run inside the app context Flask's CLI pushes
