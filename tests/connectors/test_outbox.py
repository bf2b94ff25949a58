"""The outbox: durable, anonymous only, a batch id before the first send, exactly-once bookkeeping;
and the pipeline that fills it (streamed, resumable, checked record by record)."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from anonymiser import AnonymousCase, RawCase, anonymise
from connectors.mapping import Mapping, load_mapping
from connectors.outbox import (
    BATCH_ID_RE,
    FAILED,
    PENDING,
    SENT,
    BatchWriter,
    Outbox,
    RefusedRecord,
    checked_payload,
    encode_record,
)
from connectors.pipeline import Interrupted, preview, process_into_outbox

SECRET = b"s" * 32
# Synthetic personal values planted in the export below: none may reach the outbox.
PERSONAL = [
    "NGUYEN",
    "Thi Hoa",
    "0486 33 71 09",
    "94.07.21-183.46",
    "hoa.nguyen@example.com",
    "Kerkstraat 212",
    "PEETERS",
    "Marijke",
    "AN-2025-0001",
]
MAPPING = """\
partner: test-partner
format: csv
read: {delimiter: ";"}
languages: [nl]
fields:
  partner_record_id: {column: id}
  partner_case_id: {column: case}
  role: {column: role, values: {slachtoffer: victim, verdachte: suspect}}
  offence: {constant: trafficking}
  registration_date: {column: date, date_format: "%d/%m/%Y"}
  first_name: {column: first}
  last_name: {column: last}
  national_number: {column: rrn}
  phone: {column: phone}
  email: {column: email}
  address: {column: address}
  nationality: {column: nat, resolve: true}
  narrative: {column: text}
personal: []
ignore: [note]
"""
HEADER = "id;case;role;date;first;last;rrn;phone;email;address;nat;text;note"


def victim_row(i: int) -> str:
    return (
        f"AN-2025-{i:04d};C{i // 3};slachtoffer;14/10/2025;Thi Hoa;NGUYEN;94.07.21-183.46;0486 33 71 09;"
        f"hoa.nguyen@example.com;Kerkstraat 212, 2060 Antwerpen;VN;"
        f"De genaamde NGUYEN Thi Hoa (GSM 0486 33 71 09) werkt in Kerkstraat 212 voor PEETERS Marijke.;x"
    )


@pytest.fixture
def mapping(tmp_path: Path) -> Mapping:
    path = tmp_path / "mapping.yaml"
    path.write_text(MAPPING, encoding="utf-8")
    return load_mapping(path)


def write_export(path: Path, rows: list[str]) -> Path:
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def export(tmp_path: Path) -> Path:
    rows = [victim_row(i) for i in range(1, 26)]
    rows.insert(5, "AN-2025-9999;C9;onbekend;14/10/2025;Jan;PEETERS;;;;;BE;Niets.;z")  # role not mapped
    rows.insert(9, "AN-2025-9998;C9;verdachte;31/02/2025;Jan;PEETERS;;;;;BE;Niets.;z")  # bad date
    rows.append(victim_row(3))  # the same record id again
    return write_export(tmp_path / "export.csv", rows)


@pytest.fixture
def case() -> AnonymousCase:
    raw = RawCase(
        partner_id="test-partner",
        partner_record_id="AN-1",
        role="victim",
        offence="trafficking",
        registration_date="14/10/2025",
        narrative="Zij werkt zes dagen per week.",
    )
    return anonymise(raw, SECRET)[0]


def all_bytes(path: Path) -> bytes:
    """The database file and its journal files, as they are on disk."""
    data = b""
    for suffix in ("", "-wal", "-shm", "-journal"):
        part = Path(str(path) + suffix)
        if part.exists():
            data += part.read_bytes()
    return data


# -- the journal ----------------------------------------------------------------------------------


def test_the_outbox_is_wal_with_full_sync_and_private(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "outbox.sqlite3"
    with Outbox(path) as box:
        assert box._db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert box._db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert path.stat().st_mode & 0o777 == 0o600


def test_a_batch_gets_its_id_and_exact_body_before_the_first_send(
    tmp_path: Path, case: AnonymousCase
) -> None:
    with Outbox(tmp_path / "o.sqlite3") as box:
        records = [encode_record(checked_payload(case))]
        batch_id = box.add_batch("test-partner", records)
        assert batch_id is not None
        assert BATCH_ID_RE.fullmatch(batch_id) and len(batch_id) <= 100
        assert re.fullmatch(r"test-partner-\d{8}T\d{6}Z-[0-9a-f]{12}", batch_id)
        (due,) = box.due()
        assert due.batch_id == batch_id and due.attempts == 0
        body = json.loads(due.body)
        assert body == {"batch_id": batch_id, "records": [case.to_dict()]}
    with Outbox(tmp_path / "o.sqlite3") as again:  # the same bytes after a restart
        assert again.due()[0].body == due.body


def test_acknowledged_batches_leave_the_queue_and_keep_a_receipt(tmp_path: Path, case: AnonymousCase) -> None:
    with Outbox(tmp_path / "o.sqlite3") as box:
        batch_id = box.add_batch("p", [encode_record(case.to_dict())])
        assert batch_id is not None
        box.mark_sent(batch_id, {"counts": {"records": 1, "accepted": 1, "rejected": 0}})
        assert box.due() == []
        (info,) = box.batches()
        assert (
            info.state == SENT
            and info.attempts == 1
            and info.receipt == {"counts": {"records": 1, "accepted": 1, "rejected": 0}}
        )
        assert box._db.execute("SELECT body FROM batch").fetchone()[0] is None
        assert box.totals().sent == 1 and box.totals().pending == 0


def test_retry_waits_and_failed_batches_stay(tmp_path: Path, case: AnonymousCase) -> None:
    with Outbox(tmp_path / "o.sqlite3") as box:
        first = box.add_batch("p", [encode_record(case.to_dict())])
        second = box.add_batch("p", [encode_record(case.to_dict())])
        assert first and second
        box.mark_retry(first, "the Centre cannot be reached " + "x" * 1000, next_attempt_at=4e9)
        assert [b.batch_id for b in box.due()] == [second]
        assert [b.batch_id for b in box.due(now=4e9)] == [first, second]
        info = {b.batch_id: b for b in box.batches()}
        assert info[first].attempts == 1 and len(info[first].last_error or "") <= 300
        box.mark_failed(second, "409 conflict")
        assert box.totals().failed == 1 and box.batches(state=FAILED)[0].batch_id == second
        assert box.retry_failed() == 1
        box.make_due()
        assert {b.batch_id for b in box.due()} == {first, second}
        assert {b.state for b in box.batches()} == {PENDING}


def test_a_record_with_findings_is_refused_before_anything_is_written(
    tmp_path: Path, case: AnonymousCase
) -> None:
    leaky = dataclasses.replace(case, narrative="Bel haar op 0486 33 71 09 of mail hoa.nguyen@example.com")
    with pytest.raises(RefusedRecord) as refused:
        checked_payload(leaky)
    assert {kind for _, kind in refused.value.findings} >= {"PHONE", "EMAIL"}
    assert "0486" not in str(refused.value) and "example" not in str(refused.value)
    with Outbox(tmp_path / "o.sqlite3") as box:
        writer = BatchWriter(box, "p", max_records=10)
        with pytest.raises(RefusedRecord):
            writer.add(leaky)
        writer.add(case)
        writer.finish()
        (batch,) = box.due()
        assert batch.record_count == 1
    assert b"0486" not in all_bytes(tmp_path / "o.sqlite3")


def test_batches_are_cut_by_count_and_by_size(tmp_path: Path, case: AnonymousCase) -> None:
    with Outbox(tmp_path / "o.sqlite3") as box:
        writer = BatchWriter(box, "p", max_records=3)
        for _ in range(7):
            writer.add(case)
            if writer.full():
                writer.flush()
        writer.finish()
        assert [b.record_count for b in box.batches()] == [3, 3, 1]
    with Outbox(tmp_path / "size.sqlite3") as box:
        size = len(encode_record(case.to_dict()))
        writer = BatchWriter(box, "p", max_records=1000, max_bytes=size * 2 + 2)
        for _ in range(5):
            writer.add(case)
            if writer.full():
                writer.flush()
        writer.finish()
        counts = [b.record_count for b in box.batches()]
        assert sum(counts) == 5 and max(counts) == 2


def test_a_batch_and_the_file_progress_are_one_transaction(tmp_path: Path, case: AnonymousCase) -> None:
    with Outbox(tmp_path / "o.sqlite3") as box:
        box.start_file("f1", "p", {})
        with pytest.raises(TypeError):  # the progress cannot be stored: the batch is not stored either
            box.add_batch(
                "p", [encode_record(case.to_dict())], file_id="f1", items_done=5, report={"x": {1, 2}}
            )
        assert box.batches() == [] and box.file_progress("f1").items_done == 0  # type: ignore[union-attr]


def test_a_committed_batch_survives_the_process_dying_at_once(tmp_path: Path) -> None:
    path = tmp_path / "o.sqlite3"
    script = f"""
import os
from connectors.outbox import Outbox
box = Outbox({str(path)!r})
box.add_batch("p", [b'{{"record_key":"k"}}'])
os._exit(9)  # no close, no checkpoint, no cleanup
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=60, check=False)
    assert done.returncode == 9, done.stderr
    with Outbox(path) as box:
        (batch,) = box.due()
        assert json.loads(batch.body)["records"] == [{"record_key": "k"}]


# -- the pipeline into the outbox -----------------------------------------------------------------


def test_an_export_is_queued_anonymously_with_row_errors_and_no_value(
    tmp_path: Path, mapping: Mapping, export: Path
) -> None:
    outbox = tmp_path / "o.sqlite3"
    with Outbox(outbox) as box:
        report = process_into_outbox(export, mapping, SECRET, box, batch_records=10, batch_bytes=1 << 20)
        batches = box.batches()
        bodies = [json.loads(b.body) for b in box.due()]
    assert report.rows_read == 28 and report.anonymised == 25 and report.error_count == 3
    assert [e["row"] for e in report.row_errors] == [7, 11, 29]
    assert {e["field"] for e in report.row_errors} == {"role", "registration_date", "partner_record_id"}
    assert report.entity_counts["PERSON"] >= 25 and report.entity_counts["PHONE"] == 25
    assert [b.record_count for b in batches] == [10, 10, 5] and report.batches == [
        b.batch_id for b in batches
    ]
    keys = [r["record_key"] for body in bodies for r in body["records"]]
    assert len(keys) == len(set(keys)) == 25
    on_disk = all_bytes(outbox).decode("utf-8", errors="replace")
    report_text = json.dumps(report.to_dict(), ensure_ascii=False)
    for value in PERSONAL:
        assert value not in on_disk, value
        assert value not in report_text, value


def test_the_same_file_is_not_queued_twice(tmp_path: Path, mapping: Mapping, export: Path) -> None:
    with Outbox(tmp_path / "o.sqlite3") as box:
        first = process_into_outbox(export, mapping, SECRET, box, batch_records=10, batch_bytes=1 << 20)
        second = process_into_outbox(export, mapping, SECRET, box, batch_records=10, batch_bytes=1 << 20)
        assert second.already_queued and second.batches == first.batches
        assert second.anonymised == 25 and second.error_count == 3
        assert len(box.batches()) == 3
        again = process_into_outbox(
            export, mapping, SECRET, box, batch_records=10, batch_bytes=1 << 20, again=True
        )
        assert not again.already_queued and len(again.batches) == 3
        assert set(again.batches).isdisjoint(first.batches) and len(box.batches()) == 6


def test_an_interrupted_file_resumes_where_its_last_batch_ended(
    tmp_path: Path, mapping: Mapping, export: Path
) -> None:
    stop = threading.Event()
    with Outbox(tmp_path / "o.sqlite3") as box:
        with pytest.raises(Interrupted):
            process_into_outbox(
                export,
                mapping,
                SECRET,
                box,
                batch_records=4,
                batch_bytes=1 << 20,
                stop=stop,
                on_batch=lambda _id: stop.set(),
            )
        assert len(box.batches()) == 1
        report = process_into_outbox(export, mapping, SECRET, box, batch_records=4, batch_bytes=1 << 20)
        bodies = [json.loads(b.body) for b in box.due()]
    assert report.resumed_after == 4
    assert report.rows_read == 28 and report.anonymised == 25 and report.error_count == 3
    keys = [r["record_key"] for body in bodies for r in body["records"]]
    assert len(keys) == len(set(keys)) == 25  # nothing twice, nothing lost
    assert [e["row"] for e in report.row_errors] == [7, 11, 29]  # the duplicate is still seen


def test_a_file_with_a_column_the_mapping_does_not_know_is_refused(tmp_path: Path, mapping: Mapping) -> None:
    path = tmp_path / "new-column.csv"
    path.write_text(HEADER + ";GSM 2\n" + victim_row(1) + ";0470 00 00 00\n", encoding="utf-8")
    with Outbox(tmp_path / "o.sqlite3") as box:
        report = process_into_outbox(path, mapping, SECRET, box, batch_records=10, batch_bytes=1 << 20)
        assert report.refused and "'GSM 2'" in report.refused and "0470" not in report.refused
        assert box.batches() == []


def test_preview_writes_nothing(tmp_path: Path, mapping: Mapping, export: Path) -> None:
    before = sorted(os.listdir(tmp_path))
    report, shown = preview(export, mapping, None, limit=2)
    assert sorted(os.listdir(tmp_path)) == before
    assert len(shown) == 2 and report.anonymised == 25 and report.error_count == 3
    assert shown[0].row == 2 and shown[0].record["role"] == "victim"
    text = json.dumps([s.record for s in shown], ensure_ascii=False)
    for value in PERSONAL:
        assert value not in text


def test_values_of_unmapped_personal_columns_are_scrubbed_from_the_narrative(tmp_path: Path) -> None:
    path = tmp_path / "mapping.yaml"
    path.write_text(MAPPING.replace("personal: []", "personal: [birthplace, officer]"), encoding="utf-8")
    mapping = load_mapping(path)
    export = tmp_path / "export.csv"
    row = victim_row(1).replace(
        "voor PEETERS Marijke.", "voor PEETERS Marijke. Geboren te Tanger. Verbalisant: inspecteur Vandamme."
    )
    export.write_text(f"{HEADER};birthplace;officer\n{row};Tanger;Vandamme\n", encoding="utf-8")
    report, shown = preview(export, mapping, SECRET, limit=1)
    narrative = str(shown[0].record["narrative"])
    assert "Tanger" not in narrative and "Vandamme" not in narrative
    assert "Geboren te [ADDRESS]" in narrative
    assert report.known_value_counts["ADDRESS"] >= 1
