"""`make bench`, portal part: snapshot builds and page times at 1,000,000 anonymous records in PostgreSQL.

A fresh schema in the ``test`` database of the local server (or in the database that
``CIATEH_BENCH_DATABASE_URL`` names; a schema of its own there too, dropped afterwards) is migrated
and filled in bulk with ``COPY``: ``--rows`` persons (default 1,000,000) over ``--months`` months
(default 36), 8 partners, in cases of 1 to 4 persons, with codes drawn from the real code lists
(``anonymiser.codelists.default_codelists()``) on skewed (Zipf-like) frequencies, so that the long
tails of nationalities, sectors and provinces give small counts to protect; 1.2 forms of
exploitation and 0.9 means of control per person on average.

Then, in order:

1. every month's snapshot is built (``build_snapshot``, then commit): time per month (target < 10 s);
   all but the last two months are approved, as the Bureau would;
2. the view models are timed directly: ``month_report``, ``drilldown``, ``period_report`` (12 and
   36 months), each once with empty in-process caches ("cold") and then ``--requests`` times;
3. the pages, through the Flask test client with a signed-in Bureau or Cell user (server time: the
   whole request inside the process, page-view audit entry and commit included): the Bureau month
   page, its three exports, the Cell dashboard and the meeting pack; the first request with empty
   caches, then median and p95 over ``--requests`` requests (target p95 < 300 ms), and the same
   with the caches emptied before every request (``--cold-requests`` of them), to show what the
   in-process cache of protected tables is worth.

Figures are printed and written to bench-results/portal.json; targets are reported, never asserted.
``python tests/benchmarks/bench_portal.py --help`` for the options (``--rows 100000`` for a quick run).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import secrets
import statistics
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from anonymiser.codelists import default_codelists  # noqa: E402
from ciateh.ingest.service import CASE_COLUMNS  # noqa: E402

DEFAULT_DATABASE = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
DATABASE_ENV = "CIATEH_BENCH_DATABASE_URL"
TARGET_SNAPSHOT_S = 10.0
TARGET_PAGE_P95_MS = 300.0
PARTNERS = (
    ("police-fed", "police"),
    ("police-loc", "police"),
    ("labour-insp", "labour_inspection"),
    ("social-insp", "social_inspection"),
    ("prosecution", "prosecution"),
    ("payoke", "reception_centre"),
    ("pag-asa", "reception_centre"),
    ("myria", "myria"),
)
#: the share of each role (victims and presumed victims are the "victims" group)
ROLES = (("victim", 45), ("presumed_victim", 20), ("suspect", 35))
FIRST_MONTH = (2023, 1)


# --- the database --------------------------------------------------------------------------------


@dataclass(frozen=True)
class BenchDatabase:
    url: str
    schema: str


@contextlib.contextmanager
def fresh_schema(base: str) -> Iterator[BenchDatabase]:
    schema = f"bench_portal_{secrets.token_hex(5)}"
    admin = sa.create_engine(base, poolclass=sa.NullPool)
    if admin.dialect.name != "postgresql":
        raise SystemExit("bench_portal needs PostgreSQL")
    try:
        with admin.begin() as conn:
            conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    except sa.exc.OperationalError:
        raise SystemExit(
            f"bench_portal: cannot reach PostgreSQL ({sa.make_url(base).render_as_string()});"
            f" start it or set {DATABASE_ENV}"
        ) from None
    try:
        sep = "&" if "?" in base else "?"
        yield BenchDatabase(f"{base}{sep}options={quote(f'-csearch_path={schema}')}", schema)
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


def months_list(n: int) -> list[str]:
    y, m = FIRST_MONTH
    out = []
    for _ in range(n):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def zipf_weights(n: int, s: float, rng: random.Random) -> list[float]:
    """Zipf-like weights over ``n`` codes, the order of the codes shuffled."""
    weights = [1 / (rank + 1) ** s for rank in range(n)]
    rng.shuffle(weights)
    return weights


def fill(db: BenchDatabase, rows: int, n_months: int, seed: int = 42) -> dict[str, Any]:
    """COPY ``rows`` persons into the schema; returns counts of what was written."""
    import psycopg

    rng = random.Random(seed)
    lists = default_codelists()

    def codes(name: str) -> list[str]:
        return [c.code for c in lists[name]]

    months = months_list(n_months)
    # a slow growth over the months: later months have a little more
    month_weights = [1 + 0.5 * i / max(1, n_months - 1) for i in range(n_months)]
    per_month = [0] * n_months
    for index in rng.choices(range(n_months), month_weights, k=rows):
        per_month[index] += 1

    single: dict[str, tuple[list[str], list[float]]] = {}
    for column, name, s in (
        ("offence", "offence", 1.5),
        ("labour_sector", "labour_sector", 1.0),
        ("sex", "sex", 1.8),
        ("age_band", "age_band", 0.8),
        ("province", "province", 0.9),
        ("recruiter_relation", "recruiter_relation", 1.0),
        ("protection_stage", "protection_stage", 1.0),
        ("judicial_stage", "judicial_stage", 1.0),
    ):
        values = codes(name)
        single[column] = (values, zipf_weights(len(values), s, rng))
    nationality = codes("nationality") + codes("region")
    single["nationality"] = (nationality, zipf_weights(len(nationality), 1.15, rng))
    single["minor_at_exploitation"] = (["no", "yes", "unknown"], [85, 8, 7])
    single["role"] = ([r for r, _ in ROLES], [w for _, w in ROLES])
    forms, means = codes("exploitation_form"), codes("means_of_control")
    form_w, means_w = zipf_weights(len(forms), 1.3, rng), zipf_weights(len(means), 0.8, rng)

    now = datetime.now(UTC)
    drawn = {column: rng.choices(values, weights, k=rows) for column, (values, weights) in single.items()}
    partner_of = rng.choices(range(1, len(PARTNERS) + 1), [30, 15, 12, 8, 10, 10, 8, 7], k=rows)
    n_forms = rng.choices((0, 1, 2, 3), (5, 75, 17, 3), k=rows)
    n_means = rng.choices((0, 1, 2, 3), (40, 35, 20, 5), k=rows)

    conninfo = sa.make_url(db.url).set(drivername="postgresql").render_as_string(hide_password=False)
    forms_written = means_written = 0
    with psycopg.connect(conninfo) as conn, conn.cursor() as cur:
        for n, (code, kind) in enumerate(PARTNERS, start=1):
            cur.execute(
                "INSERT INTO partner (id, code, name, kind, created_at) VALUES (%s, %s, %s, %s, %s)",
                (n, code, f"Partner {code}", kind, now),
            )
            cur.execute(
                "INSERT INTO batch (id, partner_id, client_batch_id, body_sha256, key_id, status,"
                " record_count, accepted_count, rejected_count, outcomes, received_at)"
                " VALUES (%s, %s, 'bench', %s, 'k', 'accepted', 0, 0, 0, '[]', %s)",
                (n, n, "0" * 64, now),
            )
        columns = ("id", "partner_id", "batch_id", *CASE_COLUMNS, "received_at", "updated_at")
        fixed = {"anonymiser_version": "0.1.0", "policy_version": "2025.1", "narrative": None}
        row_id = 0
        case_no = 0
        with cur.copy(f"COPY anonymous_case ({', '.join(columns)}) FROM STDIN") as copy:
            for month, count in zip(months, per_month, strict=True):
                left = 0
                for _ in range(count):
                    if left == 0:  # a new case of 1 to 4 persons
                        case_no += 1
                        left = rng.choice((1, 1, 1, 2, 2, 3, 4))
                    left -= 1
                    i = row_id
                    row_id += 1
                    own = {
                        "record_key": f"{i:064x}",
                        "case_key": f"{case_no:064x}",
                        "registered_month": month,
                    }
                    row = [
                        own[c] if c in own else drawn[c][i] if c in drawn else fixed[c] for c in CASE_COLUMNS
                    ]
                    copy.write_row((row_id, partner_of[i], partner_of[i], *row, now, now))
        with cur.copy("COPY case_exploitation_form (case_id, code) FROM STDIN") as copy:
            for i in range(rows):
                for code in set(rng.choices(forms, form_w, k=n_forms[i])):
                    copy.write_row((i + 1, code))
                    forms_written += 1
        with cur.copy("COPY case_means_of_control (case_id, code) FROM STDIN") as copy:
            for i in range(rows):
                for code in set(rng.choices(means, means_w, k=n_means[i])):
                    copy.write_row((i + 1, code))
                    means_written += 1
        for table in ("partner", "batch", "anonymous_case"):
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
            )
        conn.commit()
        conn.autocommit = True
        for table in ("anonymous_case", "case_exploitation_form", "case_means_of_control", "partner"):
            cur.execute(f"VACUUM ANALYZE {table}")
    return {
        "persons": rows,
        "months": n_months,
        "cases": case_no,
        "exploitation_form_rows": forms_written,
        "means_of_control_rows": means_written,
        "persons_per_month_min_max": [min(per_month), max(per_month)],
    }


# --- timing --------------------------------------------------------------------------------------


def stats(samples_s: Sequence[float]) -> dict[str, float]:
    ms = sorted(1000 * s for s in samples_s)
    p95 = ms[min(len(ms) - 1, max(0, round(0.95 * len(ms)) - 1))]
    return {
        "n": len(ms),
        "median_ms": round(statistics.median(ms), 1),
        "p95_ms": round(p95, 1),
        "max_ms": round(ms[-1], 1),
    }


def clear_caches() -> None:
    from ciateh import reports, snapshots

    reports.clear_cache()
    snapshots.clear_caches()


def timed(call: Callable[[], object], n: int, cold_n: int) -> dict[str, Any]:
    """The first call with empty caches, then ``n`` calls, then ``cold_n`` calls each after emptying
    the caches."""
    clear_caches()
    start = time.perf_counter()
    call()
    first = time.perf_counter() - start
    warm = []
    for _ in range(n):
        start = time.perf_counter()
        call()
        warm.append(time.perf_counter() - start)
    cold = []
    for _ in range(cold_n):
        clear_caches()
        start = time.perf_counter()
        call()
        cold.append(time.perf_counter() - start)
    return {"first_ms": round(1000 * first, 1), "warm": stats(warm), "cold": stats(cold) if cold else None}


# --- main ----------------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="anonymous persons (default 1,000,000)")
    parser.add_argument("--months", type=int, default=36, help="months they span (default 36)")
    parser.add_argument("--requests", type=int, default=50, help="timed requests per page (default 50)")
    parser.add_argument(
        "--cold-requests", type=int, default=10, help="requests with emptied caches (default 10)"
    )
    parser.add_argument(
        "--output", type=Path, default=ROOT / "bench-results" / "portal.json", help="where the figures go"
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    base_url = os.environ.get(DATABASE_ENV) or DEFAULT_DATABASE
    from flask import Flask
    from flask_login import login_user

    from ciateh import create_app, migrate, reports
    from ciateh.db import db
    from ciateh.snapshots import approve_month, build_snapshot

    figures: dict[str, Any] = {"rows": args.rows, "months": args.months, "requests": args.requests}
    with fresh_schema(base_url) as bench_db:
        migrate.upgrade(bench_db.url)
        start = time.perf_counter()
        figures["data"] = fill(bench_db, args.rows, args.months)
        figures["fill_s"] = round(time.perf_counter() - start, 1)
        print(
            f"portal at {args.rows:,} persons over {args.months} months in PostgreSQL"
            f" (COPY in {figures['fill_s']} s; {figures['data']['cases']:,} cases)"
        )

        app: Flask = create_app(
            {
                "DATABASE_URL": bench_db.url,
                "SECRET_KEY": secrets.token_urlsafe(32),
                "FERNET_KEYS": "YmVuY2gtZmVybmV0LWtleS1ub3QtZm9yLXByb2R1Y3Q=",
                "SECURE_COOKIES": False,
                "LOG_LEVEL": "WARNING",
            }
        )
        months = months_list(args.months)
        month = months[-3]  # an approved month with a year and a month before it
        with app.app_context():
            session = db.session
            pg = session.scalar(sa.text("SHOW server_version"))
            figures["postgresql"] = pg
            # 1. snapshots
            builds = []
            for one in months:
                start = time.perf_counter()
                build_snapshot(session, one, "job:bench")
                session.commit()
                builds.append(time.perf_counter() - start)
            start = time.perf_counter()
            again = [build_snapshot(session, one, "job:bench")[1] for one in months[:3]]
            session.commit()
            rebuild = (time.perf_counter() - start) / 3
            for one in months[:-2]:
                approve_month(session, one, "user:bench-bureau")
                session.commit()
            size = session.scalar(sa.text("SELECT avg(length(tables::text)) FROM month_snapshot"))
            figures["snapshot"] = {
                "build_s_median": round(statistics.median(builds), 2),
                "build_s_max": round(max(builds), 2),
                "build_s_all": [round(b, 2) for b in builds],
                "rebuild_unchanged_s": round(rebuild, 2),
                "rebuild_created": any(again),
                "stored_json_kb_mean": round(float(size or 0) / 1024, 1),
                "target_s": TARGET_SNAPSHOT_S,
                "target_met": max(builds) < TARGET_SNAPSHOT_S,
            }
            met = "met" if max(builds) < TARGET_SNAPSHOT_S else "NOT met"
            print(
                f"  snapshot build per month: median {statistics.median(builds):.2f} s,"
                f" max {max(builds):.2f} s (target < {TARGET_SNAPSHOT_S:.0f} s: {met});"
                f" unchanged rebuild {rebuild:.2f} s; stored JSON ~{float(size or 0) / 1024:.0f} KiB"
            )

            # 2. the view models
            top = reports.month_report(session, month, "victims")
            assert top is not None
            top_nationality = top.breakdown("nationality").table.layout.row_keys[0]
            direct = {
                "month_report": lambda: reports.month_report(session, month, "victims"),
                "drilldown_nationality_by_sex": lambda: reports.drilldown(
                    session, month, "victims", "nationality", top_nationality, "sex"
                ),
                "drilldown_sector_by_province": lambda: reports.drilldown(
                    session, month, "victims", "labour_sector", "construction", "province"
                ),
                "period_report_12": lambda: reports.period_report(session, months[-1], 12),
                "period_report_36": lambda: reports.period_report(session, months[-1], 36),
                "months_overview": lambda: reports.months_overview(session),
            }
            figures["direct"] = {}
            print("  view models (ms): first (empty caches) | median, p95 warm | median, p95 caches emptied")
            for name, call in direct.items():
                result = timed(call, args.requests, args.cold_requests)
                session.rollback()
                figures["direct"][name] = result
                _print_row(name, result)

            # 3. the pages
            bureau = _user(session, "bench-bureau", "bureau")
            cell = _user(session, "bench-cell", "cell")
        pages = {
            "bureau_month": (bureau, f"/bureau/month/{month}"),
            "bureau_month_suspects": (bureau, f"/bureau/month/{month}?role=suspects"),
            "export_csv": (bureau, f"/bureau/month/{month}/export.csv"),
            "export_xlsx": (bureau, f"/bureau/month/{month}/export.xlsx"),
            "export_pdf": (bureau, f"/bureau/month/{month}/export.pdf"),
            "bureau_drilldown": (
                bureau,
                f"/bureau/month/{month}/drilldown?role=victims&dimension=nationality&code={top_nationality}&by=sex",
            ),
            "bureau_months": (bureau, "/bureau/"),
            "cell_dashboard": (cell, "/cell/"),
            "cell_dashboard_36": (cell, "/cell/?months=36"),
            "cell_meeting_pack": (cell, f"/cell/meeting-pack.pdf?from={months[-12]}&to={months[-1]}"),
        }
        figures["pages"] = {}
        print("  pages, server time through the Flask test client (ms): first | warm | caches emptied")
        for name, (user_id, path) in pages.items():
            client = _signed_in(app, user_id, login_user)
            status = client.get(path).status_code
            if status != 200:
                figures["pages"][name] = {"path": path, "status": status}
                print(f"    {name:<30} {path}: HTTP {status}, not timed")
                continue
            result = timed(lambda c=client, p=path: _get(c, p), args.requests, args.cold_requests)
            result["path"] = path
            result["target_p95_ms"] = TARGET_PAGE_P95_MS
            result["target_met"] = result["warm"]["p95_ms"] < TARGET_PAGE_P95_MS
            figures["pages"][name] = result
            _print_row(name, result, target=True)
        with app.app_context():
            db.engine.dispose()

    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    print(
        f"  written to {args.output.relative_to(ROOT) if args.output.is_relative_to(ROOT) else args.output}"
    )
    return 0


def _print_row(name: str, result: dict[str, Any], target: bool = False) -> None:
    warm, cold = result["warm"], result["cold"]
    cold_text = f" | {cold['median_ms']:>7.1f} {cold['p95_ms']:>7.1f}" if cold else ""
    met = ""
    if target:
        met = "  p95 < 300 ms: " + ("met" if warm["p95_ms"] < TARGET_PAGE_P95_MS else "NOT met")
    numbers = f"{result['first_ms']:>8.1f} | {warm['median_ms']:>7.1f} {warm['p95_ms']:>7.1f}"
    print(f"    {name:<30} {numbers}{cold_text}{met}")


def _user(session: Any, username: str, role: str) -> int:
    from argon2 import PasswordHasher

    from ciateh.models import User

    user = User(
        username=username,
        role=role,
        password_hash=PasswordHasher().hash(secrets.token_urlsafe(12)),
        totp_secret="JBSWY3DPEHPK3PXP",
        language="en",
    )
    session.add(user)
    session.commit()
    return int(user.id)


def _signed_in(app: Any, user_id: int, login_user: Callable[[Any], bool]) -> Any:
    """A test client with a Flask-Login session for the user (as after password and TOTP)."""
    from flask import session as flask_session

    from ciateh.db import db
    from ciateh.models import User

    client = app.test_client()
    # the same address and user agent as the client's requests ("strong" session protection)
    with app.test_request_context(environ_base=dict(client.environ_base)):
        user = db.session.get(User, user_id)
        login_user(user)
        values = dict(flask_session)
    with client.session_transaction() as sess:
        sess.clear()
        sess.update(values)
    return client


def _get(client: Any, path: str) -> None:
    response = client.get(path)
    if response.status_code != 200:
        raise RuntimeError(f"{path}: HTTP {response.status_code}")
    response.get_data()


if __name__ == "__main__":
    sys.exit(main())
