"""Every text of the portal is translated into Dutch and French, and the shipped .mo files are the
compiled catalogs (``make translations`` keeps both true)."""

from __future__ import annotations

import importlib.util
import io
import re
from collections.abc import Iterable
from pathlib import Path

import pytest
from babel.messages.catalog import Message
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from flask import Flask
from flask_babel import force_locale, gettext

ROOT = Path(__file__).resolve().parents[3]
_spec = importlib.util.spec_from_file_location("translations_script", ROOT / "scripts" / "translations.py")
assert _spec is not None and _spec.loader is not None
translations = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(translations)

PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def _key(value: object) -> object:
    """A message id or string, hashable (plural forms come as lists)."""
    return tuple(value) if isinstance(value, list | tuple) else value


def _translated(messages: Iterable[Message]) -> dict[object, object]:
    out: dict[object, object] = {}
    for m in messages:
        key, value = _key(m.id), _key(m.string)
        if not m.id or not value:
            continue
        if isinstance(value, tuple) and (not all(value) or value == key):
            continue  # an untranslated plural: write_mo stores it with its msgids
        out[key] = value
    return out


@pytest.fixture(scope="module")
def source_texts() -> set[str]:
    return {str(m.id) if isinstance(m.id, str) else str(m.id[0]) for m in translations.extract() if m.id}


@pytest.mark.parametrize("locale", ["nl", "fr"])
def test_every_text_is_translated(locale: str, source_texts: set[str]) -> None:
    with translations.po_path(locale).open("rb") as fh:
        catalog = read_po(fh, locale=locale)
    missing = sorted(text for text in source_texts if not (catalog.get(text) and catalog.get(text).string))
    assert not missing, f"{locale}: {len(missing)} untranslated, run `make translations`: {missing[:10]}"
    fuzzy = [str(m.id) for m in catalog if m.id and m.fuzzy]
    assert not fuzzy, f"{locale}: fuzzy translations to review: {fuzzy[:10]}"


@pytest.mark.parametrize("locale", ["nl", "fr", "en"])
def test_the_compiled_catalogs_match_the_sources(locale: str) -> None:
    path = translations.po_path(locale)
    with path.open("rb") as fh:
        catalog = read_po(fh, locale=locale)
    with path.with_suffix(".mo").open("rb") as fh:
        compiled = read_mo(io.BytesIO(fh.read()))
    want, got = _translated(catalog), _translated(compiled)
    assert got == want, f"{locale}: the .mo file is stale, run `make translations`"


@pytest.mark.parametrize("locale", ["nl", "fr"])
def test_placeholders_survive_translation(locale: str) -> None:
    with translations.po_path(locale).open("rb") as fh:
        catalog = read_po(fh, locale=locale)
    for message in catalog:
        if not message.id or not message.string or not isinstance(message.id, str):
            continue
        assert set(PLACEHOLDER.findall(message.id)) == set(PLACEHOLDER.findall(str(message.string))), (
            message.id
        )


def test_the_app_speaks_the_chosen_language(app: Flask) -> None:
    with app.test_request_context():
        with force_locale("nl"):
            dutch = gettext("Sign out")
        with force_locale("fr"):
            french = gettext("Sign out")
        assert dutch != "Sign out" and french != "Sign out" and dutch != french
