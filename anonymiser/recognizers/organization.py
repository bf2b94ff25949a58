"""Businesses that are parties in a case: employers, subcontractors, agencies, fronts.

A business name is a run of capitalised words ("Golden Dragon Leuven", "Rénov'Plus SRL",
"Praca Plus Sp. z o.o."). A run is taken as a business when

* it ends in a legal form (SRL, BV, NV, GmbH, Lda, EOOD, s.r.o., Sp. z o.o., Ltd, ...), or
* one of its words is a trade word ("Wellness", "Logistics", "Nails", "Bakkerij", "Viandes") or
  ends like one ("Fruitbedrijf", "Champignonkwekerij"), or
* a word just before it says a business follows ("massagesalon", "carwash", "Werkgever:",
  "gérant de fait de", "worked as a cleaner for").

Institutions (police, inspectorates, courts, Myria, Fedasil, NGOs, banks and platforms) are not
parties and are left alone (corpus convention). A business found once is found everywhere in the
document.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from anonymiser import lexicon
from anonymiser.labels import ORGANIZATION
from anonymiser.recognizers import register
from anonymiser.recognizers.base import Document, Recognizer
from anonymiser.spans import Span

_CHUNK = re.compile(r"[^\s,;:()\[\]{}«»\"“”„/]+")
_ELISION = re.compile(r"(?:[dl]|qu)['’](?=\w)", re.IGNORECASE)
_OWNER_OF = frozenset("of van de du des der von bei chez".split())
_GENERIC_NOUNS = frozenset(
    "betrieb firma bedrijf societe company firm entreprise unternehmen werkgever employer "
    "asbl-ecran societe-ecran frontbedrijf".split()
)
_TITLES = frozenset("m mme mlle mr mrs ms dhr mevr herr frau dr me".split())
_CONNECTORS = frozenset(
    "de du des la le les van der den het 't of the et and und & y e da do di al el 'n "
    "am im zum zur an auf".split()
)
LEGAL_FORMS = frozenset(
    "srl sprl sa nv bv bvba cv cva commv comm.v scrl scs snc scris vof gcv asbl-? gmbh ag kg ug ohg "
    "ltd ltd. llc llp plc inc pvt lda sl sas sarl eurl eood ood ad ead s.p.a. sro s.r.o. "
    "kft bt zrt uab sia ou as oy ab doo d.o.o. s.a. n.v. b.v. sp.j. "
    "co. co cie sti sti. şti şti. a.s. s.a.s. sc pvt. inc. corp. corp bros. ltda zn. gebr.".split()
)
_LEGAL_TAIL = re.compile(
    r"[ ,]*(?:sp\.\s?z\s?o\.\s?o\.|s\.\s?r\.\s?o\.|s\.\s?a\.|n\.\s?v\.|b\.\s?v\.|s\.\s?r\.\s?l\.)",
    re.IGNORECASE,
)
TRADE_WORDS = frozenset(
    """
    wellness logistics logistic logistiek services service diensten nails nail beauty wash carwash
    shop snack snackbar restaurant resto hotel cafe nachtcafe club bar bakkerij boulangerie
    patisserie kitchen palace massage spa express fresh distribution engineering marine cargo group
    groupe groep construct constructions construction bouw bouwonderneming renovation renovatie
    renov build building bati immo interim uitzend temp staffing manpower overseas recruitment
    trading trade import export transport transports trans food foods market supermarket textile
    textiles fashion studio security cleaning clean schoonmaak nettoyage limpeza facility garage
    motors auto autos tech consult consulting solutions travel tours farm ferme agri agro fruit
    asperges viandes fraises gevogelte banden kwekerij tuinbouw horticulture trabalho temporario
    handel sushi pizza pizzeria kebab grill lounge lodge inn bistro brasserie tearoom phone telecom
    nightshop store boutique salon coiffure kapsalon barber barbershop hair catering traiteur
    industries industrie metal steel welding bakery butchery slagerij boucherie vleeswaren meat
    poultry shipping freight courier delivery taxi cars carrosserie wok thai chinese noodle kebap
    imbiss reinigung bau spedition landwirtschaft hof reitstall gastronomie
    """.split()
)
_TRADE_SUFFIX = re.compile(
    r"(?:bedrijf|kwekerij|onderneming|handel|bouw|service|services|diensten|logistiek|slachterij|teelt|"
    r"boerderij|centrale|winkel|zaak|"
    r"bakkerij|transport|centrale|shop|wash|bau|handel|reinigung|technik|services)$"
)
_TRIGGER = re.compile(
    r"(?:massagesalon|salon\s+de\s+massage|carwash|car\s+wash|restaurants?|bar\s+[àa]\s+ongles|"
    r"\bbar|nachtwinkel|nagelsalon|bakkerij|snack|salons?|hotel|h[ôo]tel|caf[ée]|winkel|"
    r"telefoonwinkel|night\s*shop|\bclub|betrieb|firma|bedrijf|soci[ée]t[ée](?:\s+\w+)?|"
    r"entreprise(?:\s+\w+)?|company|firm|employer|werkgever|employeur|arbeitgeber|opdrachtgever|"
    r"onderaannemer|hoofdaannemer|eindklant|sous-traitant|subcontractor|(?:main\s+)?contractor|"
    r"zaakvoerder\s+van|bestuurder\s+van|uitbater\s+van|g[ée]rante?s?(?:\s+de\s+fait)?\s+de|"
    r"operated\s+by|posted\s+by|worked(?:\s+as\s+an?\s+\w+)?\s+(?:for|at)|travaill(?:e|ais|ait)\s+"
    r"(?:pour|chez)|werkt(?:e)?\s+(?:voor|bij)|arbeitet(?:e)?\s+(?:f[üu]r|bei)|uitzendkantoor|"
    r"agence(?:\s+\w+)?|agency|exploitation\s+\w+|slachterij|kippenslachterij|kwekerij|"
    r"bandencentrale|raid\s+on|chez|via\s+la\s+soci[ée]t[ée](?:\s+\w+)?|via\s+het\s+\w+|"
    r"asbl[- ][ée]cran|soci[ée]t[ée][- ][ée]cran|front(?:bedrijf|vennootschap)?|schijnvennootschap|"
    r"briefkastenfirma|shell\s+company|dekmantel|fa[çc]ade)"
    r"[ \t]*[:,]?[ \t]*[«\"'“]?[ \t]*",
)  # lower-case words only: it runs on Document.lowered()


_WITHOUT_LEGAL_FORM = re.compile(
    r"(.+?\s+.+?)[ ,]+(?:"
    + "|".join(re.escape(f) for f in sorted(LEGAL_FORMS, key=len, reverse=True))
    + r")\Z",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class _Chunk:
    start: int
    end: int
    key: str
    cap: bool


def _chunks(text: str) -> Iterator[_Chunk]:
    for m in _CHUNK.finditer(text):
        start, end = m.span()
        word = m.group(0)
        # a full stop ends the chunk unless it belongs to it ("s.r.o.", "Co.")
        stripped = word.rstrip(".!?'’")
        if not stripped:
            continue
        dotted_form = word.lower() in LEGAL_FORMS  # "s.r.o.", "Ltd.", "Co."
        key = lexicon.fold(word if dotted_form else stripped)
        if not dotted_form:
            end = start + len(stripped)
        elided = _ELISION.match(stripped)
        first = stripped[elided.end()] if elided else stripped[0]  # "d'Or", "l'Étoile"
        yield _Chunk(start, end, key, first.isupper() or (first.isdigit() and len(stripped) > 1))


@register
class OrganizationRecognizer(Recognizer):
    name = "organization"
    labels = (ORGANIZATION,)
    order = 210

    def __init__(self) -> None:
        self.non_names = lexicon.non_names()
        self.soft = lexicon.soft_non_names()

    @staticmethod
    def _legal(text: str, chunk: _Chunk) -> bool:
        """A legal form as written for one: "SRL", "BV", "s.r.o.", "Ltd", not the French "sa"."""
        word = text[chunk.start : chunk.end]
        return chunk.key in LEGAL_FORMS and (not word.islower() or "." in word)

    def _runs(self, text: str) -> Iterator[list[_Chunk]]:
        run: list[_Chunk] = []
        pending: list[_Chunk] = []  # connectors waiting for a capitalised word
        for chunk in _chunks(text):
            gap_ok = bool(run) and text[(pending or run)[-1].end : chunk.start] in (" ", " & ", "")
            if chunk.cap or self._legal(text, chunk):
                if run and gap_ok:
                    run.extend(pending)
                    run.append(chunk)
                else:
                    if run:
                        yield run
                    run = [chunk]
                pending = []
                if text[chunk.end : chunk.end + 1] in (".", "!", "?") and not self._legal(text, chunk):
                    yield run
                    run = []
            elif run and gap_ok and chunk.key in _CONNECTORS and len(pending) < 2:
                pending.append(chunk)
            else:
                if run:
                    yield run
                run, pending = [], []
        if run:
            yield run

    def _is_business(self, doc: Document, run: list[_Chunk]) -> tuple[bool, int]:
        """Whether the run names a business, and where the name ends (legal form included)."""
        text = doc.text
        keys = [c.key for c in run]
        if len(run) == 1 and run[0].end - run[0].start < 2:
            return False, run[-1].end
        end = run[-1].end
        for chunk in run[1:]:
            tail = _LEGAL_TAIL.match(text, chunk.start)
            if tail:
                return True, tail.end()
        tail = _LEGAL_TAIL.match(text, end)
        if tail:
            return True, tail.end()
        legal = [i for i, c in enumerate(run) if i > 0 and self._legal(text, c)]
        if legal:
            return True, run[legal[-1]].end
        if any(k in self.non_names for k in keys) or all(k in self.soft or k in _CONNECTORS for k in keys):
            return False, end
        if len(run) >= 2 and any(k in TRADE_WORDS or _TRADE_SUFFIX.search(k) for k in keys):
            return True, end
        return run[0].start in self._trigger_ends(doc), end

    @staticmethod
    def _trigger_ends(doc: Document) -> frozenset[int]:
        """Where a word that announces a business ends ("massagesalon ", "Werkgever: "), once per text."""
        ends = doc.cache.get("organization.trigger_ends")
        if not isinstance(ends, frozenset):
            ends = frozenset(m.end() for m in _TRIGGER.finditer(doc.lowered()))
            doc.cache["organization.trigger_ends"] = ends
        return ends

    @staticmethod
    def _after_the_person(run: list[_Chunk]) -> list[_Chunk]:
        """'Mr Rajesh SHRESTHA of Everest Spice Kitchen SRL': the business starts after "of"."""
        if run[0].key.rstrip(".") not in _TITLES:
            return run
        for i, chunk in enumerate(run):
            if chunk.key in _OWNER_OF and i + 1 < len(run):
                return run[i + 1 :]
        return []  # "chez M. et Mme X": a person, not a business

    @staticmethod
    def _after_the_generic_noun(run: list[_Chunk]) -> list[_Chunk]:
        """ "Kontrolle im Betrieb Reitstall Sonnenhof GmbH": the name starts after "Betrieb"."""
        cut = [i for i, c in enumerate(run[:-1]) if c.key in _GENERIC_NOUNS]
        return run[cut[-1] + 1 :] if cut else run

    def find(self, doc: Document) -> Iterator[Span]:
        found: list[tuple[int, int]] = []
        for whole in self._runs(doc.text):
            run = self._after_the_generic_noun(self._after_the_person(whole))
            if not run:
                continue
            if len(run) > 8:
                continue
            ok, end = self._is_business(doc, run)
            if ok:
                found.append((run[0].start, end))
        for start, end in found:
            yield Span(start, end, ORGANIZATION, 0.7, self.name)
        # other mentions of the same name
        names = {doc.text[s:e] for s, e in found if e - s >= 4}
        # "Spice Route BV" is also mentioned as "Spice Route"
        names |= {m.group(1) for n in names if (m := _WITHOUT_LEGAL_FORM.match(n)) and len(m.group(1)) >= 6}
        if names:
            longest_first = sorted(names, key=len, reverse=True)
            again = re.compile(r"(?<![\w])(?:" + "|".join(map(re.escape, longest_first)) + r")(?![\w])")
            for m in again.finditer(doc.text):
                yield Span(m.start(), m.end(), ORGANIZATION, 0.6, self.name)
