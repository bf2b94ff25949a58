"""Person names in Dutch, French, English and German narratives, police style included.

No Dutch, English or German NER pipeline is an acceptable dependency, so names are found the way
the Dutch de-identifier Deduce does it: candidate runs of capitalised words, then evidence for each
run from

* context: a title or role just before ("M.", "Mevrouw", "inspecteur", "la victime", "genaamde",
  "known as", "Client:"), which makes the following capitalised words a name whatever they are;
* shape: a word in capitals next to another name word ("ZHANG Li", "Rafael da SILVA COSTA"), the
  way police write surnames;
* lookup: first names and surnames from public lists (``anonymiser/data/names``), weighed against
  lists of ordinary words, places and institutions so that "Grote Markt" or "Politie" stay;
* the French NER model, asked only about candidates the rules leave undecided;
* the document itself: once a name is found, its words are names wherever else they appear
  ("Blessing" alone, three sentences after "Blessing ADEYEMI").
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from anonymiser import lexicon, ner
from anonymiser.labels import PERSON
from anonymiser.recognizers import register
from anonymiser.recognizers.base import Document, Recognizer
from anonymiser.spans import Span

_TOKEN = re.compile(r"[^\W\d_](?:[^\W\d_]|['’\-](?=[^\W\d_]))*")

# Name particles that may stand lower case inside a name: "Rafael da SILVA", "Jan van der Berg".
PARTICLES = frozenset(
    "van der den de del della dela delos di da das dos do du le la von zu ter ten te el al ben bin "
    "ibn ould abu bint y e mac mc st dello degli vom zum".split()
)
# Words before a name that are not part of it but say that a name follows.
TITLES = frozenset(
    "m mme mlle mr mrs ms mx dhr mevr mevrouw meneer heer monsieur madame mademoiselle herr frau "
    "sir miss madam dr prof me mtre maitre meester insp inspecteur inspectrice inspector "
    "hoofdinspecteur commissaris commissaire agent agente brigadier substituut substitut "
    "procureur juge rechter advocaat avocat avocate lawyer anwalt anwaltin tolk interprete "
    "interpreter voogd tuteur tutrice guardian mama mamma maman papa aunty auntie tonton tata oom "
    "tante uncle chief boss baas patron chef broer zus frere soeur sister brother cousin cousine "
    "neef nicht onkel bro sis father mother vader moeder pere mere imam pastor pasteur dominee "
    "oncle tita tito kaka bhai agha bra oga chi anh pan dona abi tantie mister dear beste liebe "
    "lieber bonjour hello hi chere cher geachte hallo salut schwester bruder mutter vater tochter "
    "sohn cousin tante".split()
)
_STRONG_TRIGGERS = (
    r"genaamde?|gekend\s+als|bekend\s+als|alias|a\.?k\.?a\.?|bijnaam|roepnaam|d[ée]nomm[ée]e?|"
    r"nomm[ée]e?|pr[ée]nomm[ée]e?|surnomm[ée]e?|connue?\s+(?:sous\s+le\s+nom\s+(?:de|d')|comme)|"
    r"se\s+faisant\s+appeler|called|named|known\s+as|nicknamed|goes\s+by|genannt|namens|spitzname|"
    r"une?\s+certaine?|een\s+zekere|a\s+certain|ein(?:e|er)?\s+gewisse[rn]?|enregistr[ée]e?\s+sous|"
    r"opgeslagen\s+onder|saved\s+under|gespeichert\s+(?:als|unter)|"
    r"la\s+famille|de\s+familie|the\s+family|familie|famille|slachtoffer|victime|victim|opfer|"
    r"verdachte|suspecte?|pr[ée]venue?|beklaagden?|accused|defendants?|angeklagte[rn]?|inculp[ée]e?|"
    r"beschuldigte[nr]?|betrokkene|int[ée]ress[ée]e?|cli[ëe]nte?|"
    r"werkgever|employeur|employer|arbeitgeber|g[ée]rante?|zaakvoerder|zaakvoerster|uitbaters?|"
    r"uitbaatster|exploitante?|eigenaars?|eigenares|propri[ée]taire|owner|manager|"
    r"echtgeno(?:ot|te)|[ée]pou(?:x|se)|mari|husband|wife|vriend(?:in)?|amie?|friend|boyfriend|"
    r"girlfriend|partner|compagnon|compagne|dochter|fille|daughter|zoon|fils|collega|"
    r"coll[èe]gue|colleague|werkneemster|werknemer|travailleu(?:r|se)|worker|arbeider|ouvri[èe]re?|"
    r"chauffeur|driver|rekruteerder|recruteu(?:r|se)|recruiter|ronselaar|passeur|smokkelaar|"
    r"smuggler|pooier|prox[ée]n[èe]te|pimp|souteneur|minderjarige|mineure?|minor|"
    r"jongen|meisje|gar[çc]on|dame|vrouw|femme|woman|homme|tolk|interpr[èe]te|"
    r"voogd|tut(?:eur|rice)|guardian|advocaat|avocate?|lawyer|verbalisant|"
    r"gezin|household|m[ée]nage|dear|beste|liebe[rn]?|bonjour|hello|hi|ch[èe]re?|geachte|"
    r"sehr\s+geehrte[rn]?|hallo|salut|m'appelle|je\s+suis|ik\s+heet|heet|my\s+name\s+is|"
    r"ich\s+hei(?:ß|ss)e|au\s+nom\s+de|op\s+(?:naam|name)\s+van|in\s+the\s+name\s+of|"
    r"auf\s+den\s+namen|appel[ée]e?|se\s+pr[ée]sente\s+comme|opgeslagen\s+als|saved\s+as|"
    r"enregistr[ée]e?\s+comme|stelt\s+zich\s+voor\s+als|introduced\s+(?:him|her)self\s+as|"
    r"behandeld\s+door|opgesteld\s+door|r[ée]dig[ée]\s+par|sign[ée]|getekend|signed"
)
_LABEL_TRIGGERS = (
    r"naam|nom|name|voornaam|pr[ée]nom|vorname|nachname|surname|first\s+name|family\s+name|"
    r"contact(?:persoon|person|e)?|van|aan|from|to|de|[àa]|cc|attn|t\.a\.v|client|cli[ëe]nt|"
    r"victim|victime|slachtoffer|verdachte|suspect|betrokkene|interpreter|tolk|auteur|author|"
    r"b[ée]n[ée]ficiaire|beneficiary|begunstigde|r[ée]sidente?|resident|bewoner|bewoonster|concerne|"
    r"betreft|objet|subject|betreff|onderwerp|patient|pati[ëe]nte?|mineur|minor|minderjarige|nbmv|mena"
)
_OPEN_QUOTE = r"[«\"'“‘(]?"
_SP = r"[ \t]*"
# Found once per document; a candidate name is "triggered" when one of these ends where it starts.
_TRIGGERS = re.compile(
    rf"(?:(?<![^\W\d_])(?:{_STRONG_TRIGGERS}){_SP}[,:]?{_SP}{_OPEN_QUOTE}{_SP}"
    rf"|(?<![^\W\d_])(?:{_LABEL_TRIGGERS})\.?{_SP}:{_SP}{_OPEN_QUOTE}{_SP}"
    rf"|(?<![^\W\d_])dite?{_SP}[«\"'“‘]{_SP})",
)  # lower-case words only: it runs on Document.lowered()
# Upper-case words that are acronyms, not surnames.
ACRONYMS = frozenset(
    "pv zp pz fgp lpa dsu dvz oe ocmw cpas srl sprl bv bvba nv sa asbl vzw cv scrl comm gmbh ltd "
    "llc eu ue usa uk un nao iban bic gsm tel fax dob nrn rrn bis id ok tv hr ceo rsz onss riziv "
    "inami fod spf btw tva cls tsw sirs ecosoc gps sms pin atm vip ict it hiv aids mdma thc sos "
    "thb saj ela ind sim line nsso empact diicot ocrts sdf dga dgj ccu dmfa hgv hgvs limosa dimona "
    "ps nb cc bcc re fw fwd vs ca etc dr mr mme mw nl fr en ro bg pl ma cn br ua "
    "af ir iq sy tr dz tn eg er et so sd gh cm cd gn sn ci pt es gr hu sk cz rs xk mk ge am "
    "ikea dhl ups gls tnt bmw vw".split()
)
# Nationalities and peoples in Dutch, French, English and German ("Nigeriaan", "Ethiopiër",
# "Moldaves", "Slovaakse", "Bengalese"): an unknown capitalised word that ends like one is no name.
_DEMONYM = re.compile(
    r"(?:aan|aanse|aals?e?|ees|eese|ese|eër|eërs|iër|iërs|ier|iers|aise?s?|ienne?s?|iens|aines?|ains|oise?s?|"
    r"ves|ische?|ezen|anen|ers)$"
)
_LOCATIVE_BEFORE = re.compile(
    r"(?:\bin|\bte|\bnaar|\buit|\bnabij|\bvers|\bprès\s+de|\baus|\bnach|\bim|\bnear|\bprovince\s+of|"
    r"\bregio|\brégion\s+de|\bprovince\s+de|\bgare\s+de|\bstation|\bwijk|\bquartier|\bparking(?:\s+de)?)"
    r"[ \t]+\Z"
)
# Abbreviated given names that end in a full stop inside a name: "Md. Rafiqul", "Mohd. Ali".
_NAME_ABBREVIATIONS = frozenset("md mohd muh mhd moh abd".split())
_ELISION = re.compile(r"(?:[dlnsjcmt]|qu|jusqu|lorsqu|puisqu)['’](?=[^\W\d_]{2})", re.IGNORECASE)
_LINE_START = re.compile(r"(?:\A|\n)[ \t>]*")
_CLOSING_BEFORE = re.compile(
    r"(?:groet(?:en|jes)?|regards|best|cheers|thanks|thank\s+you|sincerely|cordialement|salutations|"
    r"bien\s+(?:à|a)\s+vous|amicalement|merci|bedankt|dank\s+u|mvg|grüße|grüsse|gruß|gruss|"
    r"freundlichen\s+grüßen|hochachtungsvoll)[ \t]*[,.!]?[ \t]*\n[ \t]*\Z",
    re.IGNORECASE,
)
_ROLE_AFTER = re.compile(
    r"[ \t]*(?:[–—-]|,)[ \t]*(?:caseworker|case\s+worker|social\s+worker|inspect(?:eur|rice|or)|"
    r"sociaal\s+inspecteur|assistante?\s+sociale?|maatschappelijk\s+werk(?:er|ster)|co[öo]rdinat(?:or|rice|eur)|"
    r"juriste?|advocaat|avocate?|lawyer|tolk|interpr[èe]te|interpreter|voogd|tut(?:eur|rice)|guardian|"
    r"magistra(?:at|te)|substitu(?:ut|t)|procureur|prosecutor|psycholo(?:og|gue|gist)|opvoeder|"
    r"[ée]ducat(?:eur|rice)|begeleid(?:er|ster)|medewerk(?:er|ster)|collaborat(?:eur|rice)|officer|"
    r"agent|hoofdinspecteur|commissaris|commissaire|analist|analyst|analyste|verbalisant|"
    r"sozialarbeiter(?:in)?|berater(?:in)?|fachberaterin|dossierbeheerder|gestionnaire)\b",
    re.IGNORECASE,
)
_SPEAKER_AFTER = re.compile(r"[ \t]*:[ \t]*[\"“«'„]")
_ALIAS_AFTER = re.compile(
    r"[ \t]*,?[ \t]*(?:dite?|alias|a\.?k\.?a\.?|genaamd|gekend\s+als|bekend\s+als|known\s+as|"
    r"surnomm[ée]e?|called|genannt)\b",
    re.IGNORECASE,
)
_TITLE_BEFORE = re.compile(r"([^\W\d_]+)[.:]?[\"'”»]?[ \t]*\Z")
_SENTENCE_BREAK = frozenset(".!?:;\n•–—-")
_QUOTED = re.compile(
    r"(?:«\s?(?P<q>[^«»\n]{1,40}?)\s?»|[\"“„](?P<q2>[^\"“”„\n]{1,40}?)[\"”“]|(?<![\w])'(?P<q3>[^'\n]{1,40}?)'(?![\w]))"
)


@dataclass(frozen=True, slots=True)
class _Tok:
    start: int
    end: int
    text: str
    key: str
    upper: bool  # all capitals, at least two letters
    cap: bool  # starts with a capital
    initial: bool  # a single capital followed by a full stop ("V.")
    sentence_start: bool


def _tokens(text: str) -> list[_Tok]:
    out: list[_Tok] = []
    for m in _TOKEN.finditer(text):
        word = m.group(0)
        start, end = m.span()
        elided = _ELISION.match(word)
        if elided and word[0].isupper() and word[elided.end()].isupper():
            elided = None  # "D'HAESE", "D'Hondt": Flemish surnames, not an elision
        if elided:  # French "d'Esosa", "l'Agneau": the name starts after the apostrophe
            start += elided.end()
            word = word[elided.end() :]
        j = start - 1
        while j >= 0 and text[j] in " \t\"'«“‘(":
            j -= 1
        sentence_start = j < 0 or text[j] in _SENTENCE_BREAK
        first = word[0]
        upper = len(word) >= 2 and word.isupper()
        initial = len(word) == 1 and first.isupper() and end < len(text) and text[end] == "."
        if len(word) == 1 and not initial:
            continue
        out.append(
            _Tok(start, end, word, lexicon.fold(word), upper, first.isupper(), initial, sentence_start)
        )
    return out


def _joined(text: str, left: _Tok, right: _Tok) -> bool:
    """Two tokens belong to one name run: only a space (or a hyphen) between them."""
    gap = text[left.end : right.start]
    if left.initial or left.key in _NAME_ABBREVIATIONS:
        return gap in (". ", ".", " ")
    return gap in (" ", "-", "  ")


def _glued_to_digits(text: str, tok: _Tok) -> bool:
    """Part of a reference such as "PAR/2025/1187" or "AN.41.L3.027715/2025"."""
    after = text[tok.end : tok.end + 2]
    return len(after) == 2 and after[0] in "./-_" and after[1].isdigit()


class _Lexicon:
    """The lists, bound once per recognizer instance (loading is cached by ``lexicon``)."""

    def __init__(self) -> None:
        self.first = lexicon.first_names()
        self.last = lexicon.surnames()
        self.places = lexicon.places()
        self.non_names = lexicon.non_names()
        self.soft_non_names = lexicon.soft_non_names()
        self.common = {lang: lexicon.common_words(lang) for lang in ("nl", "fr", "en", "de")}
        self.any_common = lexicon.all_common_words()
        self.known = lexicon.all_known_words()

    def is_name_word(self, key: str) -> bool:
        return key in self.first or key in self.last

    def is_ordinary(self, key: str, lang: str) -> bool:
        """A word that, capitalised, is most likely not a name."""
        return key in self.non_names or key in self.common[lang] or key in self.places


@register
class PersonRecognizer(Recognizer):
    name = "person"
    labels = (PERSON,)
    order = 200  # after the identifier recognizers, before organisations

    def __init__(self, use_ner: bool = True) -> None:
        self.lex = _Lexicon()
        self.use_ner = use_ner

    # -- candidate runs -------------------------------------------------------------------------

    def _candidate(self, tok: _Tok) -> bool:
        return tok.cap or tok.initial

    def _runs(self, text: str, toks: list[_Tok]) -> Iterator[list[_Tok]]:
        run: list[_Tok] = []
        for i, tok in enumerate(toks):
            nxt = toks[i + 1] if i + 1 < len(toks) else None
            if not run and tok.key in PARTICLES and nxt is not None and nxt.upper and _joined(text, tok, nxt):
                run = [tok]  # "da CONCEIÇÃO FERREIRA": a particle before a surname in capitals
                continue
            if self._candidate(tok) or (run and tok.key in PARTICLES):
                if run and not _joined(text, run[-1], tok):
                    yield from self._split(run)
                    run = []
                if run or self._candidate(tok):
                    run.append(tok)
                continue
            if run:
                yield from self._split(run)
                run = []
        if run:
            yield from self._split(run)

    def _split(self, run: list[_Tok]) -> Iterator[list[_Tok]]:
        """Cut a run at titles and institutions; drop trailing particles."""
        seg: list[_Tok] = []
        for tok in run:
            # a title opens a name ("Mme Yvette"); after a name word it is part of it ("Mai ANH")
            # a title is written as one ("Meester", "Mr"); in capitals it is a surname ("MEESTER")
            title = tok.key in TITLES and not seg and not (tok.upper and len(tok.key) > 3)
            if (title or tok.key in ACRONYMS or self._institution(tok)) and tok.key not in PARTICLES:
                if seg and (trimmed := self._trim(seg)):
                    yield trimmed
                seg = []
                # the title itself is context for what follows, not part of the name
                continue
            seg.append(tok)
        if seg and (trimmed := self._trim(seg)):
            yield trimmed

    def _trim(self, seg: list[_Tok]) -> list[_Tok]:
        # a sentence-initial ordinary word is not part of the name: "Later Blessing", "Die Frau"
        first = seg[0]
        ordinary = first.key in self.lex.any_common and not self.lex.is_name_word(first.key)
        if len(seg) > 1 and first.sentence_start and ordinary and first.key not in PARTICLES:
            seg = seg[1:]
        return self._trim_particles(seg)

    @staticmethod
    def _trim_particles(seg: list[_Tok]) -> list[_Tok]:
        while seg and seg[-1].key in PARTICLES and not seg[-1].cap:
            seg = seg[:-1]
        while seg and seg[0].key in PARTICLES and not seg[0].cap and not (len(seg) > 1 and seg[1].upper):
            seg = seg[1:]
        return seg

    # -- evidence -------------------------------------------------------------------------------

    @staticmethod
    def _trigger_ends(doc: Document) -> frozenset[int]:
        ends = doc.cache.get("person.trigger_ends")
        if not isinstance(ends, frozenset):
            ends = frozenset(m.end() for m in _TRIGGERS.finditer(doc.lowered()))
            doc.cache["person.trigger_ends"] = ends
        return ends

    def _triggered(self, doc: Document, seg: list[_Tok]) -> bool:
        start = seg[0].start
        if start in self._trigger_ends(doc):
            return True
        m = _TITLE_BEFORE.search(doc.text, max(0, start - 25), start)
        return m is not None and lexicon.fold(m.group(1)) in TITLES

    def _blocked(self, tok: _Tok) -> bool:
        """Institutions, months, nationalities; places unless also a name ("Milan", "Florence")."""
        key = tok.key
        return key in self.lex.non_names or (key in self.lex.places and not self.lex.is_name_word(key))

    def _nameish(self, tok: _Tok, lang: str) -> bool:
        """Does this word, as written here, look like (part of) a person's name?"""
        key = tok.key
        if self._blocked(tok):
            return False
        listed = self.lex.is_name_word(key)
        if key in self.lex.soft_non_names:
            return False
        common = key in self.lex.common[lang]
        if tok.upper:
            return key not in ACRONYMS and listed and len(key) >= 2
        if not listed:
            return False
        if not common:
            return True
        # a listed name that is also an ordinary word ("Pieter", "Renard", "Winter"): written with a
        # capital in the middle of a sentence, outside German, it is a proper noun
        return lang != "de" and not tok.sentence_start

    def _in_a_lexicon(self, key: str) -> bool:
        return (
            key in self.lex.known
            or key in self.lex.places
            or key in self.lex.non_names
            or key in self.lex.soft_non_names
            or key in ACRONYMS
            or self.lex.is_name_word(key)
        )

    def _unknown(self, tok: _Tok) -> bool:
        """A word in no lexicon at all: an unlisted name, a foreign place, a brand.

        A hyphenated word counts as known when one of its parts is ("RSZ-inspectie",
        "Liège-Guillemins", "Telegram-groep"), unless the parts are names ("Jean-Baptiste").
        """
        key = tok.key
        if self._in_a_lexicon(key):
            return False
        if "-" in key:
            parts = [p for p in key.split("-") if p]
            return not any(self._in_a_lexicon(p) and not self.lex.is_name_word(p) for p in parts)
        return True

    def _institution(self, tok: _Tok) -> bool:
        key = tok.key
        if tok.upper and key in TITLES:
            return False  # "DE MEESTER", "PAPA": a surname in capitals, not a role
        if key in self.lex.non_names:
            return True
        return "-" in key and any(
            p in self.lex.non_names or (p in ACRONYMS and p not in PARTICLES) for p in key.split("-")
        )

    def _rare(self, tok: _Tok) -> bool:
        """Capitalised, yet not one of the 4,000 commonest words of any of the four languages, nor a
        place, institution, month or nationality: a proper noun that is most likely a name. (The
        wider word lists hold many names, "Ibrahima", "Arjan", "Goodness", so they do not count.)"""
        key = tok.key
        return not (
            key in self.lex.any_common
            or key in self.lex.places
            or key in self.lex.non_names
            or key in self.lex.soft_non_names
            or key in ACRONYMS
            or (not self._unknown(tok) and "-" in key)
        )

    def _looks_like_a_place_or_people(self, doc: Document, tok: _Tok) -> bool:
        """An unknown word that is a nationality ("Nigeriaan", "Moldaves") or follows "in"/"naar"."""
        if _DEMONYM.search(tok.key):
            return True
        return _LOCATIVE_BEFORE.search(doc.text[max(0, tok.start - 20) : tok.start].lower()) is not None

    def _decide(self, doc: Document, seg: list[_Tok]) -> bool | None:
        """True: a name. False: not a name. None: undecided (ask the model)."""
        lang = doc.lang_at(seg[0].start)
        # a particle in capitals is a surname of its own: "Mr LE", "DE MEESTER"
        words = [t for t in seg if not t.initial and (t.key not in PARTICLES or (t.upper and len(seg) == 1))]
        if not words:
            # initials alone ("E.B."), named as a person by the context
            return len(seg) >= 2 and all(t.initial for t in seg) and self._triggered(doc, seg)
        institution = [self._institution(t) for t in words]
        if all(institution):
            return False
        if self._triggered(doc, seg):
            return True
        place = [t.key in self.lex.places for t in words]
        if _ALIAS_AFTER.match(doc.text, seg[-1].end):
            return True  # "Bruna dite « Bruninha »": what has an alias is a person
        nameish = [self._nameish(t, lang) for t in words]
        # police style: a surname in capitals beside a given name ("IDAHOSA Ehigi", "Sayed HASHIMI")
        shouty = [t.upper and t.key not in ACRONYMS and not institution[i] for i, t in enumerate(words)]
        partner = [
            not t.upper
            and not institution[i]
            and (nameish[i] or self._rare(t) or place[i] or self.lex.is_name_word(t.key))
            for i, t in enumerate(words)
        ]
        if len(words) >= 2 and not any(institution):
            # a long rare surname in capitals makes any capitalised neighbour a given name
            # ("UWADIA Gift", "DE WINTER"-style pairs)
            long_rare = [
                sh and len(t.key) >= 4 and (self._rare(t) or self.lex.is_name_word(t.key))
                for sh, t in zip(shouty, words, strict=True)
            ]
            if any(long_rare) and not all(shouty):
                return True
        if len(words) >= 2 and any(shouty) and any(partner) and not any(institution):
            # a short capitalised word beside a town is an acronym ("PZ Gent"), unless it is a name
            long_shout = any(
                sh and (len(t.key) >= 4 or self.lex.is_name_word(t.key))
                for sh, t in zip(shouty, words, strict=True)
            )
            if long_shout or any(p and not pl for p, pl in zip(partner, place, strict=True)):
                return True
        if any(institution):
            # "Opel Zafira", "Federal Judicial Police", "Lokale Politie Antwerpen": only clear names
            return sum(nameish) >= 2 and not institution[0] and not institution[-1]
        if len(words) >= 2 and any(nameish):
            # a listed name that is also an ordinary word ("Grote", "Winter") needs a clear partner
            strong = [n and t.key not in self.lex.common[lang] for n, t in zip(nameish, words, strict=True)]
            if any(strong) or any(self._rare(t) for t in words):
                return True
        if any(t.initial for t in seg) and (any(nameish) or any(shouty)):
            return True  # "Geert V."
        if len(words) == 1:
            tok = words[0]
            if tok.upper:
                return (
                    nameish[0] and len(tok.key) >= 3 and not place[0] and not _glued_to_digits(doc.text, tok)
                )
            if nameish[0]:
                # "Milan", "Sofia", "Lagos": a name and a place; alone it is the place
                return not place[0]
            if tok.sentence_start or not self._rare(tok) or self._looks_like_a_place_or_people(doc, tok):
                return False
            # a capitalised rare word in mid-sentence: in Dutch, French and English that is a
            # proper noun, and in these texts mostly a name; German capitalises every noun, so
            # there the word must be in no lexicon at all
            return lang != "de" or self._unknown(tok)
        if lang == "de" or not all(self._unknown(t) or p for t, p in zip(words, place, strict=True)):
            return False
        if all(place):
            return False
        if any(self._rare(t) for t in words) and not self._looks_like_a_place_or_people(doc, words[0]):
            # "dat Sayed Jawad 's nachts verdwijnt": unknown words, one of them a town elsewhere,
            # in mid-sentence and not after "in"/"naar": a name (the model gets to say so first)
            return None if lang == "fr" else True
        return None

    # -- find ------------------------------------------------------------------------------------

    def find(self, doc: Document) -> Iterator[Span]:
        text = doc.text
        toks = _tokens(text)
        accepted: list[list[_Tok]] = []
        undecided: list[list[_Tok]] = []
        for seg in self._runs(text, toks):
            if not seg:
                continue
            verdict = self._decide(doc, seg)
            if verdict:
                accepted.append(seg)
            elif verdict is None:
                undecided.append(seg)
        # the model is French: ask it only about French sentences
        undecided = [seg for seg in undecided if doc.lang_at(seg[0].start) == "fr"]
        if undecided and self.use_ner:
            # only the sentences that hold undecided candidates go through the model
            for start, end in sorted({doc.sentence_bounds(seg[0].start) for seg in undecided}):
                per = [(start + s, start + e) for s, e in ner.person_spans(text[start:end])]
                for seg in undecided:
                    if start <= seg[0].start < end and any(
                        s < seg[-1].end and seg[0].start < e for s, e in per
                    ):
                        accepted.append(seg)
        accepted.extend(self._quoted_aliases(doc))
        accepted.extend(self._lowercase_after_trigger(doc, toks))
        accepted.extend(self._line_names(doc, toks))
        covered: set[int] = set()
        for seg in accepted:
            covered.update(range(seg[0].start, seg[-1].end))
            yield Span(seg[0].start, seg[-1].end, PERSON, 0.8, self.name)
            for tok in seg:
                if len(tok.key) >= 3 and not tok.initial and tok.key not in PARTICLES:
                    doc.known_names.add(tok.key)
        # later (and earlier) mentions of a word of a found name, where written as a name
        for tok in toks:
            if tok.start in covered or not tok.cap or tok.key not in doc.known_names:
                continue
            if self._blocked(tok):
                continue
            yield Span(tok.start, tok.end, PERSON, 0.7, self.name)

    def _line_names(self, doc: Document, toks: list[_Tok]) -> Iterator[list[_Tok]]:
        """Names that the layout gives away: a signature under a closing formula ("Groeten,\nThomas"),
        a name followed by its role ("Grace – caseworker"), a chat speaker ("jayden: ...")."""
        text = doc.text
        by_start = {t.start: i for i, t in enumerate(toks)}
        for m in _LINE_START.finditer(text):
            i = by_start.get(m.end())
            if i is None:
                continue
            run = [toks[i]]
            while len(run) < 3 and i + len(run) < len(toks) and _joined(text, run[-1], toks[i + len(run)]):
                if not toks[i + len(run)].cap:
                    break
                run.append(toks[i + len(run)])
            first = run[0]
            after = text[run[-1].end : run[-1].end + 40]
            before = text[max(0, m.start() - 60) : m.start()]
            signed = first.cap and _CLOSING_BEFORE.search(before) is not None
            with_role = first.cap and _ROLE_AFTER.match(after) is not None
            if (signed or with_role) and not any(self._institution(t) for t in run):
                yield run
            elif _SPEAKER_AFTER.match(text, first.end) and self.lex.is_name_word(first.key):
                yield [first]

    def _lowercase_after_trigger(self, doc: Document, toks: list[_Tok]) -> Iterator[list[_Tok]]:
        """Names written in lower case right after a context word: "Cliënte: olena voronova"."""
        i = 0
        while i < len(toks):
            tok = toks[i]
            if tok.cap or not self.lex.is_name_word(tok.key) or tok.key in self.lex.any_common:
                i += 1
                continue
            run = [tok]
            while len(run) < 3 and i + len(run) < len(toks):
                nxt = toks[i + len(run)]
                if nxt.cap or not _joined(doc.text, run[-1], nxt) or not self.lex.is_name_word(nxt.key):
                    break
                run.append(nxt)
            if self._triggered(doc, run):
                yield run
            i += len(run)

    def _quoted_aliases(self, doc: Document) -> Iterator[list[_Tok]]:
        """Nicknames in quotes: « le Gros », "Vasi Boss", 'Hama Dubai'."""
        for m in _QUOTED.finditer(doc.text):
            group = next(g for g in ("q", "q2", "q3") if m.group(g) is not None)
            inner = m.group(group)
            toks = _tokens(inner)
            if not toks or len(toks) > 3 or not any(t.cap for t in toks):
                continue
            start = m.start(group)
            shifted = [
                _Tok(start + t.start, start + t.end, t.text, t.key, t.upper, t.cap, t.initial, False)
                for t in toks
            ]
            if self._triggered(doc, shifted):
                yield shifted
                continue
            if all(self._blocked(t) or t.key in ACRONYMS for t in shifted if t.cap):
                continue
            lang = doc.lang_at(start)
            if all(t.key in self.lex.common[lang] and not self.lex.is_name_word(t.key) for t in shifted):
                continue
            yield shifted
