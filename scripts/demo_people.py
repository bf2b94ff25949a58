"""The demo's organisations and people: the six partners of ``connectors.demo_data`` with their
Ed25519 keys (made by the connector's ``keygen``, registered at the Centre), and portal accounts of
every role. The logins (password and TOTP secret) are printed and written to ``logins.json`` in the
demo folder (mode 0600): demo accounts only, on synthetic data.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from demo_instance import DemoInstance, Login
from sqlalchemy.orm import Session

from connectors import keys as connector_keys
from connectors.demo_data import PARTNERS, mapping_path
from connectors.mapping import load_mapping

#: the audit actor of everything the demo sets up outside a user's hands
SETUP_ACTOR: Final = "job:demo"

#: demo partner (connectors.demo_data) -> (Centre partner kind, organisation name)
ORGANISATIONS: Final[dict[str, tuple[str, str]]] = {
    "federal_police": ("police", "Federal Judicial Police (demo)"),
    "labour_inspection": ("labour_inspection", "Labour Inspection (demo)"),
    "social_inspection": ("social_inspection", "Social Inspection (demo)"),
    "immigration_office": ("immigration_office", "Immigration Office (demo)"),
    "prosecutors": ("prosecution", "Public Prosecutor's Office (demo)"),
    "reception_centre": ("reception_centre", "Specialised Reception Centre (demo)"),
}


@dataclass(frozen=True)
class DemoPartner:
    name: str  # the demo_data partner (export layout)
    code: str  # the Centre's partner code, from the partner's mapping
    mapping: Path
    keys: Path  # private.pem, public.pem, secret.key

    @property
    def private_key(self) -> Path:
        return self.keys / connector_keys.PRIVATE_KEY_FILE

    @property
    def secret(self) -> Path:
        return self.keys / connector_keys.SECRET_FILE


@dataclass(frozen=True)
class AccountSpec:
    username: str
    role: str
    partner: str | None  # a demo_data partner name, for partner accounts
    language: str


ACCOUNTS: Final = (
    AccountSpec("demo-bureau", "bureau", None, "en"),
    AccountSpec("demo-cell", "cell", None, "en"),
    AccountSpec("demo-admin", "admin", None, "en"),
    AccountSpec("demo-police", "partner", "federal_police", "nl"),
    AccountSpec("demo-labour", "partner", "labour_inspection", "fr"),
)


def add_partners(session: Session, instance: DemoInstance) -> dict[str, DemoPartner]:
    """Register every demo partner and a key pair of its own (the caller commits)."""
    from ciateh import admin
    from ciateh.keys import parse_public_key

    made: dict[str, DemoPartner] = {}
    for name, spec in PARTNERS.items():
        kind, title = ORGANISATIONS[name]
        mapping = mapping_path(name)
        code = load_mapping(mapping).partner
        key_files = connector_keys.keygen(instance.keys_dir(code))
        admin.add_partner(session, code, title, kind, actor=SETUP_ACTOR)
        admin.register_key(
            session, code, parse_public_key(key_files.public_key.read_bytes()), actor=SETUP_ACTOR
        )
        made[spec.name] = DemoPartner(name, code, mapping, instance.keys_dir(code))
    return made


def add_accounts(
    session: Session, partners: dict[str, DemoPartner], accounts: Sequence[AccountSpec] = ACCOUNTS
) -> list[Login]:
    """Create the portal accounts (the caller commits); return their logins."""
    from ciateh.accounts import create_user

    logins: list[Login] = []
    for spec in accounts:
        code = partners[spec.partner].code if spec.partner else None
        _user, password, totp_secret = create_user(
            session, spec.username, spec.role, partner_code=code, language=spec.language, actor=SETUP_ACTOR
        )
        logins.append(Login(spec.username, spec.role, code, spec.language, password, totp_secret))
    return logins
