"""End to end over real HTTP: every shipped mapping with its sample export goes through
``ciateh-connector run`` to a real Centre (gunicorn on a random loopback port). The records
arrive, the counts match, and no personal value of the sample reaches the Centre: not in any table
of its database, not in its log (nor in the connector's outbox or output). Also: ``preview``
writes and sends nothing, ``keygen`` makes private files and refuses to overwrite, ``watch`` takes a
dropped file, moves it with its report, sends it, and stops cleanly on SIGTERM.
"""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path
from typing import Any

import pytest

from anonymiser import lexicon
from connectors.demo_data import PARTNERS, generate
from connectors.keys import load_secret
from connectors.mapping import Mapping, load_mapping
from connectors.pipeline import preview
from connectors.readers import Row, reader_for

REPO = Path(__file__).resolve().parents[2]
MAPPINGS = sorted((REPO / "config" / "connectors").glob("*.yaml"))
SAMPLES = Path(os.environ.get("CIATEH_SAMPLES_DIR") or REPO / "examples" / "exports")  # to try other samples
KIND = {
    "police-fed": "police",
    "labour-inspection": "labour_inspection",
    "social-inspection": "social_inspection",
    "immigration-office": "immigration_office",
    "prosecutors": "prosecution",
    "reception-centre": "reception_centre",
}


def sample_for(mapping_path: Path) -> Path:
    for spec in PARTNERS.values():
        if spec.mapping == mapping_path.name:
            return SAMPLES / spec.export
    raise AssertionError(f"{mapping_path.name}: no partner of connectors.demo_data uses this mapping")


def personal_values(path: Path, mapping: Mapping) -> tuple[list[str], dict[int, list[str]]]:
    """The values of the sample's personal columns (multi-valued cells split too): those checked
    everywhere, and, by row, those checked in that row's own record only.

    A bare place name (a birthplace, the municipality of an address: "Leuven") is also the name of
    a public place, which any narrative may name ("FGP Leuven", the police unit; "born in Tanger"
    about another person). Single words without a digit of the personal columns no field uses
    (birthplace, mailing country) are checked in their own row's record only (the connector
    scrubs them there); values made only of known place names (the municipality of an address)
    are not checked.
    """
    columns = mapping.personal_columns
    unmapped = mapping.personal - mapping.mapped_columns
    places = lexicon.places()
    everywhere: set[str] = set()
    by_row: dict[int, list[str]] = {}
    for item in reader_for(path, mapping.format).rows(path, mapping.read_options()):
        if not isinstance(item, Row):
            continue
        for column, value in item.fields.items():
            if column not in columns or not value or not value.strip():
                continue
            for v in {value.strip(), *(p.strip() for p in value.split("|") if p.strip())}:
                single_word = len(v.split()) == 1 and not any(c.isdigit() for c in v)
                if column in unmapped and single_word:
                    by_row.setdefault(item.number, []).append(v)
                elif not all(lexicon.fold(w) in places for w in v.split()):
                    everywhere.add(v)
    return sorted(everywhere), by_row


def all_bytes(path: Path) -> str:
    data = b""
    for suffix in ("", "-wal", "-shm"):
        part = Path(str(path) + suffix)
        if part.exists():
            data += part.read_bytes()
    return data.decode("utf-8", errors="replace")


def test_every_shipped_mapping_has_a_sample() -> None:
    assert MAPPINGS, "no mapping in config/connectors"
    missing = [str(sample_for(m)) for m in MAPPINGS if not sample_for(m).exists()]
    assert not missing, f"mappings without their sample export: {missing}"


@pytest.mark.parametrize("mapping_path", MAPPINGS, ids=[m.stem for m in MAPPINGS])
def test_a_sample_goes_to_the_centre_anonymously(
    mapping_path: Path, shared_centre: Any, cli: Any, find_leaks: Any, tmp_path: Path
) -> None:
    sample = sample_for(mapping_path)
    if not sample.exists():
        pytest.fail(f"{sample} is missing")
    mapping = load_mapping(mapping_path)
    partner = shared_centre.add_partner(mapping.partner, KIND.get(mapping.partner, "other"))
    secret = load_secret(partner.secret)
    expected, records = preview(sample, mapping, secret, limit=10**6)
    assert expected.refused is None, expected.refused
    assert expected.anonymised > 0

    outbox = tmp_path / "outbox.sqlite3"
    report_file = tmp_path / "report.json"
    done = cli(
        "run",
        sample,
        "--mapping",
        mapping_path,
        "--centre",
        shared_centre.url,
        "--key",
        partner.private_key,
        "--secret",
        partner.secret,
        "--outbox",
        outbox,
        "--report",
        report_file,
        "--batch-size",
        "7",
    )
    assert done.returncode in (0, 1), done.stdout + done.stderr
    assert done.returncode == (1 if expected.error_count else 0), done.stdout + done.stderr
    report = json.loads(report_file.read_text(encoding="utf-8"))
    assert report["rows_read"] == expected.rows_read
    assert report["anonymised"] == expected.anonymised
    assert report["row_errors_total"] == expected.error_count

    # what arrived: every anonymisable row once, exactly the records the connector made
    stored = shared_centre.records_of(mapping.partner)
    assert len(stored) == len(set(stored)) == expected.anonymised
    assert set(stored) == {r.record["record_key"] for r in records}
    batches = shared_centre.batches_of(mapping.partner)
    assert [b[0] for b in batches] == report["batches"]
    assert sum(b[1] for b in batches) == expected.anonymised
    assert sum(b[3] for b in batches) == 0, "the Centre rejected records the connector let through"
    narratives = {
        str(n)
        for (n,) in shared_centre.query(
            "SELECT c.narrative FROM anonymous_case c JOIN partner p ON p.id = c.partner_id "
            "WHERE p.code = ? AND c.narrative IS NOT NULL",
            (mapping.partner,),
        )
    }
    assert narratives == {str(r.record["narrative"]) for r in records if r.record.get("narrative")}

    # no personal value of the sample reached the Centre, or the outbox, or the output
    values, by_row = personal_values(sample, mapping)
    assert len(values) >= 10, "the sample's personal columns hold too few values to test anything"
    assert find_leaks(values, shared_centre.dump()) == []
    stored_narratives = dict(
        shared_centre.query(
            "SELECT c.record_key, c.narrative FROM anonymous_case c JOIN partner p ON p.id = c.partner_id "
            "WHERE p.code = ?",
            (mapping.partner,),
        )
    )
    for r in records:
        own = by_row.get(r.row, [])
        assert find_leaks(own, json.dumps(r.record, ensure_ascii=False)) == [], r.row
        assert find_leaks(own, str(stored_narratives[r.record["record_key"]])) == [], r.row
    assert find_leaks(values, all_bytes(outbox)) == []
    assert find_leaks(values, done.stdout + done.stderr) == []
    assert find_leaks(values, report_file.read_text(encoding="utf-8")) == []


# -- the other commands ---------------------------------------------------------------------------


def test_preview_shows_what_would_leave_and_writes_nothing(cli: Any, find_leaks: Any, tmp_path: Path) -> None:
    mapping_path = REPO / "config" / "connectors" / "labour_inspection.yaml"
    export = generate("labour_inspection", 12, tmp_path / "in")
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    done = cli("preview", export, "--mapping", mapping_path, "--limit", "3", "--json", env=_env(tmp_path))
    assert done.returncode in (0, 1), done.stderr
    shown = json.loads(done.stdout)
    assert len(shown["records"]) == 3 and shown["written"] is False and shown["sent"] is False
    assert shown["report"]["rows_read"] == 12 and shown["report"]["entity_counts"]
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before
    values, _ = personal_values(export, load_mapping(mapping_path))
    assert find_leaks(values, done.stdout + done.stderr) == []
    text = cli("preview", export, "--mapping", mapping_path, "--limit", "1", env=_env(tmp_path))
    assert "Nothing was written or sent." in text.stdout and '"record_key"' in text.stdout


def test_keygen_makes_private_files_and_never_overwrites(cli: Any, tmp_path: Path) -> None:
    done = cli("keygen", tmp_path / "k")
    assert done.returncode == 0, done.stderr
    for name, mode in (("private.pem", 0o600), ("secret.key", 0o600), ("public.pem", 0o644)):
        assert (tmp_path / "k" / name).stat().st_mode & 0o777 == mode, name
    assert (tmp_path / "k" / "public.pem").read_text().startswith("-----BEGIN PUBLIC KEY-----")
    assert (tmp_path / "k" / "private.pem").read_text().startswith("-----BEGIN PRIVATE KEY-----")
    assert len(load_secret(tmp_path / "k" / "secret.key")) >= 32
    before = (tmp_path / "k" / "private.pem").read_bytes()
    again = cli("keygen", tmp_path / "k")
    assert again.returncode == 2 and "refusing to overwrite" in again.stderr
    assert "Traceback" not in again.stderr and (tmp_path / "k" / "private.pem").read_bytes() == before


def test_errors_are_one_line_without_a_traceback(cli: Any, tmp_path: Path) -> None:
    mapping_path = REPO / "config" / "connectors" / "labour_inspection.yaml"
    bad_mapping = tmp_path / "bad.yaml"
    bad_mapping.write_text("partner: x\nformat: csv\nfields: {role: {column: R}}\n", encoding="utf-8")
    cases = [
        (("preview", tmp_path / "missing.csv", "--mapping", mapping_path), 3, "missing.csv"),
        (("preview", tmp_path / "missing.csv", "--mapping", bad_mapping), 2, "bad.yaml"),
        (
            (
                "run",
                tmp_path / "missing.csv",
                "--mapping",
                mapping_path,
                "--centre",
                "http://127.0.0.1:9",
                "--key",
                tmp_path / "nokey.pem",
                "--secret",
                tmp_path / "nosecret",
                "--outbox",
                tmp_path / "o.sqlite3",
            ),
            2,
            "nokey.pem",
        ),
    ]
    for args, code, named in cases:
        done = cli(*args)
        assert done.returncode == code, (args, done.stdout, done.stderr)
        assert named in done.stdout + done.stderr
        assert "Traceback" not in done.stdout + done.stderr


def test_watch_takes_dropped_files_sends_them_and_stops_on_sigterm(
    centre: Any, spawn_connector: Any, find_leaks: Any, tmp_path: Path
) -> None:
    mapping_path = REPO / "config" / "connectors" / "prosecutors.yaml"
    mapping = load_mapping(mapping_path)
    partner = centre.add_partner(mapping.partner, "prosecution")
    drop = tmp_path / "drop"
    drop.mkdir()
    export = generate("prosecutors", 20, tmp_path / "gen")
    expected, _ = preview(export, mapping, load_secret(partner.secret), limit=0)
    log = tmp_path / "watch.log"
    proc = spawn_connector(
        "watch",
        drop,
        "--mapping",
        mapping_path,
        "--centre",
        centre.url,
        "--key",
        partner.private_key,
        "--secret",
        partner.secret,
        "--outbox",
        tmp_path / "outbox.sqlite3",
        "--interval",
        "0.5",
        "--send-interval",
        "0.5",
        output=log,
    )
    # a file being written is ignored (.part), then renamed: the documented convention
    part = drop / "export.csv.part"
    part.write_bytes(export.read_bytes())
    (drop / "hostile.csv").write_bytes(b"PK\x03\x04" + os.urandom(2000))  # not a CSV at all
    time.sleep(1.5)
    assert part.exists(), "a .part file must be left alone"
    part.rename(drop / "export.csv")
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if len(centre.records_of(mapping.partner)) >= expected.anonymised and (drop / "failed").exists():
            break
        assert proc.poll() is None, log.read_text()
        time.sleep(0.5)
    assert len(centre.records_of(mapping.partner)) == expected.anonymised, log.read_text()
    report = json.loads((drop / "done" / "export.csv.report.json").read_text(encoding="utf-8"))
    assert report["outcome"] == "queued" and report["anonymised"] == expected.anonymised
    assert (drop / "done" / "export.csv").exists() and not (drop / "export.csv").exists()
    refused = json.loads((drop / "failed" / "hostile.csv.report.json").read_text(encoding="utf-8"))
    assert refused["outcome"] == "failed" and refused["refused"]
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=60) == 0, log.read_text()
    text = log.read_text()
    assert "stopped" in text and "Traceback" not in text
    values, _ = personal_values(export, mapping)
    assert find_leaks(values, text + json.dumps(report)) == []


def _env(tmp: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["XDG_STATE_HOME"] = str(tmp / "state")
    return env
