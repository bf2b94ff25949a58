"""Inspecting an XLSX (a zip archive) *before* anything inflates it: number of members, total
uncompressed size, compression ratio, encryption. A zip bomb is refused here, with the numbers.

The check reads the end-of-central-directory record itself first, so an archive that claims a
huge number of members is refused before :mod:`zipfile` builds a list of them. The sizes checked
are the ones the central directory declares; that is enough because :mod:`zipfile` (which openpyxl
reads through) never inflates a member beyond its declared size: a member that inflates further
fails its CRC check and the workbook is refused as corrupt.
"""

from __future__ import annotations

import struct
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from typing import BinaryIO, Final

from connectors.readers._files import MIB, int_option, size_text
from connectors.readers.base import FileRejected

DEFAULT_MAX_UNCOMPRESSED: Final = 200 * MIB
DEFAULT_MAX_RATIO: Final = 100
DEFAULT_RATIO_MIN_MEMBER: Final = 1 * MIB
DEFAULT_MAX_MEMBERS: Final = 10_000

_EOCD: Final = b"PK\x05\x06"
_EOCD_SIZE: Final = 22
_MAX_COMMENT: Final = 0xFFFF


@dataclass(frozen=True, slots=True)
class ZipLimits:
    max_uncompressed: int = DEFAULT_MAX_UNCOMPRESSED
    max_ratio: int = DEFAULT_MAX_RATIO
    ratio_min_member: int = DEFAULT_RATIO_MIN_MEMBER
    max_members: int = DEFAULT_MAX_MEMBERS

    @classmethod
    def from_extra(cls, extra: Mapping[str, str]) -> ZipLimits:
        """``extra`` keys: ``max_uncompressed_bytes``, ``max_compression_ratio``,
        ``ratio_min_member_bytes``, ``max_zip_members``."""
        return cls(
            int_option(extra, "max_uncompressed_bytes", DEFAULT_MAX_UNCOMPRESSED),
            int_option(extra, "max_compression_ratio", DEFAULT_MAX_RATIO),
            int_option(extra, "ratio_min_member_bytes", DEFAULT_RATIO_MIN_MEMBER, minimum=0),
            int_option(extra, "max_zip_members", DEFAULT_MAX_MEMBERS),
        )


def check_zip(raw: BinaryIO, size: int, name: str, limits: ZipLimits) -> None:
    """Refuse (:class:`FileRejected`) an archive that is corrupt, encrypted or would inflate beyond
    the limits. Member names are never quoted (a stray archive may name a file after a person)."""
    _check_directory_record(raw, size, name, limits)
    raw.seek(0)
    try:
        with zipfile.ZipFile(raw) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise FileRejected(f"{name}: not an XLSX workbook: a corrupt zip archive") from None
    if len(members) > limits.max_members:
        raise FileRejected(_too_many(name, len(members), limits))
    total = 0
    for member in members:
        if member.flag_bits & 0x1:
            raise FileRejected(f"{name}: the archive is encrypted")
        if member.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise FileRejected(f"{name}: the archive uses a compression method XLSX does not use")
        total += member.file_size
        if total > limits.max_uncompressed:
            raise FileRejected(
                f"{name}: the archive would inflate to more than {size_text(limits.max_uncompressed)} "
                "(a zip bomb?); refused before opening"
            )
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > limits.ratio_min_member and ratio > limits.max_ratio:
            raise FileRejected(
                f"{name}: a member of the archive inflates {ratio:,.0f}:1 to {size_text(member.file_size)}, "
                f"over the limit of {limits.max_ratio}:1 (a zip bomb?); refused before opening"
            )
    if not any(member.filename == "[Content_Types].xml" for member in members):
        raise FileRejected(f"{name}: a zip archive, but not an XLSX workbook (no [Content_Types].xml)")


def _check_directory_record(raw: BinaryIO, size: int, name: str, limits: ZipLimits) -> None:
    """Read the member count from the end-of-central-directory record, without zipfile."""
    tail_size = min(size, _EOCD_SIZE + _MAX_COMMENT)
    raw.seek(size - tail_size)
    tail = raw.read(tail_size)
    at = tail.rfind(_EOCD)
    if at < 0 or len(tail) - at < _EOCD_SIZE:
        raise FileRejected(f"{name}: not an XLSX workbook: a corrupt zip archive (no central directory)")
    _, _, _, entries, directory_size, offset, _ = struct.unpack("<4HIIH", tail[at + 4 : at + _EOCD_SIZE])
    if entries == 0xFFFF or 0xFFFFFFFF in (directory_size, offset):
        raise FileRejected(f"{name}: a ZIP64 archive (over 65,535 members or 4 GiB) is not accepted as XLSX")
    if entries > limits.max_members:
        raise FileRejected(_too_many(name, entries, limits))


def _too_many(name: str, members: int, limits: ZipLimits) -> str:
    return f"{name}: the archive has {members:,} members, over the limit of {limits.max_members:,}"
