"""Guessing how a delimited text export is written, from a sample of its first bytes: its encoding
(UTF-8 with or without BOM, else cp1252, else latin-1, as Belgian Excel exports come), its line
terminator and its delimiter (``;``, ``,`` or tab).
"""

from __future__ import annotations

import codecs
import csv
from dataclasses import dataclass
from typing import Final

from connectors.readers.base import FileRejected

DELIMITERS: Final = ";\t,"  # in order of preference when counting ties (Belgian Excel writes ';')
_SNIFF_LINES: Final = 50
_SNIFF_CHARS: Final = 64 * 1024
#: Codec names as messages spell them.
_DISPLAY: Final = {"iso8859-1": "latin-1", "utf-8": "utf-8", "cp1252": "cp1252"}


@dataclass(frozen=True, slots=True)
class Encoding:
    codec: str  # a Python codec name
    bom: int  # bytes of byte order mark at the start of the file
    detected: bool  # False: set by ReadOptions.encoding

    @property
    def label(self) -> str:
        return _DISPLAY.get(self.codec, self.codec)

    @property
    def origin(self) -> str:
        return "detected" if self.detected else "configured"


def detect_encoding(head: bytes, whole_file: bool, configured: str | None) -> Encoding:
    """The encoding of a text export: the configured one, or detected from ``head``.

    Only encodings in which ``\\n``, ``\\r``, quotes and the delimiters are single ASCII bytes are
    accepted, so lines can be cut before they are decoded (and a bad line costs only its record).
    """
    bom = len(codecs.BOM_UTF8) if head.startswith(codecs.BOM_UTF8) else 0
    if configured:
        try:
            codec = codecs.lookup(configured).name
        except LookupError:
            raise FileRejected(f"unknown encoding {configured!r} (ReadOptions.encoding)") from None
        if codec == "utf-8-sig":
            codec = "utf-8"
        probe = "\n\r;,\t\"'az09"
        try:
            ascii_compatible = probe.encode(codec) == probe.encode("ascii")
        except (UnicodeError, LookupError):
            ascii_compatible = False
        if not ascii_compatible:
            raise FileRejected(f"encoding {configured!r} is not supported: save the export as UTF-8")
        return Encoding(codec, bom if codec == "utf-8" else 0, detected=False)
    if bom:
        return Encoding("utf-8", bom, detected=True)
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=whole_file)
        return Encoding("utf-8", 0, detected=True)
    except UnicodeDecodeError:
        pass
    try:
        head.decode("cp1252")
        return Encoding("cp1252", 0, detected=True)
    except UnicodeDecodeError:
        return Encoding("iso8859-1", 0, detected=True)


def detect_terminator(head: bytes) -> bytes:
    """``\\n`` (also for ``\\r\\n``), or ``\\r`` for files whose lines end in CR only (old Mac)."""
    return b"\r" if b"\n" not in head and b"\r" in head else b"\n"


def detect_delimiter(sample: str, header_line: int) -> str:
    """The delimiter among ``;``, ``,`` and tab: :class:`csv.Sniffer` on the first lines from the
    header on, accepted only if the header line holds it; otherwise the one the header line holds most
    often (outside quotes); ``,`` if it holds none (a single column)."""
    lines = sample.splitlines(keepends=True)
    lines = lines[header_line - 1 : header_line - 1 + _SNIFF_LINES] or lines[:1]
    text = "".join(lines)[:_SNIFF_CHARS]
    header = next((line for line in lines if line.strip()), "")
    counts = _count_outside_quotes(header)
    try:
        sniffed = csv.Sniffer().sniff(text, delimiters=DELIMITERS).delimiter
    except csv.Error:
        sniffed = ""
    if sniffed and counts.get(sniffed, 0) > 0:
        return sniffed
    best = max(DELIMITERS, key=lambda d: (counts[d], -DELIMITERS.index(d)))
    return best if counts[best] else ","


def _count_outside_quotes(line: str) -> dict[str, int]:
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for char in line:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    return counts
