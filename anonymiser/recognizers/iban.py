"""International bank account numbers (IBAN), any country, validated with ``stdnum.iban``.

A candidate is a country code, two check digits and groups of letters and digits, written compact
(``BE27751577143673``) or grouped, the groups apart by one or two spaces, a dash or a dot
(``BE27 7515 7714 3673``, ``ES45  8993  0272 ...``, ``be27-7515-7714-3673``). Groups that
follow the number in the text ("... 3673 en ...") are trimmed off: the longest prefix made of whole
groups whose ISO 7064 mod 97-10 check and national structure validate is the IBAN. Of the country-specific
national checks only the Belgian account check digits are required (foreign banks' internal keys vary
too much).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

from stdnum import iban

from anonymiser.labels import IBAN
from anonymiser.recognizers import register
from anonymiser.recognizers.base import Document, Recognizer
from anonymiser.spans import Span

_CANDIDATE = re.compile(
    r"(?<![0-9])(?P<cc>[A-Za-z]{2})[ ]{0,2}\d{2}"
    r"(?:(?:[ ]{1,2}|[\-.]|(?<=[0-9]{2}))[A-Za-z0-9]{1,30}){1,12}(?![A-Za-z0-9])"
)
_GROUP = re.compile(r"[A-Za-z0-9]+")
_BBAN_PART = re.compile(r"(\d+)!?[nace]")


@cache
def _iban_length(country: str) -> int:
    """The length of an IBAN of ``country`` (0 for an unknown country), from stdnum's registry."""
    info = iban._ibandb.info(country)
    bban = info[0][1].get("bban", "") if info and info[0][1] else ""
    return 4 + sum(int(n) for n in _BBAN_PART.findall(bban)) if bban else 0


def _valid(compact: str) -> bool:
    try:
        iban.validate(compact, check_country=False)
    except Exception:
        return False
    if compact.startswith("BE"):
        # the Belgian account check digits (stdnum.be.iban also wants the bank code in its
        # registry, which lags behind new banks)
        return compact[-2:] == f"{int(compact[4:14]) % 97 or 97:02d}"
    return True


@register
class IbanRecognizer(Recognizer):
    """IBANs of any country, grouped or compact, upper or lower case."""

    name = "iban"
    labels = (IBAN,)
    order = 15
    score = 0.99

    def find(self, doc: Document) -> Iterator[Span]:
        text = doc.text
        pos = 0
        while (m := _CANDIDATE.search(text, pos)) is not None:
            length = _iban_length(m.group("cc").upper())
            if not length or m.end() - m.start() < length:
                pos = m.start() + 1
                continue
            groups = [(g.start() + m.start(), g.end() + m.start()) for g in _GROUP.finditer(m.group(0))]
            # by default look for the next IBAN from the second group on ("... 6289 et BE63 0018 ...")
            pos = groups[1][0] if len(groups) > 1 and groups[0][1] - groups[0][0] == 2 else m.start() + 2
            for k in range(len(groups), 0, -1):
                end = groups[k - 1][1]
                size = sum(b - a for a, b in groups[:k])
                if size < length:
                    break
                if size == length and _valid("".join(text[a:b] for a, b in groups[:k]).upper()):
                    yield Span(m.start(), end, IBAN, self.score, self.name)
                    pos = end
                    break
