"""Exactly once, whatever fails: the Centre down (never started, or stopped part-way) and then up;
the connector killed with SIGKILL in the middle of a send (the Centre stored a batch, the connector
never saw the acknowledgement) and in the middle of a big export, then restarted. Every time, each
anonymisable row of the export is stored at the Centre once, and no record is in two batches.
"""

from __future__ import annotations

import json
import signal
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import requests

from connectors.demo_data import generate
from connectors.keys import load_secret
from connectors.mapping import load_mapping
from connectors.outbox import PENDING, SENT, Outbox
from connectors.pipeline import preview

REPO = Path(__file__).resolve().parents[2]
MAPPING = REPO / "config" / "connectors" / "labour_inspection.yaml"
DEMO = "labour_inspection"

pytestmark = pytest.mark.slow


def expected_records(export: Path, partner: Any) -> set[str]:
    """The record keys of every anonymisable row, computed in-process with the partner's secret."""
    report, records = preview(export, load_mapping(MAPPING), load_secret(partner.secret), limit=10**7)
    assert report.refused is None and len(records) == report.anonymised > 0
    return {str(r.record["record_key"]) for r in records}


def run_args(export: Path, centre_url: str, partner: Any, outbox: Path, *extra: str) -> list[str | Path]:
    return [
        "run",
        export,
        "--mapping",
        MAPPING,
        "--centre",
        centre_url,
        "--key",
        partner.private_key,
        "--secret",
        partner.secret,
        "--outbox",
        outbox,
        *extra,
    ]


def assert_exactly_once(centre: Any, code: str, expected: set[str], outbox: Path) -> None:
    stored = centre.records_of(code)
    assert len(stored) == len(set(stored)), "a record is stored twice"
    assert set(stored) == expected, "records are missing or unexpected"
    batches = centre.batches_of(code)
    assert sum(b[1] for b in batches) == len(expected), "a record was sent in two batches"
    assert all(b[3] == 0 for b in batches)
    with Outbox(outbox) as box:
        mine = box.batches()
        assert {b.state for b in mine} == {SENT}, [(b.batch_id, b.state, b.last_error) for b in mine]
        assert sorted(b.batch_id for b in mine) == sorted(b[0] for b in batches)


def wait_for(condition: Any, timeout: float, what: str, proc: Any = None, log: Path | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        if proc is not None and proc.poll() is not None:
            raise AssertionError(f"the connector ended before {what}:\n{log.read_text() if log else ''}")
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}:\n{log.read_text() if log else ''}")


# -- (a) the Centre down, then up -----------------------------------------------------------------


def test_centre_never_started_then_started_everything_arrives_once(
    new_centre: Any, cli: Any, tmp_path: Path
) -> None:
    partner = new_centre.add_partner("labour-inspection", "labour_inspection")
    export = generate(DEMO, 120, tmp_path / "in")
    expected = expected_records(export, partner)
    outbox = tmp_path / "outbox.sqlite3"

    down = cli(*run_args(export, new_centre.url, partner, outbox, "--batch-size", "25", "--max-wait", "0"))
    assert down.returncode == 4, down.stdout + down.stderr
    assert "cannot be reached" in down.stdout and "Traceback" not in down.stderr
    with Outbox(outbox) as box:
        assert box.totals().pending == -(-len(expected) // 25)
        assert box.totals().pending_records == len(expected)

    new_centre.start()
    sent = cli(
        "send",
        "--centre",
        new_centre.url,
        "--key",
        partner.private_key,
        "--outbox",
        outbox,
        "--max-wait",
        "60",
    )
    assert sent.returncode == 0, sent.stdout + sent.stderr
    assert_exactly_once(new_centre, partner.code, expected, outbox)

    # the same export run again: queued before, nothing new is sent
    again = cli(*run_args(export, new_centre.url, partner, outbox))
    assert again.returncode == 0, again.stdout + again.stderr
    assert "queued before" in again.stdout
    assert_exactly_once(new_centre, partner.code, expected, outbox)


def test_centre_stopped_while_sending_then_back_everything_arrives_once(
    centre: Any, spawn_connector: Any, tmp_path: Path
) -> None:
    partner = centre.add_partner("labour-inspection", "labour_inspection")
    export = generate(DEMO, 400, tmp_path / "in")
    expected = expected_records(export, partner)
    outbox = tmp_path / "outbox.sqlite3"
    log = tmp_path / "run.log"
    args = run_args(export, centre.url, partner, outbox, "--batch-size", "10", "--max-wait", "300")
    args += ["--retry-base", "0.2", "--retry-cap", "1"]
    proc = spawn_connector(*args, output=log)
    wait_for(lambda: len(centre.batches_of(partner.code)) >= 1, 300, "a first batch", proc, log)
    centre.stop()
    wait_for(lambda: "cannot be reached" in log.read_text(), 120, "a failed attempt", proc, log)
    time.sleep(2)  # a few retries with backoff while the Centre is down
    centre.start()
    assert proc.wait(timeout=600) == 0, log.read_text()
    assert "next attempt in" in log.read_text()
    assert_exactly_once(centre, partner.code, expected, outbox)


# -- (b) the connector killed (SIGKILL) -----------------------------------------------------------


class HoldingProxy:
    """Forwards requests to the Centre; the ``hold``-th POST is forwarded (so the Centre stores
    the batch) but its answer is never given back: the connector waits for it until it is killed."""

    def __init__(self, target: str, hold: int) -> None:
        self.target = target
        self.hold = hold
        self.posts = 0
        self.held = threading.Event()
        self.release = threading.Event()
        self.held_batch: str | None = None
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                wanted = ("x-ciateh", "content-type")
                headers = {k: v for k, v in self.headers.items() if k.lower().startswith(wanted)}
                answer = requests.post(proxy.target + self.path, data=body, headers=headers, timeout=300)
                proxy.posts += 1
                if proxy.posts == proxy.hold:
                    proxy.held_batch = json.loads(body)["batch_id"]
                    proxy.held.set()
                    proxy.release.wait(600)  # the batch is stored; the acknowledgement never comes
                    return
                self.send_response(answer.status_code)
                self.send_header("Content-Type", answer.headers.get("Content-Type", "application/json"))
                self.send_header("Content-Length", str(len(answer.content)))
                self.end_headers()
                self.wfile.write(answer.content)

            def log_message(self, *_args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def proxy_factory() -> Iterator[Any]:
    proxies: list[HoldingProxy] = []

    def make(target: str, hold: int) -> HoldingProxy:
        proxies.append(HoldingProxy(target, hold))
        return proxies[-1]

    try:
        yield make
    finally:
        for p in proxies:
            p.close()


def test_killed_after_the_centre_stored_a_batch_but_before_the_ack_then_restarted(
    centre: Any, spawn_connector: Any, cli: Any, proxy_factory: Any, tmp_path: Path
) -> None:
    partner = centre.add_partner("labour-inspection", "labour_inspection")
    export = generate(DEMO, 150, tmp_path / "in")
    expected = expected_records(export, partner)
    outbox = tmp_path / "outbox.sqlite3"
    log = tmp_path / "run.log"
    proxy = proxy_factory(centre.url, hold=3)
    proc = spawn_connector(*run_args(export, proxy.url, partner, outbox, "--batch-size", "10"), output=log)
    wait_for(proxy.held.is_set, 300, "the third batch to be stored", proc, log)
    stored_before = {b[0] for b in centre.batches_of(partner.code)}
    assert proxy.held_batch in stored_before and len(stored_before) == 3
    proc.send_signal(signal.SIGKILL)
    assert proc.wait(timeout=60) == -signal.SIGKILL
    with Outbox(outbox) as box:  # the connector never learnt that the Centre has it
        states = {b.batch_id: b.state for b in box.batches()}
        assert states[proxy.held_batch] == PENDING

    again = cli(*run_args(export, centre.url, partner, outbox, "--batch-size", "10"))
    assert again.returncode == 0, again.stdout + again.stderr
    assert "replay" in again.stdout + again.stderr  # the held batch was answered from the Centre's store
    assert_exactly_once(centre, partner.code, expected, outbox)


def test_killed_in_the_middle_of_a_big_export_then_restarted(
    centre: Any, spawn_connector: Any, cli: Any, tmp_path: Path
) -> None:
    partner = centre.add_partner("labour-inspection", "labour_inspection")
    export = generate(DEMO, 1500, tmp_path / "in")
    expected = expected_records(export, partner)
    total_batches = -(-len(expected) // 20)
    outbox = tmp_path / "outbox.sqlite3"
    log = tmp_path / "run.log"
    proc = spawn_connector(*run_args(export, centre.url, partner, outbox, "--batch-size", "20"), output=log)
    wait_for(lambda: len(centre.batches_of(partner.code)) >= 2, 600, "two acknowledged batches", proc, log)
    proc.send_signal(signal.SIGKILL)
    assert proc.wait(timeout=60) == -signal.SIGKILL
    arrived = len(centre.batches_of(partner.code))
    assert 2 <= arrived < total_batches, "the connector was not killed in the middle"

    again = cli(*run_args(export, centre.url, partner, outbox, "--batch-size", "20"), timeout=900)
    assert again.returncode == 0, again.stdout + again.stderr
    assert_exactly_once(centre, partner.code, expected, outbox)
