"""Undo obfuscation before detection, keeping a map from every normalised character to the original.

Recognizers only ever see :attr:`NormalisedText.text`; the spans they return are mapped back to the
original text with :meth:`NormalisedText.to_original`, so placeholders land on the exact original
characters (the zero-width space inside a phone number included).

What is undone:

* invisible characters (zero-width space/joiner/non-joiner, word joiner, soft hyphen, BOM) are removed;
* exotic spaces (no-break, narrow no-break, thin, ideographic, tabs) become a plain space;
* compatibility characters become their plain form (NFKC per character: full-width digits and
  letters, mathematical alphanumerics, superscript digits, ligatures);
* ``[at]``, ``(at)``, ``{at}``, ``(arobase)``, ``[dot]``, ``(punt)``... become ``@`` and ``.``, and so
  does ``name at domain dot com`` written out with bare words;
* runs of spelled-out digits in Dutch, French, English and German ("nul vier zeven vijf") become digits.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

_INVISIBLE = frozenset("\u200b\u200c\u200d\u2060\u00ad\ufeff\u180e\u2061\u2062\u2063\u2064")
# Look-alike hyphens and dots become the plain ones ("1‑KPR‑446", "0484‧19‧27‧60"); en and em
# dashes stay, they separate parts of a sentence.
_PLAIN = {
    "\u2010": "-",
    "\u2011": "-",
    "\u2012": "-",
    "\u2212": "-",
    "\ufe63": "-",
    "\u2027": ".",
    "\u00b7": ".",
    "\u2219": ".",
}
_SPACES = frozenset("\u00a0\u202f\u2007\u2009\u200a\u2002\u2003\u2004\u2005\u2006\u2008\u3000\t\u205f")

_OPEN = r"[\[\(\{<]"
_CLOSE = r"[\]\)\}>]"
_AT_WORD = r"(?:at|AT|At|arobase|apenstaartje|apestaart|klammeraffe|ät)"
_DOT_WORD = r"(?:dot|DOT|Dot|punt|point|punkt|Punkt)"
_BRACKETED_AT = re.compile(rf"\s?{_OPEN}\s?(?:{_AT_WORD}|@)\s?{_CLOSE}\s?")
_BRACKETED_DOT = re.compile(rf"\s?{_OPEN}\s?(?:{_DOT_WORD}|\.)\s?{_CLOSE}\s?")
# "jan.peeters at gmail dot com": only where a dotted domain follows, so "at home" is left alone.
_BARE_EMAIL = re.compile(
    rf"(?<![\w.@])([\w.+-]+)\s+{_AT_WORD}\s+([\w-]+)((?:\s+{_DOT_WORD}\s+[\w-]+)+)(?![\w])"
)
_BARE_DOT = re.compile(rf"\s+{_DOT_WORD}\s+")

DIGIT_WORDS: dict[str, str] = {
    # Dutch
    "nul": "0", "een": "1", "één": "1", "twee": "2", "drie": "3", "vier": "4", "vijf": "5",
    "zes": "6", "zeven": "7", "acht": "8", "negen": "9",
    # French
    "zéro": "0", "zero": "0", "un": "1", "deux": "2", "trois": "3", "quatre": "4", "cinq": "5",
    "six": "6", "sept": "7", "huit": "8", "neuf": "9",
    # English
    "oh": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5",
    "seven": "7", "eight": "8", "nine": "9",
    # German
    "null": "0", "eins": "1", "zwei": "2", "zwo": "2", "drei": "3", "fünf": "5", "sechs": "6",
    "sieben": "7", "neun": "9",
}  # fmt: skip
_DIGIT_WORD_RE = "|".join(sorted((re.escape(w) for w in DIGIT_WORDS), key=len, reverse=True))
_NUMBER_TOKEN = rf"(?:(?:{_DIGIT_WORD_RE})(?![\w])|\d+)"
# At least four number tokens in a row, of which at least two are words: "zero four seven five",
# "0475 een twee drie", but not "zeven dagen" or "drie vrouwen".
_SPELLED_RUN = re.compile(
    rf"(?<![\w])(?i:(?:plus[\s,]+)?{_NUMBER_TOKEN}(?:[\s,.\-/]{{1,3}}{_NUMBER_TOKEN}){{3,}})",
)
_PLUS_WORD = re.compile(r"(?i)plus[\s,]+")
_Replacer = Callable[[re.Match[str]], list[tuple[str, tuple[int, int]]]]
_WORD_TOKEN = re.compile(rf"(?i:(?:{_DIGIT_WORD_RE})(?![\w]))|\d+")


@dataclass(frozen=True, slots=True)
class NormalisedText:
    """The normalised text and, per normalised character, the original range it came from."""

    original: str
    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map the normalised range ``[start, end)`` onto the original text."""
        if not self.text:
            return (0, 0)
        start = min(max(start, 0), len(self.text) - 1)
        end = min(max(end, start + 1), len(self.text))
        return self.starts[start], self.ends[end - 1]


class _Builder:
    __slots__ = ("chars", "ends", "starts")

    def __init__(self) -> None:
        self.chars: list[str] = []
        self.starts: list[int] = []
        self.ends: list[int] = []

    def emit(self, text: str, start: int, end: int) -> None:
        for ch in text:
            self.chars.append(ch)
            self.starts.append(start)
            self.ends.append(end)


_NEEDS_CHAR_PASS = re.compile(r"[^\x00-\x7f]|\t")


def _identity(original: str) -> NormalisedText:
    n = len(original)
    return NormalisedText(original, original, tuple(range(n)), tuple(range(1, n + 1)))


def _char_pass(original: str) -> NormalisedText:
    """Invisible characters, exotic spaces and compatibility forms; plain ASCII is copied in slices."""
    if not _NEEDS_CHAR_PASS.search(original):
        return _identity(original)
    pieces: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    pos = 0
    for m in _NEEDS_CHAR_PASS.finditer(original):
        i = m.start()
        if i > pos:
            pieces.append(original[pos:i])
            starts.extend(range(pos, i))
            ends.extend(range(pos + 1, i + 1))
        pos = i + 1
        ch = original[i]
        if ch in _INVISIBLE:
            continue
        if ch in _SPACES:
            plain = " "
        elif ch in _PLAIN:
            plain = _PLAIN[ch]
        else:
            plain = unicodedata.normalize("NFKC", ch)
            if not plain or plain.isspace() or unicodedata.category(ch) == "Mn":
                plain = ch
        pieces.append(plain)
        starts.extend([i] * len(plain))
        ends.extend([i + 1] * len(plain))
    if pos < len(original):
        pieces.append(original[pos:])
        starts.extend(range(pos, len(original)))
        ends.extend(range(pos + 1, len(original) + 1))
    return NormalisedText(original, "".join(pieces), tuple(starts), tuple(ends))


def _rewrite(prev: NormalisedText, pattern: re.Pattern[str], replace: _Replacer) -> NormalisedText:
    """Apply a regex rewrite to an already normalised text, composing the offset maps."""
    text = prev.text
    out = _Builder()
    pos = 0
    for m in pattern.finditer(text):
        for j in range(pos, m.start()):
            out.emit(text[j], prev.starts[j], prev.ends[j])
        for piece, (s, e) in replace(m):
            # piece came from normalised range [s, e) of the previous text
            if s < e:
                out.emit(piece, prev.starts[s], prev.ends[e - 1])
        pos = m.end()
    if pos == 0 and not out.chars:
        return prev
    for j in range(pos, len(text)):
        out.emit(text[j], prev.starts[j], prev.ends[j])
    return NormalisedText(prev.original, "".join(out.chars), tuple(out.starts), tuple(out.ends))


def _whole(sub: str) -> _Replacer:
    def replace(m: re.Match[str]) -> list[tuple[str, tuple[int, int]]]:
        return [(sub, (m.start(), m.end()))]

    return replace


def _bare_email(m: re.Match[str]) -> list[tuple[str, tuple[int, int]]]:
    pieces: list[tuple[str, tuple[int, int]]] = [(m.group(1), m.span(1))]
    at_start, at_end = m.end(1), m.start(2)
    pieces.append(("@", (at_start, at_end)))
    pieces.append((m.group(2), m.span(2)))
    tail_start = m.start(3)
    tail = m.group(3)
    pos = 0
    for d in _BARE_DOT.finditer(tail):
        if d.start() > pos:
            pieces.append((tail[pos : d.start()], (tail_start + pos, tail_start + d.start())))
        pieces.append((".", (tail_start + d.start(), tail_start + d.end())))
        pos = d.end()
    pieces.append((tail[pos:], (tail_start + pos, tail_start + len(tail))))
    return [(text, span) for text, span in pieces if text]


def _spelled_digits(m: re.Match[str]) -> list[tuple[str, tuple[int, int]]]:
    plus = _PLUS_WORD.match(m.group(0))
    body_start = plus.end() if plus else 0
    tokens = list(_WORD_TOKEN.finditer(m.group(0), body_start))
    if sum(1 for t in tokens if not t.group(0).isdigit()) < 2:
        # not a spelled-out number after all: every character stays mapped to itself
        return [(ch, (m.start() + i, m.start() + i + 1)) for i, ch in enumerate(m.group(0))]
    base = m.start()
    pieces: list[tuple[str, tuple[int, int]]] = []
    if plus:  # "plus three two ..." is an international number: "+32..."
        pieces.append(("+", (base, base + plus.end())))
    prev_end: int | None = None
    prev_literal = False
    for t in tokens:
        word = t.group(0)
        literal = word.isdigit()
        if prev_end is not None and (literal or prev_literal):
            # keep the original separator next to digits written as digits ("0475 een twee")
            sep = m.group(0)[prev_end : t.start()]
            pieces.append((sep, (base + prev_end, base + t.start())))
        digits = word if literal else DIGIT_WORDS[word.lower()]
        pieces.append((digits, (base + t.start(), base + t.end())))
        prev_end, prev_literal = t.end(), literal
    return [(text, span) for text, span in pieces if text]


_SPACE_RUN = re.compile(r"(?<=\S) {2,}(?=\S)")

_REWRITES: tuple[tuple[re.Pattern[str], _Replacer], ...] = (
    (_SPACE_RUN, _whole(" ")),
    (_BRACKETED_AT, _whole("@")),
    (_BRACKETED_DOT, _whole(".")),
    (_BARE_EMAIL, _bare_email),
    (_SPELLED_RUN, _spelled_digits),
)


def normalise(original: str) -> NormalisedText:
    """Normalise ``original`` for detection; see the module docstring for what is undone."""
    result = _char_pass(original)
    for pattern, replace in _REWRITES:
        result = _rewrite(result, pattern, replace)
    return result
