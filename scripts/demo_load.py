"""The partners' side of the demo: each writes a synthetic export (``connectors.demo_data``) and runs
the real connector on it (``ciateh-connector run``: read, anonymise, queue in its outbox, send signed
batches over HTTP) into a Centre served by gunicorn on a free loopback port.

Connectors run as separate processes, two at a time; each writes its report (counts only) and its
output (no values) into the demo folder's ``reports/``. One more batch is typed by hand, bypassing
the anonymiser, so that the partner's pages show what the Centre does with a record that still holds
personal data (a synthetic phone number): it rejects it and says where, never what.
"""

from __future__ import annotations

import json
import secrets
import subprocess
import sys
import time
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Final

from demo_instance import ROOT, Centre, DemoError, DemoInstance
from demo_people import DemoPartner

from connectors.client import CentreClient
from connectors.demo_data import generate
from connectors.keys import load_private_key

#: rows of each partner's export: a few thousand persons over 2024-01..2025-12, most months with
#: more than five victims in the main categories and small cells in the rest
DEMO_ROWS: Final[dict[str, int]] = {
    "federal_police": 900,
    "labour_inspection": 450,
    "social_inspection": 300,
    "immigration_office": 300,
    "prosecutors": 350,
    "reception_centre": 250,
}
#: a small load for the browser tests (two partners, 360 persons: small cells everywhere)
SMALL_ROWS: Final[dict[str, int]] = {"federal_police": 220, "labour_inspection": 140}
BATCH_SIZE: Final = 100
#: ``ciateh-connector run`` exit codes that mean "delivered" (1: some rows had errors)
DELIVERED: Final = (0, 1)
CONNECTOR_TIMEOUT: Final = 1800.0


@dataclass(frozen=True)
class Loaded:
    partner: str  # the Centre's partner code
    rows_read: int
    anonymised: int
    row_errors: int
    batches: int
    seconds: float


def _run_connector(instance: DemoInstance, partner: DemoPartner, rows: int, centre_url: str) -> Loaded:
    started = time.perf_counter()
    export = generate(partner.name, rows, instance.exports_dir / partner.code)
    report = instance.report(partner.code)
    instance.outbox(partner.code).parent.mkdir(parents=True, exist_ok=True)
    report.parent.mkdir(parents=True, exist_ok=True)
    command = [
        sys.executable,
        "-m",
        "connectors.agent",
        "run",
        str(export),
        "--mapping",
        str(partner.mapping),
        "--centre",
        centre_url,
        "--key",
        str(partner.private_key),
        "--secret",
        str(partner.secret),
        "--outbox",
        str(instance.outbox(partner.code)),
        "--report",
        str(report),
        "--batch-size",
        str(BATCH_SIZE),
    ]
    with instance.connector_log(partner.code).open("w", encoding="utf-8") as log:
        done = subprocess.run(
            command,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            timeout=CONNECTOR_TIMEOUT,
            check=False,
        )
    if done.returncode not in DELIVERED:
        raise DemoError(
            f"the connector of {partner.code} stopped with exit code {done.returncode}: "
            f"see {instance.connector_log(partner.code)}"
        )
    figures = json.loads(report.read_text(encoding="utf-8"))
    return Loaded(
        partner=partner.code,
        rows_read=int(figures["rows_read"]),
        anonymised=int(figures["anonymised"]),
        row_errors=int(figures["row_errors_total"]),
        batches=len(figures["batches"]),
        seconds=time.perf_counter() - started,
    )


def _hand_typed_record(narrative: str) -> dict[str, object]:
    return {
        "record_key": secrets.token_hex(32),
        "case_key": secrets.token_hex(32),
        "role": "presumed_victim",
        "offence": "trafficking",
        "registered_month": "2025-12",
        "anonymiser_version": "0.1.0",
        "policy_version": "2025.1",
        "exploitation_forms": ["labour"],
        "labour_sector": "car_wash",
        "sex": "male",
        "age_band": "21-23",
        "minor_at_exploitation": "no",
        "nationality": "RO",
        "province": "BE-VAN",
        "means_of_control": ["withheld_documents"],
        "recruiter_relation": "friend",
        "protection_stage": "reflection_period",
        "judicial_stage": "investigation",
        "narrative": narrative,
    }


def send_hand_typed_batch(partner: DemoPartner, centre_url: str) -> tuple[int, int]:
    """A batch typed by hand (not through the connector): one clean record, one whose narrative
    holds a synthetic phone number. Returns (accepted, rejected) as the Centre counted them."""
    records = [
        _hand_typed_record("[PERSON] werkte zes maanden in een carwash zonder loon en sliep in de garage."),
        _hand_typed_record("[PERSON] werd gebeld op 0470 12 34 56 en moest de volgende dag beginnen."),
    ]
    batch_id = f"hand-typed-{secrets.token_hex(4)}"
    body = json.dumps({"batch_id": batch_id, "records": records}).encode("utf-8")
    with CentreClient(centre_url, load_private_key(partner.private_key)) as client:
        result = client.send_batch(batch_id, body)
    if not result.acknowledged:
        raise DemoError(f"the hand-typed batch of {partner.code} was not accepted: {result.problem}")
    return int(result.counts.get("accepted", 0)), int(result.counts.get("rejected", 0))


@dataclass(frozen=True)
class LoadResult:
    loaded: list[Loaded]
    hand_typed: tuple[str, int, int]  # (partner code, accepted, rejected)


def load(
    instance: DemoInstance,
    partners: Mapping[str, DemoPartner],
    rows: Mapping[str, int],
    *,
    jobs: int = 2,
) -> LoadResult:
    """Run the connectors of the partners in ``rows`` into a Centre started for the occasion, then
    send the hand-typed batch as the first of them."""
    # the largest exports first, so that the lanes finish together
    order = sorted(rows, key=lambda name: -rows[name])
    with Centre(instance) as centre:
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            futures = [pool.submit(_run_connector, instance, partners[n], rows[n], centre.url) for n in order]
            loaded = [future.result() for future in futures]
        first = partners[order[0]]
        accepted, rejected = send_hand_typed_batch(first, centre.url)
    return LoadResult(loaded, (first.code, accepted, rejected))
