"""Helpers for the ingestion tests: partners with key pairs, valid anonymous records, signed requests,
row counts. Everything a helper creates is committed through the app's session, which the test
fixture joins with savepoints, so it is rolled back after each test."""

from __future__ import annotations

import json
import secrets
import time
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from flask.testing import FlaskClient
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from ciateh.ingest.signatures import sign_request
from ciateh.keys import key_id_for
from ciateh.models import (
    AuditEntry,
    Batch,
    CaseExploitationForm,
    CaseMeansOfControl,
    CaseRecord,
    Partner,
    PartnerKey,
    SeenSignature,
)

BATCHES = "/api/v1/batches"
CLEAN_NARRATIVE = "[PERSON] werkte zes maanden in een carwash zonder loon en sliep in de garage."
COUNTED = (Batch, CaseRecord, CaseExploitationForm, CaseMeansOfControl, SeenSignature, AuditEntry)


@dataclass
class PartnerWithKey:
    partner: Partner
    key: Ed25519PrivateKey
    key_id: str

    @property
    def id(self) -> int:
        return self.partner.id


def raw_public(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def add_key(session: Session, partner: Partner, revoked_at: datetime | None = None) -> Ed25519PrivateKey:
    key = Ed25519PrivateKey.generate()
    raw = raw_public(key)
    session.add(PartnerKey(partner=partner, key_id=key_id_for(raw), public_key=raw, revoked_at=revoked_at))
    session.commit()
    return key


def make_partner(session: Session, code: str | None = None, kind: str = "police") -> PartnerWithKey:
    code = code or f"p-{secrets.token_hex(4)}"
    partner = Partner(code=code, name=f"Partner {code}", kind=kind)
    session.add(partner)
    session.commit()
    key = add_key(session, partner)
    return PartnerWithKey(partner, key, key_id_for(raw_public(key)))


def record(**overrides: object) -> dict[str, object]:
    """A valid anonymous record (fresh keys), as a partner's connector sends it."""
    values: dict[str, object] = {
        "record_key": secrets.token_hex(32),
        "case_key": secrets.token_hex(32),
        "role": "presumed_victim",
        "offence": "both",
        "registered_month": "2024-11",
        "anonymiser_version": "0.1.0",
        "policy_version": "2025.1",
        "exploitation_forms": ["labour", "forced_criminality"],
        "labour_sector": "car_wash",
        "sex": "male",
        "age_band": "21-23",
        "minor_at_exploitation": "no",
        "nationality": "202",
        "province": "abroad",
        "means_of_control": ["withheld_documents"],
        "recruiter_relation": "friend",
        "protection_stage": "temporary_residence",
        "judicial_stage": "prosecution",
        "narrative": CLEAN_NARRATIVE,
    }
    values.update(overrides)
    return values


def batch_body(batch_id: str, records: list[object]) -> bytes:
    return json.dumps({"batch_id": batch_id, "records": records}).encode("utf-8")


_last_timestamp: dict[str, int] = {}


def fresh_timestamp(key: Ed25519PrivateKey) -> int:
    """Now, or one second after this key's previous request: Ed25519 signatures are deterministic,
    so the same request signed twice in one second is the same request (a replay)."""
    key_id = key_id_for(raw_public(key))
    timestamp = max(int(time.time()), _last_timestamp.get(key_id, 0) + 1)
    _last_timestamp[key_id] = timestamp
    return timestamp


def signed_post(
    client: FlaskClient,
    key: Ed25519PrivateKey,
    body: bytes,
    *,
    path: str = BATCHES,
    timestamp: int | None = None,
    headers: dict[str, str] | None = None,
) -> TestResponse:
    """POST ``body`` to ``path`` signed with ``key``; ``headers`` override the signed ones."""
    signed = sign_request(key, "POST", path, body, fresh_timestamp(key) if timestamp is None else timestamp)
    signed.update(headers or {})
    return client.post(path, data=body, headers={**signed, "Content-Type": "application/json"})


def post_batch(
    client: FlaskClient, key: Ed25519PrivateKey, batch_id: str, records: list[object]
) -> TestResponse:
    return signed_post(client, key, batch_body(batch_id, records))


def get_batch(client: FlaskClient, key: Ed25519PrivateKey, batch_id: str) -> TestResponse:
    path = f"{BATCHES}/{batch_id}"
    return client.get(path, headers=sign_request(key, "GET", path, b"", fresh_timestamp(key)))


def row_counts(session: Session) -> dict[str, int]:
    session.rollback()  # see what is committed, not what a failed request left pending
    return {
        model.__tablename__: session.scalar(sa.select(sa.func.count()).select_from(model)) or 0
        for model in COUNTED
    }


def dump_database(session: Session) -> str:
    """Every row of every table, as text (to look for values that must never be stored)."""
    session.rollback()
    lines: list[str] = []
    for table in CaseRecord.metadata.sorted_tables:
        for row in session.execute(sa.select(table)):
            lines.append(f"{table.name}: {row!r}")
    return "\n".join(lines)
