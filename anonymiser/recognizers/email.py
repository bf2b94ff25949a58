"""E-mail addresses.

The normaliser has already turned ``[at]``, ``(at)``, ``{dot}``, ``jan at gmail dot com`` and the like
into ``@`` and ``.``, so this recognizer only needs the plain form: a local part (letters, digits,
``. _ % + -``), ``@``, and a domain of one or more labels ending in an alphabetic top-level domain
(``jan.peeters+thb@mail.police.belgium.eu``). A single space on either side of the ``@`` is tolerated
(``jan . peeters @ gmail.com`` left behind by sloppy de-obfuscation) when the domain is dotted.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import ClassVar

from anonymiser.labels import EMAIL
from anonymiser.recognizers import register
from anonymiser.recognizers.base import Document, PatternRecognizer
from anonymiser.spans import Span

_LOCAL = r"[\w%+\-]+(?:\.[\w%+\-]+)*"
_DOMAIN = r"(?:[^\W_](?:[\w\-]{0,61}[^\W_])?\.)+[^\W\d_]{2,24}"
_EMAIL = re.compile(
    rf"(?<![\w.%+\-@])(?P<value>{_LOCAL}(?:@| @ ?|@ ){_DOMAIN})(?![\w\-@]|\.[^\W\d_])",
)
_COMMON_TLDS = frozenset(
    "com net org info biz eu be nl fr de lu uk ro bg pl it es pt ch at ma ng cn ru ua al md lt lv hu cz "
    "sk si hr rs gr tr in ph vn th br gov edu io me co".split()
)


@register
class EmailRecognizer(PatternRecognizer):
    """E-mail addresses in their (normalised) plain form."""

    name = "email"
    labels = (EMAIL,)
    order = 10
    score = 0.99
    patterns: ClassVar[tuple[re.Pattern[str], ...]] = (_EMAIL,)

    def find(self, doc: Document) -> Iterator[Span]:
        if "@" in doc.text:
            yield from super().find(doc)

    def accept(self, value: str, doc: Document, start: int, end: int) -> bool:
        if "@" in value.replace(" @", "").replace("@ ", ""):
            return True
        # "Instagram @dams.bxl" is a word and a handle, not "word @ domain": the spaced form needs a
        # common top-level domain.
        return value.rsplit(".", 1)[-1].lower() in _COMMON_TLDS
