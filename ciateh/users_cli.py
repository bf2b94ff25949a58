"""``flask --app ciateh user ...``: portal accounts. PLACEHOLDER (helper: accounts)."""

from __future__ import annotations

from flask.cli import AppGroup

user_cli = AppGroup("user", help="Portal accounts.")
