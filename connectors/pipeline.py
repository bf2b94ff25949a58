"""Partner-side processing of one export: read -> map -> anonymise -> check -> outbox.

Rows are streamed: a row is read, mapped to a :class:`~anonymiser.RawCase`, anonymised, checked with
:func:`anonymiser.verify` and its anonymous record buffered for the next batch; nothing raw is kept
after the row (the raw values live only in memory, for the time of that row). Memory is bounded by
one batch of anonymous records plus the record keys already seen in the file (32 bytes a row).

Every problem becomes a row error (file, row, field, reason) or refuses the file as a whole
(:class:`FileRefused`); the :class:`Report` holds counts, row numbers, field names, reasons and
entity types, never a value.

Columns: before any row is used, the export's columns are checked against the mapping
(:meth:`Mapping.check_columns`). For CSV and XLSX the first row carries the header; for XML and JSON,
where an absent element is how an empty value is written, the whole file is scanned once for the
names it uses, and only a name the mapping does not know refuses it.

Columns the mapping declares ``personal`` without mapping them to a field (a birthplace, a vehicle, a
bank account, the officer's name) do not leave, and their values are also searched in the record's
scrubbed narrative, as the anonymiser does for the record's own fields: each occurrence (whole
words, case ignored, 4 characters or more) becomes a typed placeholder, the type the detector gives
the value on its own, else ``[IDENTIFIER]`` for a value with a digit and ``[ADDRESS]`` for one
without (in practice a place). The report counts them with the record's own values found.

Resumption: :func:`process_into_outbox` records, with every batch it stores, how many items of the
file (rows and row errors) that batch covers. Run again on the same file (same content, same mapping,
same secret) after a crash, it skips those items and goes on; run again after the file was
completely queued, it queues nothing new. A record key seen twice in one file is sent once (the
first row; the later one is a row error), as the Centre does within one batch.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import hmac
import re
import secrets
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from collections.abc import Mapping as MappingABC
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from anonymiser import AnonymisationReport, AnonymousCase, RawCase, anonymise, detect
from anonymiser.keys import KeyDerivationError, record_key
from anonymiser.labels import ADDRESS, ALL_LABELS, IDENTIFIER, PRIORITY, placeholder
from anonymiser.records import RecordError
from connectors.mapping import TABULAR_FORMATS, Mapping
from connectors.outbox import QUEUED, BatchWriter, Outbox, RefusedRecord, checked_payload
from connectors.readers import FileRejected, ReadOptions, Row, RowError, reader_for

#: Row errors listed one by one in a report; beyond, they are only counted (by reason).
MAX_LISTED_ERRORS: Final = 1000
#: Shortest value of an unmapped personal column searched in the narrative.
MIN_VALUE_CHARS: Final = 4
_PLACEHOLDER: Final = re.compile("|".join(re.escape(placeholder(label)) for label in ALL_LABELS))
DUPLICATE_REASON: Final = "the same record id as an earlier row: only the first one is sent"
_CHUNK: Final = 1024 * 1024


class FileRefused(Exception):
    """The file as a whole cannot be processed; the message says which file and why (no value)."""


class Interrupted(Exception):
    """Processing stopped on request (SIGTERM); what was queued stays, the rest is read next time."""


# -- the report -----------------------------------------------------------------------------------


@dataclass
class Report:
    """What happened to one export: counts, row errors (row, field, reason), entity counts."""

    file: str
    partner: str
    rows_read: int = 0
    anonymised: int = 0
    error_count: int = 0
    row_errors: list[dict[str, object]] = field(default_factory=list)
    errors_by_reason: Counter[str] = field(default_factory=Counter)
    entity_counts: Counter[str] = field(default_factory=Counter)
    known_value_counts: Counter[str] = field(default_factory=Counter)
    issues: Counter[str] = field(default_factory=Counter)
    refused: str | None = None
    batches: list[str] = field(default_factory=list)
    resumed_after: int = 0
    already_queued: bool = False

    def add_error(self, error: RowError) -> None:
        self.error_count += 1
        self.errors_by_reason[_reason_key(error)] += 1
        if len(self.row_errors) < MAX_LISTED_ERRORS:
            self.row_errors.append({"row": error.row, "field": error.field, "reason": error.reason})

    def add_anonymised(self, report: AnonymisationReport, column_values: MappingABC[str, int]) -> None:
        self.anonymised += 1
        self.entity_counts.update(report.entity_counts)
        self.known_value_counts.update(report.known_value_counts)
        self.known_value_counts.update(column_values)
        self.issues.update(f"{issue.field}: {issue.problem}" for issue in report.issues)

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "partner": self.partner,
            "rows_read": self.rows_read,
            "anonymised": self.anonymised,
            "row_errors_total": self.error_count,
            "errors_by_reason": dict(sorted(self.errors_by_reason.items())),
            "entity_counts": dict(sorted(self.entity_counts.items())),
            "known_value_counts": dict(sorted(self.known_value_counts.items())),
            "issues": dict(sorted(self.issues.items())),
            "refused": self.refused,
            "batches": list(self.batches),
            "resumed_after_items": self.resumed_after,
            "already_queued": self.already_queued,
            "row_errors": list(self.row_errors),
            "row_errors_listed": len(self.row_errors),
        }

    def state(self) -> dict[str, Any]:
        """What is kept in the outbox with the file's progress (the batches are kept there anyway)."""
        out = self.to_dict()
        del out["batches"]
        return out

    @classmethod
    def from_state(cls, file: str, partner: str, state: dict[str, Any]) -> Report:
        return cls(
            file=file,
            partner=partner,
            rows_read=int(state.get("rows_read", 0)),
            anonymised=int(state.get("anonymised", 0)),
            error_count=int(state.get("row_errors_total", 0)),
            row_errors=list(state.get("row_errors", [])),
            errors_by_reason=Counter(state.get("errors_by_reason", {})),
            entity_counts=Counter(state.get("entity_counts", {})),
            known_value_counts=Counter(state.get("known_value_counts", {})),
            issues=Counter(state.get("issues", {})),
            refused=state.get("refused"),
        )

    def summary(self) -> str:
        parts = [f"{self.file}: {self.rows_read} rows read, {self.anonymised} anonymised"]
        if self.error_count:
            parts.append(f"{self.error_count} row errors")
        if self.refused:
            parts.append(f"refused: {self.refused}")
        return ", ".join(parts)


def _reason_key(error: RowError) -> str:
    return f"{error.field}: {error.reason}" if error.field else error.reason


# -- one file, streamed ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Anonymised:
    position: int  # items of the file consumed, this one included
    row: int
    case: AnonymousCase
    report: AnonymisationReport
    column_values: MappingABC[str, int] = field(default_factory=dict)  # label -> occurrences scrubbed


def _placeholders(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _PLACEHOLDER.finditer(text)]


def _label_of(value: str) -> str:
    """The type of a personal value the narrative still holds: what the detector calls it on its
    own, else IDENTIFIER (with a digit) or ADDRESS (without: in practice a place)."""
    try:
        spans = detect(value)
    except Exception:
        spans = []
    covering = [s for s in spans if (s.end - s.start) * 2 >= len(value)]
    if covering:
        return min(covering, key=lambda s: PRIORITY.get(s.label, len(PRIORITY))).label
    return IDENTIFIER if any(c.isdigit() for c in value) else ADDRESS


def scrub_values(text: str, values: Iterable[str]) -> tuple[str, Counter[str]]:
    """Replace every occurrence of ``values`` in ``text`` (whole words, case and spacing ignored,
    outside placeholders) with a typed placeholder; the counts by type."""
    counts: Counter[str] = Counter()
    for value in sorted({" ".join(v.split()) for v in values}, key=len, reverse=True):
        if len(value) < MIN_VALUE_CHARS:
            continue
        pattern = re.compile(
            r"(?<!\w)" + r"\s+".join(re.escape(w) for w in value.split()) + r"(?!\w)", re.IGNORECASE
        )
        holders = _placeholders(text)
        hits = [
            m
            for m in pattern.finditer(text)
            if not any(start < m.end() and m.start() < end for start, end in holders)
        ]
        if not hits:
            continue
        label = _label_of(value)
        for m in reversed(hits):
            text = text[: m.start()] + placeholder(label) + text[m.end() :]
        counts[label] += len(hits)
    return text, counts


def file_id(path: Path, mapping: Mapping, secret: bytes) -> str:
    """An opaque id of (file content, mapping, partner, secret), kept only in the local outbox."""
    digest = hashlib.sha256(b"ciateh-connector/file/v1\x00")
    digest.update(mapping.partner.encode("utf-8") + b"\x00")
    try:
        digest.update(hashlib.sha256(mapping.path.read_bytes()).digest())
    except OSError:
        digest.update(repr(sorted(mapping.rules)).encode("utf-8"))
    digest.update(hmac.new(secret, b"ciateh-connector/secret-id", hashlib.sha256).digest())
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(_CHUNK):
                digest.update(chunk)
    except OSError as exc:
        raise FileRefused(f"{path.name}: cannot be read ({exc.strerror})") from None
    return digest.hexdigest()


class FileProcessor:
    """Streams one export through the mapping and the anonymiser."""

    def __init__(
        self,
        path: Path,
        mapping: Mapping,
        secret: bytes,
        *,
        report: Report | None = None,
        max_bytes: int | None = None,
        stop: threading.Event | None = None,
    ) -> None:
        self.path = path
        self.name = path.name
        self.mapping = mapping
        self.secret = secret
        self.options: ReadOptions = mapping.read_options(max_bytes)
        self.report = report or Report(self.name, mapping.partner)
        self.stop = stop
        self.position = 0
        self._seen: dict[bytes, int] = {}
        self._unmapped_personal = sorted(mapping.personal - mapping.mapped_columns)

    def _rows(self) -> Iterator[Row | RowError]:
        try:
            reader = reader_for(self.path, self.mapping.format)
            yield from reader.rows(self.path, self.options)
        except FileRejected as exc:
            raise FileRefused(str(exc)) from None
        except OSError as exc:
            raise FileRefused(f"{self.name}: cannot be read ({exc.strerror or type(exc).__name__})") from None
        except Exception as exc:  # a reader's bug must not print a value: its type only
            raise FileRefused(f"{self.name}: cannot be read ({type(exc).__name__})") from None

    def check_columns(self) -> None:
        """Refuse the file when its columns do not fit the mapping (see the module docstring)."""
        problems: list[str] = []
        if self.mapping.format in TABULAR_FORMATS:
            for item in self._rows():
                if isinstance(item, Row):
                    problems = self.mapping.check_columns(list(item.fields))
                    break
        else:
            names: set[str] = set()
            rows = 0
            try:
                for item in self._rows():
                    if isinstance(item, Row):
                        rows += 1
                        names.update(item.fields)
            except FileRefused:
                if not rows:
                    raise
                # broken part-way: the reading pass sends the rows before the break, then says why
            # an absent element is an empty value: only names the mapping does not know matter
            problems = self.mapping.check_columns([*sorted(names), *sorted(self.mapping.mapped_columns)])
        if problems:
            more = f" (and {len(problems) - 1} more problem(s))" if len(problems) > 1 else ""
            raise FileRefused(f"{problems[0]}{more}")

    def records(self, skip: int = 0) -> Iterator[Anonymised]:
        """Anonymised records in file order; row errors go to the report. The first ``skip`` items
        were handled by an earlier run: only their record keys are taken again (for duplicates).
        ``position`` counts the items (rows and row errors) handled, skipped ones included."""
        for item in self._rows():
            if self.position < skip:
                self.position += 1
                if isinstance(item, Row):
                    self._remember(item)
                continue
            if self.stop is not None and self.stop.is_set():
                raise Interrupted(f"{self.name}: stopped after {self.position} rows")
            self.position += 1
            self.report.rows_read += 1
            if isinstance(item, RowError):
                self.report.add_error(item)
                continue
            done = self._one(item, self.position)
            if isinstance(done, RowError):
                self.report.add_error(done)
            else:
                yield done

    def _remember(self, row: Row) -> None:
        raw = self.mapping.apply(row, self.name)
        if isinstance(raw, RawCase):
            with contextlib.suppress(Exception):  # a bad id was a row error the first time too
                key = bytes.fromhex(record_key(raw.partner_record_id, self.secret))
                self._seen.setdefault(key, row.number)

    def _one(self, row: Row, position: int) -> Anonymised | RowError:
        try:
            raw = self.mapping.apply(row, self.name)
        except Exception as exc:  # never let a mapping bug print a value
            return RowError(self.name, row.number, None, f"row cannot be mapped ({type(exc).__name__})")
        if isinstance(raw, RowError):
            return raw
        try:
            key = bytes.fromhex(record_key(raw.partner_record_id, self.secret))
        except KeyDerivationError as exc:
            return RowError(self.name, row.number, "partner_record_id", str(exc))
        first = self._seen.get(key)
        if first is not None:
            return RowError(self.name, row.number, "partner_record_id", f"{DUPLICATE_REASON} (row {first})")
        try:
            case, areport = anonymise(raw, self.secret)
        except RecordError as exc:
            return RowError(self.name, row.number, exc.field, exc.problem)
        except KeyDerivationError as exc:
            return RowError(self.name, row.number, None, str(exc))
        except Exception as exc:  # type only: an exception's text may quote a value
            return RowError(
                self.name, row.number, None, f"record cannot be anonymised ({type(exc).__name__})"
            )
        self._seen[key] = row.number
        found: Counter[str] = Counter()
        if case.narrative and self._unmapped_personal:
            narrative, found = scrub_values(case.narrative, self._column_values(row))
            if found:
                case = dataclasses.replace(case, narrative=narrative)
        return Anonymised(position, row.number, case, areport, found)

    def _column_values(self, row: Row) -> list[str]:
        values: list[str] = []
        for column in self._unmapped_personal:
            value = row.fields.get(column)
            if value:
                values.append(value)
                values.extend(part for part in value.split("|") if part.strip())
        return values


def _refusal(exc: RefusedRecord) -> tuple[str | None, str]:
    fields = sorted({f for f, _ in exc.findings})
    return (fields[0] if len(fields) == 1 else None), str(exc)


# -- into the outbox ------------------------------------------------------------------------------


def process_into_outbox(
    path: Path,
    mapping: Mapping,
    secret: bytes,
    outbox: Outbox,
    *,
    batch_records: int,
    batch_bytes: int,
    max_bytes: int | None = None,
    again: bool = False,
    stop: threading.Event | None = None,
    on_batch: Callable[[str], None] | None = None,
) -> Report:
    """Read, anonymise and queue one export (resuming an interrupted run of the same file)."""
    fid = file_id(path, mapping, secret)
    if again:
        outbox.forget_file(fid)
    fresh = Report(path.name, mapping.partner)
    progress = outbox.start_file(fid, mapping.partner, fresh.state())
    report = Report.from_state(path.name, mapping.partner, progress.report)
    if progress.state == QUEUED:
        report.already_queued = True
        report.batches = [b.batch_id for b in outbox.batches(file_id=fid)]
        return report
    report.resumed_after = progress.items_done
    processor = FileProcessor(path, mapping, secret, report=report, max_bytes=max_bytes, stop=stop)
    writer = BatchWriter(outbox, mapping.partner, fid, max_records=batch_records, max_bytes=batch_bytes)

    def stored(batch_id: str | None) -> None:
        if batch_id is not None and on_batch is not None:
            on_batch(batch_id)

    try:
        if progress.items_done == 0:
            processor.check_columns()
        for item in processor.records(skip=progress.items_done):
            try:
                writer.add(item.case)
            except RefusedRecord as exc:
                where, why = _refusal(exc)
                report.add_error(RowError(processor.name, item.row, where, why))
                continue
            report.add_anonymised(item.report, item.column_values)
            if writer.full():
                stored(writer.flush(processor.position, report.state()))
    except FileRefused as exc:
        report.refused = str(exc)
        stored(writer.finish(processor.position, report.state()))
    except Interrupted:
        if writer.buffered:
            stored(writer.flush(processor.position, report.state()))
        raise
    else:
        stored(writer.finish(processor.position, report.state()))
    report.batches = [b.batch_id for b in outbox.batches(file_id=fid)]
    return report


# -- preview --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PreviewRecord:
    row: int
    record: dict[str, object]
    entity_counts: dict[str, int]


def preview(
    path: Path,
    mapping: Mapping,
    secret: bytes | None = None,
    *,
    limit: int = 5,
    max_rows: int | None = None,
    max_bytes: int | None = None,
) -> tuple[Report, list[PreviewRecord]]:
    """What would leave the partner, without writing or sending anything: the first ``limit``
    anonymous records and the report of the rows read (all, or the first ``max_rows``). Without a
    secret the record keys are computed under a throwaway one."""
    key = secret if secret is not None else secrets.token_bytes(32)
    processor = FileProcessor(path, mapping, key, max_bytes=max_bytes)
    report = processor.report
    shown: list[PreviewRecord] = []
    try:
        processor.check_columns()
        for item in processor.records():
            try:
                payload = checked_payload(item.case)
            except RefusedRecord as exc:
                where, why = _refusal(exc)
                report.add_error(RowError(processor.name, item.row, where, why))
            else:
                report.add_anonymised(item.report, item.column_values)
                if len(shown) < limit:
                    shown.append(PreviewRecord(item.row, payload, dict(item.report.entity_counts)))
            if max_rows is not None and report.rows_read >= max_rows:
                break
    except FileRefused as exc:
        report.refused = str(exc)
    return report, shown
