"""Postal addresses: a street with a house number, and the postcode and town around it, as one span.

A street is recognised from its street-type word and the house number next to it:

* Dutch and German compounds ending in a street word (``Carnotstraat 141``, ``Brusselsesteenweg 12 bus
  3``, ``Hauptstraße 12``, ``Bahnhofstr. 3``) or a separate one after a capitalised name (``Grote Markt
  1``, ``Gistelse Steenweg 287``, ``Leopold II-laan 10``, ``Malmedyer Straße 55``);
* French and other Romance, Romanian, Polish and Bulgarian street words before the name (``rue de
  l'Agneau 27``, ``Av. Louise 54/3``, ``Strada Mihai Viteazu 12``, ``ul. Marszałkowska 5/12``), with
  the number after the name or before the street word (``12 rue des Lilas``, ``15, boulevard Anspach``);
* English numbers before a name and a street word (``12 Church Street``, ``Flat 3, 45 Green Road``);
* any capitalised name with a number when a postcode and town are next to it (``Heikant 4, 2480
  Dessel``, ``Damrak 22, 1012 LM Amsterdam``, ``2060 Antwerpen, Carnotstraat 141``).

The span then grows over the postcode and town that follow (``, 2060 Antwerpen``, ``, 52062 Aachen``,
`` te 2000 Antwerpen``, ``, London``) or precede (``2060 Antwerpen, ``) the street.

Not addresses: a town, a square or a street without a number, ``rue`` in ordinary prose, motorways, a
number that is a quantity, a time or a year (``Markt 3 keer``, ``Amsterdam 2019``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import ClassVar

from anonymiser import lexicon
from anonymiser.labels import ADDRESS
from anonymiser.recognizers import register
from anonymiser.recognizers.base import Document, Recognizer
from anonymiser.spans import Span

_UPPER = "A-ZÀ-ÖØ-ÞĀĂĄĆĈĊČĎĐĒĖĘĚĞĠĢĪĮİĶĹĻĽŁŃŅŇŌŐŒŔŘŚŜŞŠŢŤŪŮŰŲŹŻŽȘȚ"
_CAP = rf"[{_UPPER}][\w'’]*(?:-[\w'’]+)*"
# lower-case words that may sit inside a street name or town
_PARTICLES = frozenset(
    "de du des la le les aux au sous sur lez lès van von vom der den het ter ten te op zum zur am an "
    "auf of the di del della da dos do naar cel lui 't ’t l' d' l’ d’".split()
)
_NOT_IN_EN_NAME = _PARTICLES - {"of", "the"}
_PART = (
    r"(?:de|du|des|la|le|les|aux|au|sous|sur|lez|lès|van|von|vom|der|den|het|ter|ten|te|op|zum|zur|am|an|"
    r"auf|of|the|di|del|della|da|dos|do|cel|lui|['’]t)"
)

# --- street words -------------------------------------------------------------------------------
# Dutch, German, English and Hungarian words a street name ends with (compound or separate word).
_SUFFIXES_STRONG = (
    "straat", "steenweg", "laan", "lei", "dreef", "kaai", "kade", "singel", "gracht",
    "vest", "vesten", "dries", "rui", "straatje", "wegel", "dijk",
    "straße", "strasse", "gasse", "allee", "ufer", "damm", "chaussee", "gässchen",
    "-rue", "'rue", "’rue", "-place", "'place", "’place", "-plaats",
)  # fmt: skip
_SUFFIXES_WEAK = (
    "markt", "plein", "platz", "ring", "poort", "weg", "baan", "pad", "wal", "hof", "berg", "veld", "dam",
    "brug", "steeg", "heide", "heuvel", "kouter", "meers", "beemd", "dal", "oever", "park", "pfad", "steig",
    "graben", "wall", "zeile", "stieg", "promenade", "anger", "utca", "út", "tér", "körút",
    "street", "road", "lane", "avenue", "square", "drive", "boulevard", "chaussée",
    "caddesi", "cadde", "sokak", "sokağı", "bulvarı",
)  # fmt: skip
_SUFFIXES = _SUFFIXES_STRONG + _SUFFIXES_WEAK
# Street words that count only as a separate word after a name ("Kleine Ring 5", "Oude Poort 3"):
# as the end of a compound they make ordinary nouns ("Vergadering", "Paspoort", "Werkplaats").
_BARE_ONLY = frozenset({"plaats"})
# Dutch nouns made from verbs end like a ring road: "Vergadering 3", "Verklaring 2"
_NOUN_RING = (
    "klaring", "gadering", "varing", "waring", "innering", "betering", "andering", "sporing", "huring",
    "zekering", "levering", "regering", "vordering", "wering", "heldering", "hering", "tering",
)  # fmt: skip
# street words written in lower case after a capitalised name: "Kossuth Lajos utca 12"
_LOWER_BARE = frozenset({"utca", "út", "tér", "körút", "ulica", "ulitsa"})
# Abbreviated suffixes written with a dot: "Bahnhofstr. 3", "Kerkstr. 5"
_SUFFIX_ABBR = ("str", "strt")
# Words that end like a street but are not one (lower case).
_NOT_STREETS = frozenset(
    "onderweg loopbaan autobaan snelweg gerechtshof hof amsterdam rotterdam schiedam zaandam "
    "volendam edam potsdam heidelberg nürnberg nuremberg luxemburg paspoort arbeitsplatz parkplatz "
    "arbeidsmarkt woningmarkt huurmarkt".split()
)
# French and other street words written before the name (lower case; "." ones need the dot).
_PREFIX_TYPES = frozenset(
    "rue avenue boulevard chaussée chaussee chée place quai chemin route impasse allée allee clos square "
    "steenweg heirbaan drève dreve rond-point galerie cité cite parvis sentier passage esplanade "
    "faubourg rempart remparts venelle ruelle voie promenade petite-rue grand-rue grand-place grand'place "
    "strada calea bulevardul b-dul bdul aleea șoseaua soseaua şoseaua splaiul piața piata piaţa "
    "intrarea ulica aleja aleje plac osiedle bulevard ulitsa viale piazza corso calle avenida rua "
    "travessa carrer plaza paseo".split()
)
_PREFIX_ABBR = frozenset("av ave bd bld blvd bvd boul ch chée pl sq imp rte str ul bul al bdul os".split())
# abbreviations also written without their dot: "Bd Lemonnier 12", "Av Louise 54"
_PREFIX_ABBR_NO_DOT = frozenset("av bd bld blvd bvd".split())
# Case-sensitive prefix words (too common in lower case): Italian "Via".
_PREFIX_CASED = frozenset({"Via"})
# English street words after the name, with the number before ("12 Church Street").
_EN_TYPES = frozenset(
    "Street St Road Rd Lane Ln Avenue Ave Square Sq Close Drive Way Place Crescent Court Ct Terrace "
    "Gardens Grove Row Walk Hill Park Mews Parade Boulevard Highway Broadway Wharf Yard Green".split()
)

# Words before a street name that are not part of it (lower case).
_LEAD_STOP = frozenset(
    "wonende woonachtig verblijvend verblijft woont wonen adres adresse domicilié domiciliée domicile "
    "wohnhaft wohnt wohnen anschrift living lives live residing resides address at in op aan te bij naar "
    "from to the een het die der das dem ein eine à au aux chez dans sur situé située sis sise "
    "vers and en et und of near naast tegenover nabij bei "
    # places that come before an address ("Woning Damrak 22", "Wohnung Hauptstraße 12")
    "woning huis appartement kantoor restaurant salon bar winkel bedrijf zetel werf kot studio garage "
    "magazijn loods opslagplaats pand rijhuis kamer adresse adres adresa address verblijfadres "
    "woonplaats domicile maison logement bureau cabinet chantier entrepôt atelier commerce magasin "
    "immeuble habitation betrieb wohnung haus büro firma geschäft lokal anschrift wohnort lager "
    "house flat home office shop premises residence building warehouse site hotel café cafe".split()
)
# Words that end a French street name rather than continue it (lower case).
_NAME_STOP = frozenset(
    "et à a avec dans pour par qui que est où ou ont sont était puis mais car donc ni or en chez vers "
    "depuis pendant entre sans selon contre je il elle ils elles on nous vous se ce ne pas plus lui leur "
    "y n° nr no numéro".split()
)
_MONTH_OR_DAY = frozenset(
    "januari februari maart april mei juni juli augustus september oktober november december "
    "janvier février mars avril mai juin juillet août septembre octobre novembre décembre "
    "january february march may june july august october "
    "januar februar märz dezember jan feb mar apr jun jul aug sep sept oct okt nov dec dez "
    "maandag dinsdag woensdag donderdag vrijdag zaterdag zondag lundi mardi mercredi jeudi vendredi "
    "samedi dimanche monday tuesday wednesday thursday friday saturday sunday montag dienstag mittwoch "
    "donnerstag freitag samstag sonntag".split()
)
# Capitalised words that are not street names when they come with a number and a postcode.
_FALLBACK_STOP = frozenset(
    "pv tel tél gsm fax nr no art artikel article page pagina seite kamer room chambre zimmer bus box bte "
    "groep group groupe team dossier file réf ref referentie notitie notice rrn nn bis iban bic "
    "euro eur km postcode code rijksregisternummer".split()
)

# --- numbers, postcodes, towns ------------------------------------------------------------------
_HOUSE = (
    r"(?P<house>(?:(?i:nr|no|n°|nº|num|numéro|número)[.:]?\s?)?\d{1,4}(?!\d)"
    r"(?:\s?(?i:bis|ter|quater)(?![\w])|[A-Za-z](?![\w])|\s[A-Z](?![\w\-]))?"
    r"(?:\s?[/\-]\s?\d{1,4}(?!\d)(?:[A-Za-z](?![\w]))?)?)"
    r"(?P<box>(?:\s*,?\s*\(?(?i:bus|bte|boîte|boite|bt|box|b|app|appt|apt|ap|apartment|appartement|flat|"
    r"whg|wohnung|et|étage|etage|bl|sc|m|verd|verdieping|unit|suite|ent|entrada|piso|esc)\.?\s?"
    r"(?:[A-Z]?\d{1,4}(?!\d)(?:[A-Za-z](?![\w]))?|[A-Z](?![\w]))\)?)*)"
)
_MEASURE = (
    r"jaar|jaren|ans?|years?|yrs?|jahre?n?|keer|fois|times|mal|maal|dagen|dag|jours?|days?|tage?n?|"
    r"uur|uren|heures?|hours?|stunden?|minuten|minutes?|min|weken|semaines?|weeks?|wochen?|maanden|"
    r"mois|months?|monate?n?|km|m|m²|m2|kg|g|cm|euros?|eur|personen|personnes|people|persons|mensen|"
    r"hommes|femmes|men|women|männer|frauen|kinderen|enfants|children|kinder|werknemers|ouvriers|"
    r"workers|arbeiter|slachtoffers|victimes|victims|opfer|x|procent|percent|prozent|stuks|pièces|"
    r"pieces|stück|h|u|uhr|agenten|agents|policiers|officers|beamte|polizisten|voertuigen|véhicules|"
    r"vehicles|fahrzeuge|wagens|voitures|cars|autos|transfers|berichten|messages|nachrichten|"
    r"meisjes|filles|girls|mädchen|jongens|garçons|boys|jungen|vrouwen|mannen"
)
_HOUSE_END = (
    rf"(?![\w])(?!\s?(?:[:.,]\d{{1,2}}(?!\d)|[/.\-]\d|%|€|\$|£|°|['’]\d))(?!\s+(?i:{_MEASURE})(?![\w]))"
)
# number right after a street name: "Carnotstraat 141", "rue X, 12", "str. Y nr. 5"
_HOUSE_AFTER = re.compile(rf"\s*,?\s*{_HOUSE}{_HOUSE_END}")
# number right before a street word: "12 rue des Lilas", "15, boulevard", "Flat 3, 45 Green Road"
_HOUSE_BEFORE = re.compile(
    r"(?:(?<=[\s(:;,\[\"'«])|^)(?P<flat>(?i:flat|apartment|apt\.?|unit|suite|room)\s*\d{1,4}[A-Za-z]?\s*,?\s*)?"
    r"(?P<house>\d{1,4}(?:\s?(?i:bis|ter)(?![\w])|[A-Za-z](?![\w]))?(?:[/\-]\d{1,4})?)\s*,?\s*$"
)
_POSTCODE = r"(?:(?:[A-Z]{1,2}\s?-\s?)?\d{4,5}(?:\s?[A-Z]{2}(?![\w]))?|\d{2}-\d{3}|\d{6})(?![\d\w])"
_TOWN_WORD = rf"(?:['’]s[ -])?[{_UPPER}][\w'’]*(?:-[\w'’]+)*"
_TOWN_PREFIX = (
    r"(?:Sankt|Sint|Saint|Sainte|St\.?|Ste\.?|La|Le|Les|Den|De|Bad|Mont|Braine|Bois|Ville|Neu|Alt|"
    r"Groot|Klein|Oud|Nieuw|Hoog|Neder|Over|Ober|Nieder|Groß|Gross|Klein|New|Old|North|South|East|"
    r"West|Great|Little|Port|Fort|Villers|Ottignies|Mont-Saint|Sint-Pieters)"
)
_PUNCT_END = r"(?=[ ]?(?:[.,;:!?)\]\n»\"”']|$)|[ ][-–—(])"
# a function word after a town without postcode ("…, Ikeja with her aunt", "…, Craiova waar zij…")
_FUNCTION_NEXT = (
    r"(?=[ ](?:with|and|where|since|from|until|for|to|in|at|en|et|und|waar|où|wo|met|avec|mit|sinds|"
    r"depuis|seit|dans|bij|chez|bei|op|à|au|of|die|dat|qui|que|the|een|une|un|eine?)[ ,])"
)
_TOWN = (
    rf"(?:{_TOWN_PREFIX}[ ]{_TOWN_WORD}|{_TOWN_WORD}(?:[ ](?:{_TOWN_WORD}|(?:an|am|der|den|sur|sous|"
    rf"lez|lès|la|le|de|aan|op|bei|im|in|upon|on)(?=[ ][{_UPPER}]))){{1,3}}{_PUNCT_END}|{_TOWN_WORD})"
)
_UK_POSTCODE = r"(?:,?\s+[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}(?![\w]))"
_POSTCODE_TOWN = rf"(?P<pc>{_POSTCODE})[ ]{{1,2}}(?P<town>{_TOWN}){_UK_POSTCODE}?"
# after the street: ", 2060 Antwerpen", " te 2000 Antwerpen", ", London", " à Liège"
_EXT_AFTER = re.compile(
    rf"(?:\s*[,\-–]\s*|\s+|\s+(?i:te|à|in)\s+){_POSTCODE_TOWN}"
    rf"|(?:[ ]?,[ ]?(?P<town2>{_TOWN_WORD}(?:[ ]{_TOWN_WORD})?)){{1,2}}{_UK_POSTCODE}?"
    rf"(?:{_PUNCT_END}|{_FUNCTION_NEXT})"
    rf"|[ ]?,[ ]?(?P<town3>{_TOWN_WORD}){_UK_POSTCODE}"
    rf"|\s+(?:te|à)\s+(?P<town4>{_TOWN_PREFIX}\s+{_TOWN_WORD}|{_TOWN_WORD})"
    rf"|[ ](?:in|bei)[ ](?P<town5>{_TOWN_WORD}(?:[ ]{_TOWN_WORD})?){_PUNCT_END}"
)
# before the street: "2060 Antwerpen, "
_EXT_BEFORE = re.compile(
    rf"(?:(?<=[\s(:;\[\"'«])|^)(?P<pc>{_POSTCODE})\s+(?P<town>{_TOWN_WORD}(?:[ ]{_TOWN_WORD}){{0,2}})"
    r"\s*[,\-–]\s*$"
)
# anchor for the fallback: a postcode and a town
_PC_TOWN = re.compile(rf"(?<![\w\-/.,]){_POSTCODE_TOWN}")

# a capitalised name (1-4 words, particles inside) ending at the end of the searched range
_NAME_BEFORE = re.compile(
    rf"(?<![\w'’\-.])(?P<name>{_CAP}\.?(?:[ ]{{1,2}}(?:{_CAP}\.?|{_PART})){{0,3}})[ ]{{1,2}}$"
)
# a capitalised name then a house number, for "2480 Dessel, Heikant 4"
_NAME_HOUSE_AFTER = re.compile(
    rf"\s*,\s*(?P<name>{_CAP}(?:[ ]{{1,2}}(?:{_CAP}|{_PART})){{0,3}}?)[ ]?{_HOUSE_AFTER.pattern}"
)
_ABBR_NEXT = re.compile(r"\.|[ ]?\d")
_ABBR_BEFORE = re.compile(r"(?<![\w.])(?:[A-Z][a-z]{0,2}\.[ \-]?){1,3}$")
_NUMBER_IN_NAME = re.compile(rf"\s(?P<num>\d{{1,2}}(?:er)?)(?=\s[{_UPPER}])")
_NAME_TOKEN = re.compile(r"\s{1,2}(?P<tok>(?:[dlDL]['’]\s?)?[^\W\d_][\w'’\-]*\.?)")
_WORD = re.compile(r"[^\W\d_][\w'’\-]*")
_CLOSING = re.compile(r"[ ]?(?:[.;:)\]\n»\"”']|$|[ ][-–—(])")
_YEARISH = re.compile(r"(?:19[5-9]\d|20[0-3]\d)")


def _cap(word: str) -> bool:
    return bool(word) and (word[0].isupper() or (word[0] in "'’" and len(word) > 2 and word[2:3].isupper()))


def _trim_lead(text: str, start: int, end: int) -> int:
    """Drop leading words of a name that are not part of it ("Wonende Kerkstraat" -> "Kerkstraat").

    A stop word goes, and so do the particles right after it ("Op het Sint-Pietersplein").
    """
    dropped = False
    while True:
        m = _WORD.match(text, start)
        if m is None or m.end() >= end:
            return start
        word = m.group().lower()
        if not (word in _LEAD_STOP or (dropped and m.group() in _PARTICLES)):
            return start
        nxt = m.end()
        while nxt < end and text[nxt] in " .":
            nxt += 1
        if nxt > end or not (text[nxt].isalpha() or text[nxt].isdigit()):
            return start
        start, dropped = nxt, True


_YEAR_CONTEXT = re.compile(
    r"(?<![^\W\d_])(?i:janv|févr|fevr|fév|mars|avr|mai|juin|juil|août|aout|sept|oct|nov|déc|dec|jan|feb|mar|apr|may|"
    r"jun|jul|aug|sep|okt|mrt|mei|maart|en|in|depuis|since|seit|sinds|sedert|année|jaar|year|jahr|"
    r"\d{1,2}[./-]\d{1,2}[./-])[^\W\d]*\.?\s*$"
)


def _year_before(text: str, m: re.Match[str]) -> bool:
    """A number before a street word that is a year ("le 5 février 2024, rue X")."""
    if not _YEARISH.fullmatch(m.group("house")):
        return False
    return _YEAR_CONTEXT.search(text, max(0, m.start("house") - 16), m.start("house")) is not None


def _postcode_like(m: re.Match[str], text: str) -> bool:
    """A bare four-digit number followed by a capitalised word: a postcode and its town."""
    return (
        m.group("house").isdigit()
        and len(m.group("house")) == 4
        and not m.group("box")
        and re.match(rf"[ ][{_UPPER}]", text[m.end() : m.end() + 2]) is not None
    )


def _house_ok(m: re.Match[str], text: str, extended: bool, weak: bool = False) -> bool:
    """Whether the number after a street name is a house number (``weak``: a street word that may
    also be an ordinary noun or a town, after which a bare year is no house number)."""
    house = m.group("house")
    digits = house.strip()
    comma = "," in m.group(0)[: m.start("house") - m.start()]
    if comma and not extended and not m.group("box") and not _CLOSING.match(text, m.end()):
        return False  # "place Flagey, 11 des 18 coursiers": a count after the name, not a number
    if digits.isdigit() and len(digits) == 4:
        # "rue de la Loi, 1000 Bruxelles": a postcode after a street without number
        if comma and re.match(rf"\s+[{_UPPER}]", text[m.end() :]):
            return False
        if weak and _YEARISH.fullmatch(digits) and not extended and not m.group("box"):
            return False
    return True


class _Found:
    __slots__ = ("spans",)

    def __init__(self) -> None:
        self.spans: list[tuple[int, int]] = []

    def add(self, start: int, end: int) -> None:
        if end > start:
            self.spans.append((start, end))


def _extend(text: str, start: int, end: int) -> tuple[int, int, bool]:
    """Grow a street span over the postcode and town after or before it."""
    extended = False
    m = _EXT_AFTER.match(text, end)
    if m is not None:
        end = m.end()
        extended = True
    b = _EXT_BEFORE.search(text, max(0, start - 80), start)
    if b is not None:
        start = b.start()
        extended = True
    return start, end, extended


@register
class AddressRecognizer(Recognizer):
    """Street and house number, with the postcode and town next to them, as one ``ADDRESS`` span."""

    name: ClassVar[str] = "address"
    labels: ClassVar[tuple[str, ...]] = (ADDRESS,)
    order: ClassVar[int] = 60
    score: ClassVar[float] = 0.85

    def find(self, doc: Document) -> Iterator[Span]:
        text = doc.text
        if not any(ch.isdigit() for ch in text):
            return
        found = _Found()
        for wm in _WORD.finditer(text):
            word = wm.group()
            low = word.lower()
            if (
                low.endswith(_SUFFIXES)
                or low in _BARE_ONLY
                or (low.endswith(_SUFFIX_ABBR) and _ABBR_NEXT.match(text, wm.end()) is not None)
            ):
                self._suffix_street(text, wm, found)
            if (
                low in _PREFIX_TYPES
                or word in _PREFIX_CASED
                or (low in _PREFIX_ABBR and text[wm.end() : wm.end() + 1] == ".")
                or (low in _PREFIX_ABBR_NO_DOT and text[wm.end() : wm.end() + 1] == " ")
            ):
                self._prefix_street(text, wm, found)
            if word in _EN_TYPES:
                self._english_street(text, wm, found)
        self._postcode_streets(text, found)
        for start, end in _merge(found.spans):
            yield Span(start, end, ADDRESS, self.score, self.name)

    # "Carnotstraat 141", "Grote Markt 1", "Bahnhofstr. 3"
    def _suffix_street(self, text: str, wm: re.Match[str], found: _Found) -> None:
        word = wm.group()
        low = word.lower()
        end = wm.end()
        abbr = not low.endswith(_SUFFIXES) and low not in _BARE_ONLY
        if abbr and text[end : end + 1] == ".":
            end += 1
        if low in _NOT_STREETS or (
            low.endswith(_NOUN_RING) and lexicon.fold(low) in lexicon.all_known_words()
        ):
            return  # "Vergadering 3" is a meeting, "Kahuring 1" a street
        hm = _HOUSE_AFTER.match(text, end)
        if hm is None:
            return
        suffix = low if low in _BARE_ONLY else next((s for s in _SUFFIXES if low.endswith(s)), "str")
        stem = len(low) - len(suffix)
        start = wm.start()
        ab = _ABBR_BEFORE.search(text, max(0, start - 12), start)
        if ab is not None:
            start = ab.start()  # "O.L.Vrouwstraat", "St.-Jansstraat"
        nb = _NAME_BEFORE.search(text, max(0, start - 60), start)
        if nb is not None:
            start = _trim_lead(text, nb.start(), start)
        has_prefix = start < wm.start()
        if stem <= 0 and not has_prefix:
            return  # "Markt 3", "straat 5": a bare street word needs a name before it
        if not word[0].isupper():
            # lower-case compound: only with a clear street word and a real stem ("kerkstraat 5")
            lower_ok = (has_prefix and stem == 0 and (low in _LOWER_BARE or suffix in _SUFFIXES_STRONG)) or (
                not has_prefix and stem >= 3 and suffix in _SUFFIXES_STRONG
            )
            if not lower_ok:
                return
        s, e, extended = _extend(text, start, hm.end())
        weak = suffix in _SUFFIXES_WEAK or suffix in _BARE_ONLY or stem <= 0
        if not _house_ok(hm, text, extended, weak):
            return
        if suffix in _SUFFIXES_WEAK and not extended and not has_prefix and _weak_word(low):
            return
        found.add(s, e)

    # "rue de la Providence 88", "Av. Louise 54/3", "12 rue des Lilas", "ul. Marszałkowska 5/12"
    def _prefix_street(self, text: str, wm: re.Match[str], found: _Found) -> None:
        start = wm.start()
        pos = wm.end()
        if text[pos : pos + 1] == ".":
            pos += 1
            if not text[pos : pos + 1].isspace():
                return  # "CH.55.L7...": a reference, not "ch. de Louvain"
        compound = False
        if start >= 2 and text[start - 1] in "-'’" and text[start - 2].isalpha():
            # "Grand-Rue", "Grand'Place": the name is the word before
            w = start - 1
            while w > 0 and (text[w - 1].isalnum() or text[w - 1] in "-'’"):
                w -= 1
            start, compound = w, True
        tokens: list[str] = []
        while len(tokens) <= 7:
            hm = _HOUSE_AFTER.match(text, pos)
            if (
                hm is not None
                and _postcode_like(hm, text)
                and _HOUSE_BEFORE.search(text, max(0, wm.start() - 40), wm.start())
            ):
                break  # "1, rue X 1000 Town": the number before the street word is the house number
            if hm is not None:
                if _name_ok(tokens) or (compound and not tokens) or (not tokens and _caps_before(text, wm)):
                    if not tokens and not compound:
                        nb = _NAME_BEFORE.search(text, max(0, start - 40), start)
                        if nb is None:
                            return
                        start = _trim_lead(text, nb.start(), start)
                    s, e, extended = _extend(text, start, hm.end())
                    if _house_ok(hm, text, extended) and (extended or wm.group() not in _PREFIX_CASED):
                        found.add(s, e)
                        return
                    break  # "1, rue X, 1000 Town": the number after the name was a postcode
                num = _NUMBER_IN_NAME.match(text, pos)
                if tokens and num is not None and all(t.lower() in _PARTICLES for t in tokens):
                    tokens.append(num.group("num"))  # "Place du 20 Août 1", "avenue du 11 Novembre 5"
                    pos = num.end("num")
                    continue
                if tokens:
                    return
            tm = _NAME_TOKEN.match(text, pos)
            if tm is None or not _token_ok(tm.group("tok"), tokens):
                break
            tokens.append(tm.group("tok"))
            pos = tm.end()
        # no number after the name: the number may come before the street word
        if not _name_ok(tokens) or compound:
            return
        while tokens and tokens[-1].lower().rstrip(".") in _PARTICLES:
            pos -= len(tokens.pop()) + 1
        bm = _HOUSE_BEFORE.search(text, max(0, wm.start() - 40), wm.start())
        if bm is None or _year_before(text, bm):
            return
        end = pos
        while end > wm.end() and text[end - 1] in " .":
            end -= 1
        if text[end - 1 : end] == "." and text[end - 2 : end - 1].islower():
            end -= 1
        s, e, _ = _extend(text, bm.start(), end)
        found.add(s, e)

    # "12 Church Street", "Flat 3, 45 Green Road, London"
    def _english_street(self, text: str, wm: re.Match[str], found: _Found) -> None:
        start = wm.start()
        nb = _NAME_BEFORE.search(text, max(0, start - 50), start)
        if nb is None:
            return
        name = nb.group("name").split()
        if not name or any(t.lower() in _NOT_IN_EN_NAME for t in name):
            return
        bm = _HOUSE_BEFORE.search(text, max(0, nb.start() - 30), nb.start())
        if bm is None or _year_before(text, bm):
            return
        if name[0].lower() in _MONTH_OR_DAY:
            return
        end = wm.end()
        if text[end : end + 1] == "." and _is_abbr(wm.group()):
            end += 1
        s, e, _ = _extend(text, bm.start(), end)
        found.add(s, e)

    # "Heikant 4, 2480 Dessel", "2480 Dessel, Heikant 4", "Damrak 22, 1012 LM Amsterdam"
    def _postcode_streets(self, text: str, found: _Found) -> None:
        typed = list(found.spans)
        for pm in _PC_TOWN.finditer(text):
            pc_start = pm.start()
            # before: "<Name> <number>[,] <postcode> <town>"
            back = text[max(0, pc_start - 80) : pc_start]
            hb = _HOUSE_TAIL.search(back)
            if hb is not None:
                hstart = pc_start - len(back) + hb.start()
                if any(s <= hstart < e for s, e in typed):
                    continue
                nb = _NAME_BEFORE.search(text, max(0, hstart - 60), hstart)
                if nb is not None and _fallback_name_ok(nb.group("name")):
                    start = _trim_lead(text, nb.start(), hstart)
                    if start < hstart:
                        found.add(start, pm.end())
                        continue
            # after: "<postcode> <town>, <Name> <number>"
            am = _NAME_HOUSE_AFTER.match(text, pm.end())
            if am is not None and _fallback_name_ok(am.group("name")):
                found.add(pc_start, am.end())


_HOUSE_TAIL = re.compile(
    r"(?<![\w/.\-])\d{1,4}(?:[A-Za-z]|\s?(?i:bis|ter))?(?:[/\-]\d{1,4}[A-Za-z]?)?"
    r"(?:\s*,?\s*(?i:bus|bte|boîte|boite|bt|box|b|app|apt)\.?\s?\d{1,4}[A-Za-z]?)?\s*,?\s*$"
)


def _is_abbr(word: str) -> bool:
    return word in {"St", "Rd", "Ln", "Ave", "Sq", "Ct"}


def _weak_word(low: str) -> bool:
    """A word with a weak street ending that reads like an ordinary noun or a town."""
    return low.endswith(("dam", "berg", "hof", "veld", "park", "ring", "baan", "weg")) and len(low) < 6


def _caps_before(text: str, wm: re.Match[str]) -> bool:
    """A capitalised street word with a capitalised word just before it ("Grand Place 1")."""
    if not wm.group()[0].isupper():
        return False
    return _NAME_BEFORE.search(text, max(0, wm.start() - 40), wm.start()) is not None


def _token_ok(tok: str, tokens: list[str]) -> bool:
    low = tok.lower().rstrip(".")
    if low in _NAME_STOP or any(ch.isdigit() for ch in tok):
        return False
    if low in _PARTICLES or low[:2] in ("d'", "l'", "d’", "l’"):
        return True
    if _cap(tok):
        return True
    # a lower-case word only after a particle: "rue des champs", "chemin de la ferme"
    if tokens:
        prev = tokens[-1].lower().rstrip(".")
        return prev in _PARTICLES or prev.endswith(("'", "’"))
    return False


def _name_ok(tokens: list[str]) -> bool:
    if not tokens:
        return False
    if tokens[-1].lower().rstrip(".") in _PARTICLES:
        return False
    return any(t.lower().rstrip(".") not in _PARTICLES for t in tokens)


def _fallback_name_ok(name: str) -> bool:
    words = name.split()
    if not words:
        return False
    last = words[-1].lower().rstrip(".")
    if last in _MONTH_OR_DAY or last in _FALLBACK_STOP or last in _PARTICLES:
        return False
    if all(w.lower().rstrip(".") in _LEAD_STOP or w.lower() in _PARTICLES for w in words):
        return False
    # an all-caps acronym alone ("PV 12, 2000 ...") is no street
    return not (len(words) == 1 and words[0].isupper() and len(words[0]) <= 4)


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out
