"""Keep the portal's translations in step with the code: ``make translations``.

1. extract every marked text (``_()``, ``gettext``, ``lazy_gettext``, ``ngettext`` in ``ciateh/``,
   ``{{ _('...') }}`` in the templates) into ``ciateh/portal/translations/messages.pot``;
2. update the Dutch and French catalogs (``nl``, ``fr``; English is the source language) from it,
   keeping existing translations;
3. compile every catalog to its ``.mo`` file (shipped in the package, read by Flask-Babel).

The test ``tests/ciateh/portal/test_translations.py`` fails when a text lacks a translation or a
``.mo`` file is older than its catalog, so a change of wording cannot ship half translated.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "ciateh"
TRANSLATIONS = PACKAGE / "portal" / "translations"
LOCALES = ("nl", "fr", "en")
KEYWORDS = {
    "_": None,
    "_l": None,
    "gettext": None,
    "lazy_gettext": None,
    "ngettext": (1, 2),
    "lazy_ngettext": (1, 2),
}
METHODS = [("**/portal/templates/**.html", "jinja2"), ("**.py", "python")]


def extract() -> Catalog:
    catalog = Catalog(project="ciateh", msgid_bugs_address="", charset="utf-8")
    for filename, lineno, message, comments, context in extract_from_dir(
        str(PACKAGE), METHODS, keywords=KEYWORDS, comment_tags=("TRANSLATORS:",), strip_comment_tags=True
    ):
        catalog.add(message, None, [(f"ciateh/{filename}", lineno)], auto_comments=comments, context=context)
    return catalog


def po_path(locale: str) -> Path:
    return TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po"


def update(template: Catalog) -> None:
    for locale in LOCALES:
        path = po_path(locale)
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists():
            with path.open("rb") as fh:
                catalog = read_po(fh, locale=locale)
        else:
            catalog = Catalog(locale=locale, project="ciateh", charset="utf-8")
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        with path.open("wb") as fh:
            write_po(fh, catalog, width=100, omit_header=False, sort_output=False)


def compile_all() -> None:
    for locale in LOCALES:
        path = po_path(locale)
        with path.open("rb") as fh:
            catalog = read_po(fh, locale=locale)
        with path.with_suffix(".mo").open("wb") as fh:
            write_mo(fh, catalog)


def main() -> int:
    template = extract()
    TRANSLATIONS.mkdir(parents=True, exist_ok=True)
    with (TRANSLATIONS / "messages.pot").open("wb") as fh:
        write_po(fh, template, width=100, omit_header=False)
    update(template)
    compile_all()
    print(f"{len(template)} texts; catalogs updated and compiled for {', '.join(LOCALES)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
