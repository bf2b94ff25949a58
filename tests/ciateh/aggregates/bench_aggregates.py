"""Query and protection times at 1,000,000 anonymous persons in PostgreSQL.

    CIATEH_TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test \\
        .venv/bin/python tests/ciateh/aggregates/bench_aggregates.py [rows]

Works in a schema of its own (created, filled in bulk with ``generate_series``, dropped at the
end): 24 months, 6 partners, skewed codes, 1.2 forms of exploitation and 0.5 means of control per
person. Prints the median and p95 of each call over 20 runs.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from urllib.parse import quote

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ciateh import migrate
from ciateh.aggregates import (
    count_by,
    crosstab,
    monthly_series,
    protected_count_by,
    protected_crosstab,
    protected_series,
    protected_top_n,
)

FILL = """
INSERT INTO partner (code, name, kind, created_at)
SELECT 'p' || g, 'Partner ' || g, (ARRAY['police','labour_inspection','social_inspection','prosecution',
       'reception_centre','myria'])[g], now() FROM generate_series(1, 6) g;
INSERT INTO batch (partner_id, client_batch_id, body_sha256, key_id, status, record_count, accepted_count,
                   rejected_count, outcomes, received_at)
SELECT id, 'bench', repeat('0', 64), 'k', 'accepted', 0, 0, 0, '[]', now() FROM partner;
SELECT setseed(0.42);
INSERT INTO anonymous_case (partner_id, record_key, case_key, role, offence, registered_month, labour_sector,
    sex, age_band, minor_at_exploitation, nationality, province, recruiter_relation, protection_stage,
    judicial_stage, anonymiser_version, policy_version, batch_id, received_at, updated_at)
SELECT p.id, md5(g::text), md5((g / 3)::text),
    (ARRAY['victim','presumed_victim','suspect'])[1 + floor(random() * 3)::int],
    (ARRAY['trafficking','smuggling','both'])[1 + floor(random() * 3)::int],
    to_char(date '2023-01-01' + (((g - 1) * 24 / :rows) || ' month')::interval, 'YYYY-MM'),
    (ARRAY['agriculture','construction','hospitality','cleaning','meat_processing','car_wash','domestic_work',
           'not_applicable','unknown'])[1 + floor(power(random(), 2) * 9)::int],
    (ARRAY['male','female','other','unknown'])[1 + floor(power(random(), 3) * 4)::int],
    (ARRAY['18-20','21-23','24-26','27-29','30-38','39-47','48+','9-17','0-8','unknown'])
        [1 + floor(power(random(), 2) * 10)::int],
    (ARRAY['no','yes','unknown'])[1 + floor(power(random(), 3) * 3)::int],
    (ARRAY['RO','BG','MA','NG','BR','UA','IN','CN','PH','AL','TR','PK','EG','VN','202','419','BE','FR','NL',
           'unknown'])[1 + floor(power(random(), 2) * 20)::int],
    (ARRAY['BE-BRU','BE-VAN','BE-VOV','BE-WHT','BE-WLG','BE-VLI','BE-VBR','BE-VWV','BE-WBR','BE-WLX',
           'BE-WNA','abroad','unknown'])[1 + floor(power(random(), 2) * 13)::int],
    'unknown', 'unknown', 'unknown', '0.1.0', '2025.1', b.id, now(), now()
FROM generate_series(1, :rows) g
JOIN partner p ON p.id = 1 + (g % 6)
JOIN batch b ON b.partner_id = p.id;
INSERT INTO case_exploitation_form (case_id, code)
SELECT id, (ARRAY['sexual','labour','domestic_servitude','child_labour','forced_begging',
                  'forced_criminality'])[1 + (id % 6)] FROM anonymous_case;
INSERT INTO case_exploitation_form (case_id, code)
SELECT id, 'forced_criminality' FROM anonymous_case WHERE id % 5 = 0 AND id % 6 <> 5;
INSERT INTO case_means_of_control (case_id, code)
SELECT id, (ARRAY['debt_bondage','threats','abuse','false_promises'])[1 + (id % 4)]
FROM anonymous_case WHERE id % 2 = 0;
ANALYZE;
"""


def timed(call: Callable[[], object], runs: int = 20) -> tuple[float, float]:
    call()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[int(0.95 * (len(times) - 1))]


def main() -> None:
    base = os.environ.get("CIATEH_TEST_DATABASE_URL")
    if not base:
        raise SystemExit("set CIATEH_TEST_DATABASE_URL to a PostgreSQL database")
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(base)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    url = f"{base}{'&' if '?' in base else '?'}options={quote(f'-csearch_path={schema}')}"
    try:
        migrate.upgrade(url)
        engine = sa.create_engine(url)
        started = time.perf_counter()
        with engine.begin() as conn:
            for statement in FILL.split(";\n"):
                if statement.strip():
                    conn.execute(sa.text(statement), {"rows": rows})
        print(f"{rows:,} persons generated in {time.perf_counter() - started:.1f} s")
        month, year = "2024-06", ("2023-07", "2024-06")
        with Session(engine) as session:
            calls: dict[str, Callable[[], object]] = {
                "count_by sex, month": lambda: count_by(session, "sex", month=month),
                "count_by nationality, month, victims": lambda: count_by(
                    session, "nationality", month=month, role_group="victims"
                ),
                "count_by exploitation_form, month": lambda: count_by(
                    session, "exploitation_form", month=month
                ),
                "count_by sex, month, cases": lambda: count_by(session, "sex", month=month, unit="cases"),
                "crosstab sex x age_band, month": lambda: crosstab(session, "sex", "age_band", month=month),
                "crosstab role x exploitation_form, month": lambda: crosstab(
                    session, "role", "exploitation_form", month=month
                ),
                "crosstab partner x means_of_control, month": lambda: crosstab(
                    session, "partner", "means_of_control", month=month
                ),
                "monthly_series 12 months": lambda: monthly_series(session, year),
                "monthly_series 12 months x exploitation_form": lambda: monthly_series(
                    session, year, "exploitation_form"
                ),
                "protected_count_by nationality, month": lambda: protected_count_by(
                    session, "nationality", month=month
                ),
                "protected_crosstab province x exploitation_form, month": lambda: protected_crosstab(
                    session, "province", "exploitation_form", month=month
                ),
                "protected_series 12 months x nationality": lambda: protected_series(
                    session, year, "nationality"
                ),
                "protected_top_n nationality, 12 months": lambda: protected_top_n(
                    session, "nationality", 10, months=year
                ),
            }
            print(f"{'call':58} {'median ms':>10} {'p95 ms':>8}")
            for name, call in calls.items():
                median, p95 = timed(call)
                print(f"{name:58} {median:10.1f} {p95:8.1f}")
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


if __name__ == "__main__":
    main()
