"""Online identifiers: URLs, social-media handles, messenger IDs, ad pseudonyms and IP addresses.

* URLs with a scheme or ``www.`` and bare ``domain.tld/path`` links (``facebook.com/name``,
  ``wa.me/32470...``, ``t.me/name``); a bare domain without a path (a platform) is not personal;
* ``@handles`` (not the ``@`` of an e-mail address);
* IPv4 and IPv6 addresses (checked with :mod:`ipaddress`);
* messenger IDs and profile names introduced by a platform or account word (``Snapchat-account
  ziko_2060``, ``LINE ID siri_kaew81``, ``WeChat (fangjie_0571)``, ``zijn account was x.y9000``):
  unquoted, the name must look like a handle (a letter and a digit, ``_`` or ``.``) unless a colon
  introduces it (``Telegram: bellagirl``);
* quoted ad pseudonyms and profile names (``sous le pseudo « Bella_Albana24 »``, ``a profile called
  "Anh Long Bien"``, ``la page Facebook « Munca in Belgia - Ion C. »``);
* handle-shaped tokens anywhere, without a platform word: a token with an underscore between letters
  or digits (``Bia_Carioca_BXL``), a lower-case dotted token with digits (``patron.bxl1080``,
  ``hamza.wash.91``) -- never a domain, a file name, a version, a decimal number or a law article --
  and a login written like an e-mail address without a top-level domain (``casalimpia.ixl@pluxee``);
* a profile name of two to five capitalised words after ``profil``/``profiel``/``profile``/``perfil``
  (``via Facebook (profil Odile Voyages Europe Emploi)``; not in German, where nouns have capitals);
* a name after ``onder de naam``/``sous le nom``/``under the name`` that looks like a handle or follows
  a platform name, a hyphen-joined name after a username word (``gebruikersnaam Sweet-Jessy-KRK``) and
  a courier or rider ID of a delivery platform (``ID coursier BAH-774120``, ``rider ID 88213``).

Platform names alone (Facebook, WhatsApp) are not personal data and are never returned.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator

from anonymiser.labels import ONLINE_ID
from anonymiser.recognizers import register
from anonymiser.recognizers.base import Document, Recognizer
from anonymiser.spans import Span

_TLDS = (
    "com|net|org|info|biz|eu|be|nl|fr|de|lu|uk|ro|bg|pl|it|es|pt|ch|at|ma|ng|cn|ru|ua|al|md|lt|lv|"
    "hu|cz|sk|gr|tr|in|ph|vn|th|br|me|ly|gl|tv|io|co|app|site|online|live|xyz|top|club|link|to|gg|cc"
)
_URL_CHARS = r"[^\s<>\"'«»()\[\]{}]"
_SCHEME_URL = re.compile(rf"\b(?=[hHwW])(?i:https?://|www\.){_URL_CHARS}+")
# bare "domain.tld/path": found from its slash, the domain read backwards from there
_SLASH = re.compile(r"(?<=[A-Za-z])/")
_DOMAIN_BEFORE = re.compile(rf"(?<![\w@.\-/])(?i:(?:[a-z0-9](?:[a-z0-9\-]{{0,61}}[a-z0-9])?\.)+(?:{_TLDS}))$")
_PATH = re.compile(rf"{_URL_CHARS}*")
_TRAILING_PUNCT = ".,;:!?'\"»)"
_HANDLE = re.compile(r"(?<![\w.@/])@[A-Za-z0-9_](?:[A-Za-z0-9_.]{0,38}[A-Za-z0-9_])?(?![\w@]|\.\w)")
_IPV4 = re.compile(
    r"(?=\d)(?<![\d.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
    r"(?::\d{1,5})?(?![\d]|\.\d)"
)
_IPV6 = re.compile(r"(?<![\w:])(?=[0-9A-Fa-f:]*:[0-9A-Fa-f:]*:)[0-9A-Fa-f:]{2,39}(?![\w:])")

_PLATFORMS = (
    r"snapchat|telegram|wechat|weixin|skype|viber|instagram|tiktok|tik tok|facebook|messenger|zalo|"
    r"kakaotalk|kakao|discord|twitter|onlyfans|tinder|grindr|badoo|vkontakte|threema|wickr|hangouts|"
    r"linkedin|youtube|twitch|reddit|bumble|hinge|whatsapp"
)
# platform names that are also common words ("on the line", "a signal"): only with "ID", "account"...
# or a colon/bracket right after them
_AMBIGUOUS_PLATFORMS = r"line|signal|snap|insta|fb|vk|imo|qq|wire|kik"
_SUFFIX = r"id|account|profiel|profil|profile|naam|name|username|handle|pseudo|compte|page"
_ACCOUNT_WORDS = (
    r"accounts?(?:naam|name)?|comptes?|profiel(?:naam|en)?|profil(?:e|es|s|name)?|perfil(?:es|s)?|"
    # "handle" also a verb: not after "to", "can", "will" ("to handle COVID-19 cases")
    r"pseudo(?:nyme|niem|nym)?s?|(?<!to )(?<!can )(?<!will )handles?|usernames?|user ?name|user ?id|"
    r"gebruikersnaam|"
    r"benutzername|nutzername|identifiant|nickname|screen ?name|chat ?id"
)
_CONTEXT = re.compile(
    rf"\b(?=[a-zA-Z])(?i:(?:{_PLATFORMS}|(?:{_AMBIGUOUS_PLATFORMS})(?=[ \-]?(?:{_SUFFIX})\b|[ \t]?[:(]))"
    rf"(?:[ \-]?(?:{_SUFFIX}))?|{_ACCOUNT_WORDS})\b"
)
# a gap word is a whole word: the handle never starts inside one ("pseudo-COVID-19" gives nothing)
_GAP = r"(?:[ \t]*(?:-?[^\W\d_]{1,20}(?![^\W\d_])|:|\(|«|\"|“|'|‘))"
_TOKEN_CHARS = r"[A-Za-z0-9][\w.\-]{0,40}[A-Za-z0-9_]"
_TOKEN_END = r"(?![\w@\-]|\.\w)"
# unquoted, after at most three short words: a handle-like token (a letter, and a digit, _ or .)
_HANDLE_AFTER = re.compile(
    rf"{_GAP}{{0,3}}?[ \t]*"
    rf"(?P<value>(?=[\w\-]*(?:[\d_]|\.\w))(?=[\w.\-]*?[^\W\d_]){_TOKEN_CHARS}){_TOKEN_END}"
)
# "Telegram: bellagirl", "username : 'kitty'": any single token right after a colon
_COLON_AFTER = re.compile(
    rf"[ \t]?:[ \t]*(?:(?P<q>[\"“'‘«])[ ]?)?(?P<value>{_TOKEN_CHARS}|[A-Za-z0-9]){_TOKEN_END}"
    # the name ends there: a closing quote, punctuation, the end of the line or "and"
    r"(?(q)[ ]?[\"”'’»]|(?=[ \t]*(?:$|[,;.)\n]|(?:en|et|and|und|or|of|ou|oder)\b)))"
)
_QUOTED = re.compile(r"«[ ]?(?P<a>[^«»\n]{2,40}?)[ ]?»|\"(?P<b>[^\"\n]{2,40})\"|“(?P<c>[^”“\n]{2,40})”")
# the quote must follow a platform/account word, with only connectors (or an earlier quoted name of
# a list) in between: "profils « X » et « Y »", "a profile called "Z"", "la page Facebook « W »"
_QUOTE_CONTEXT = re.compile(
    # an account word ("profil", "pseudo", "page", "compte"), then connectors, platform names or the
    # earlier names of a list ...
    rf"(?i:\b(?:{_ACCOUNT_WORDS}|page|pagina|seite|kanaal|channel|canal|groupe?|groep)\b"
    r"(?:[ \t\-]*(?:called|genaamd|genoemd|appel[ée]e?s?|nomm[ée]e?s?|intitul[ée]e?s?|named|titled|genannt|"
    r"met de naam|onder de naam|sous le nom|under the name|unter dem namen?|van|de|du|des|of|et|en|and|und|"
    rf"le|la|het|the|der|die|das|{_PLATFORMS}|{_AMBIGUOUS_PLATFORMS}|{_ACCOUNT_WORDS}|page|id|"
    r"«[^«»\n]{1,40}»|\"[^\"\n]{1,40}\"|[(:,]))"
    r"{0,5}"
    # ... or a platform name right before the quote ("sur Snapchat « x »"; not "Facebook: « ... »",
    # which quotes what was said)
    rf"|\b(?:{_PLATFORMS}))[ \t(]*$"
)
_IBAN_START = re.compile(r"[A-Z]{2}\d{2}")

# -- handle-shaped tokens anywhere ---------------------------------------------------------------
_NOT_BEFORE_TOKEN = r"(?<![\w@/.\-~#:=?&%+\\])"
_NOT_AFTER_TOKEN = r"(?![\w@\-/\\]|\.\w)"
# a token with an underscore between letters or digits: "Bia_Carioca_BXL", "olena_hr85"
_UNDERSCORE_TOKEN = re.compile(
    _NOT_BEFORE_TOKEN + r"(?=[A-Za-z0-9])[A-Za-z0-9.\-]*[A-Za-z0-9]_[\w.\-]*[A-Za-z0-9]" + _NOT_AFTER_TOKEN
)
# a lower-case dotted token with digits: "patron.bxl1080", "hamza.wash.91"
_DOTTED_TOKEN = re.compile(_NOT_BEFORE_TOKEN + r"(?=[a-z])[a-z][a-z0-9]*(?:\.[a-z0-9]+)+" + _NOT_AFTER_TOKEN)
_LETTERS_DIGITS = re.compile(r"[a-z]{2,}\d{2,}")
# a login written like an e-mail address but without a top-level domain: "casalimpia.ixl@pluxee"
_LOGIN = re.compile(
    r"(?<![\w.%+\-@])(?=[A-Za-z0-9])[\w.%+\-]*[A-Za-z0-9]@[A-Za-z][A-Za-z0-9\-]*[A-Za-z0-9](?![\w@\-]|\.[A-Za-z0-9])"
)
_FILE_EXTENSIONS = frozenset(
    "pdf doc docx xls xlsx csv txt rtf odt ods jpg jpeg png gif bmp tif tiff heic webp mp3 mp4 m4a wav "
    "ogg opus avi mov mkv zip rar 7z exe apk html htm xml json log eml msg vcf db sql py js".split()
)
_TLD_SET = frozenset(_TLDS.split("|"))
# first segments that are abbreviations, not names ("art.77", "tel.0475", "nr.12")
_NOT_HANDLE_HEADS = frozenset(
    "art artt artikel al nr nrs no nos n p pp blz fig tel gsm fax vol ch chap hfdst ed v vs ver vers "
    "version versie id min max ca tav kb ar bs mb sw ww bw pv ref op cf zie e i ie eg etc st bd av".split()
)
# photo and scan file names written without an extension ("IMG_2031", "DSC_0042")
_FILE_NAME_HEADS = re.compile(r"(?i:img|dsc|dscn|vid|pxl|scan|screenshot|photo|image|doc|file)_")

# -- names after a naming phrase, a username word, a profile word or a courier ID ----------------
_NAMING = re.compile(
    r"(?i:\b(?:onder de naam|met de naam|sous le nom(?: de)?|under the name(?: of)?|unter dem namen?|"
    r"com o nome(?: de)?|con el nombre(?: de)?|bajo el nombre(?: de)?))[ \t]*(?::[ \t]*)?"
    r"(?:(?P<q>[\"“'‘«])[ ]?)?(?P<value>[A-Za-z0-9][\w.\-]{0,40}[A-Za-z0-9_])"
    + _TOKEN_END
    # quoted, the name is the whole quote (a quoted name of several words is read by _QUOTED)
    + r"(?(q)[ ]?[\"”'’»])"
)
_HANDLE_SHAPED = re.compile(r"[\w.\-]*(?:[A-Za-z][\d_.]|[\d_.][A-Za-z]|[a-z][A-Z])[\w.\-]*")
_USERNAME_WORDS = (
    # ("handle" is left out: also a verb, "to handle COVID-19 cases")
    r"gebruikersnaam|usernames?|user ?name|pseudo(?:nyme|niem|nym)?s?|nicknames?|"
    r"benutzername|nutzername|identifiant|login|screen ?name|nom d['’]utilisateur"
)
_HYPHEN_NAME = re.compile(
    rf"(?i:\b(?:{_USERNAME_WORDS})\b)[ \t]*(?::[ \t]*)?(?:[\"“'‘«][ ]?)?"
    r"(?P<value>[A-Za-z0-9]+(?:-[A-Za-z0-9]+){1,4})" + _TOKEN_END
)
_COURIER_WORDS = r"rider|courier|coursier|livreur|koerier|bezorger|driver|chauffeur|fahrer|kurier|partner"
_COURIER_ID = re.compile(
    rf"(?i:\b(?:(?:{_COURIER_WORDS})[ \-]?id|id[ \-]?(?:{_COURIER_WORDS}))\b)"
    r"[ \t]*(?:[:#(][ \t]*|n[°º][ \t]*|nr\.?[ \t]*|no\.?[ \t]*)?"
    r"(?P<value>[A-Za-z0-9](?:[A-Za-z0-9_.\-]{0,38}[A-Za-z0-9])?)" + _TOKEN_END
)
_PROFILE_NAME = re.compile(
    r"(?<![\w/.])(?i:profil|profiel|profile|perfil)(?![\w/.])"
    rf"(?:[ ](?i:{_PLATFORMS}))?"
    r"[ ](?P<value>[A-Z][^\W\d_]['’\-\w]*(?:[ ][A-Z0-9][\w'’\-]*){0,4})(?![\w'’\-])"
)
_PLATFORM_WORD = re.compile(rf"(?i:{_PLATFORMS}|{_AMBIGUOUS_PLATFORMS})")
# a platform or account word shortly before a naming phrase: "Zalo onder de naam ..."
_PLATFORM_BEFORE = re.compile(rf"(?i:\b(?:{_PLATFORMS}|{_ACCOUNT_WORDS})\b)[^.!?\n]{{0,25}}$")
_QUOTE_WINDOW = 70
_NOT_HANDLES = frozenset({"www", "http", "https", "com", "be", "the", "de", "le", "la", "het", "een"})


@register
class OnlineIdRecognizer(Recognizer):
    """URLs, handles, messenger IDs, ad pseudonyms and IP addresses."""

    name = "online_id"
    labels = (ONLINE_ID,)
    order = 45
    score = 0.85

    def find(self, doc: Document) -> Iterator[Span]:
        text = doc.text
        yield from self._urls(text)
        yield from self._bare_links(text)
        if "@" in text:
            for m in _HANDLE.finditer(text):
                yield Span(m.start(), m.end(), ONLINE_ID, self.score, self.name)
        for m in _IPV4.finditer(text):
            yield Span(m.start(), m.end(), ONLINE_ID, self.score, self.name)
        if "::" in text or text.count(":") >= 5:
            for m in _IPV6.finditer(text):
                try:
                    ipaddress.IPv6Address(m.group(0))
                except ValueError:
                    continue
                yield Span(m.start(), m.end(), ONLINE_ID, self.score, self.name)
        for m in _CONTEXT.finditer(text):
            tail = _COLON_AFTER.match(text, m.end()) or _HANDLE_AFTER.match(text, m.end())
            if tail is not None and self._handle_ok(tail.group("value")):
                start, end = tail.span("value")
                yield Span(start, end, ONLINE_ID, 0.8, self.name)
        if "«" in text or '"' in text or "“" in text:
            for m in _QUOTED.finditer(text):
                group = "a" if m.group("a") is not None else "b" if m.group("b") is not None else "c"
                value = m.group(group)
                start = m.start(group) + len(value) - len(value.lstrip())
                end = start + len(value.strip())
                if end <= start or value.count(" ") > 5 or not any(ch.isalnum() for ch in value):
                    continue
                if _QUOTE_CONTEXT.search(text, max(0, m.start() - _QUOTE_WINDOW), m.start()):
                    yield Span(start, end, ONLINE_ID, 0.75, self.name)
        yield from self._handle_shaped(text)
        yield from self._named(doc)

    def _handle_shaped(self, text: str) -> Iterator[Span]:
        """Handles recognised by their shape alone, with no platform word before them."""
        if "_" in text:
            for m in _UNDERSCORE_TOKEN.finditer(text):
                value = m.group(0)
                if any(ch.isalpha() for ch in value) and not _is_file_name(value):
                    yield Span(m.start(), m.end(), ONLINE_ID, 0.75, self.name)
        for m in _DOTTED_TOKEN.finditer(text):
            if _dotted_handle_ok(m.group(0)):
                yield Span(m.start(), m.end(), ONLINE_ID, 0.75, self.name)
        if "@" in text:
            for m in _LOGIN.finditer(text):
                yield Span(m.start(), m.end(), ONLINE_ID, 0.75, self.name)

    def _named(self, doc: Document) -> Iterator[Span]:
        """Names after a naming phrase, a username word, a courier-ID word or a profile word."""
        text = doc.text
        for m in _NAMING.finditer(text):
            value = m.group("value")
            shaped = _HANDLE_SHAPED.fullmatch(value) is not None
            if (
                (
                    shaped
                    or (m.group("q") and _PLATFORM_BEFORE.search(text, max(0, m.start() - 40), m.start()))
                )
                and self._handle_ok(value)
                and not _is_file_name(value)
            ):
                yield Span(m.start("value"), m.end("value"), ONLINE_ID, 0.75, self.name)
        for m in _HYPHEN_NAME.finditer(text):
            value = m.group("value")
            if any(ch.isupper() or ch.isdigit() for ch in value):
                yield Span(m.start("value"), m.end("value"), ONLINE_ID, 0.75, self.name)
        for m in _COURIER_ID.finditer(text):
            value = m.group("value")
            if sum(ch.isdigit() for ch in value) >= 3 and self._handle_ok(value):
                yield Span(m.start("value"), m.end("value"), ONLINE_ID, 0.8, self.name)
        for m in _PROFILE_NAME.finditer(text):
            start, end = m.span("value")
            if doc.lang_at(start) == "de":
                continue  # German nouns have capitals: "im Profil Fotos ihrer Kinder"
            words = m.group("value").split(" ")
            # two words at least ("the risk profile High" is no name) and no platform name
            if len(words) < 2 or _PLATFORM_WORD.fullmatch(words[0]):
                continue
            yield Span(start, end, ONLINE_ID, 0.7, self.name)

    @staticmethod
    def _handle_ok(value: str) -> bool:
        # not a word, and not the start of an IBAN or of a national number ("compte BE35 0003 ...")
        return value.lower() not in _NOT_HANDLES and _IBAN_START.fullmatch(value) is None

    def _urls(self, text: str) -> Iterator[Span]:
        for m in _SCHEME_URL.finditer(text):
            yield from self._trimmed(text, m.start(), m.end())

    def _bare_links(self, text: str) -> Iterator[Span]:
        for m in _SLASH.finditer(text):
            domain = _DOMAIN_BEFORE.search(text, max(0, m.start() - 80), m.start())
            if domain is None:
                continue
            path = _PATH.match(text, m.end())
            yield from self._trimmed(text, domain.start(), path.end() if path else m.end())

    def _trimmed(self, text: str, start: int, end: int) -> Iterator[Span]:
        while end > start and text[end - 1] in _TRAILING_PUNCT:
            end -= 1
        if end - start > 4:
            yield Span(start, end, ONLINE_ID, self.score, self.name)


def _is_file_name(value: str) -> bool:
    """``rapport_final.pdf``, ``IMG_2031``: a file, not a handle."""
    if "." in value and value.rsplit(".", 1)[1].lower() in _FILE_EXTENSIONS:
        return True
    return _FILE_NAME_HEADS.match(value) is not None


def _dotted_handle_ok(value: str) -> bool:
    """A lower-case dotted token that is a handle: ``patron.bxl1080``, ``hamza.wash.91``.

    Not a domain (``site123.be``), a file name, a version (``v1.2.3``), a law article (``art.77bis``)
    or an abbreviation with a number (``tel.0475``).
    """
    segments = value.split(".")
    if len(value) < 6 or not any(ch.isdigit() for ch in value):
        return False
    if segments[0] in _NOT_HANDLE_HEADS or segments[-1] in _TLD_SET or segments[-1] in _FILE_EXTENSIONS:
        return False
    if any(_LETTERS_DIGITS.fullmatch(seg) for seg in segments):
        return all(seg.isalpha() or _LETTERS_DIGITS.fullmatch(seg) or seg.isdigit() for seg in segments)
    # "hamza.wash.91": words, then a number
    return (
        len(segments) >= 3
        and segments[-1].isdigit()
        and len(segments[-1]) >= 2
        and all(seg.isalpha() and len(seg) >= 2 for seg in segments[:-1])
    )
