"""Ingestion API blueprint (routes are added in this module)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("ingest", __name__, url_prefix="/api/v1")
