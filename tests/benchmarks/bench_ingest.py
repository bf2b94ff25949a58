"""`make bench`: ingest throughput through the real HTTP API, beside the raw COPY rate of the same rows.

gunicorn serves the app on loopback (``--workers``, default: the number of cores), on PostgreSQL: a
fresh schema in the ``test`` database of the local server, or in the database that
``CIATEH_BENCH_DATABASE_URL`` names (a schema of its own there too, dropped afterwards; nothing
else is touched). A partner is set up with the real commands (``flask --app ciateh db upgrade``,
``partner add``, ``key register``). ``--batches`` signed batches (default 20) of ``--batch-size``
records (default 1,000) built with ``AnonymousCase(...).to_dict()``, with short scrubbed narratives
(~150 characters, typed placeholders), are sent by ``--clients`` threads (default 2), after a warm-up
that loads the detector in every worker. Every record must be accepted.

Then, in the same run and the same database, the same rows go into tables of the same layout
(``LIKE ... INCLUDING ALL``: columns, primary key, unique constraint, indexes; foreign keys added as
in the real tables; the two child tables of codes too) with PostgreSQL ``COPY`` (psycopg's
``cursor.copy``), one transaction per batch: the physical limit of the insert alone.

Prints records/s through the API and with COPY, their ratio, and the CPU time of the gunicorn workers,
of the PostgreSQL sessions and of the client; writes bench-results/ingest.json. The target (>= 2,000
records/s through the API) is reported, never asserted. ``--profile`` runs cProfile around every
request in every worker (through a gunicorn config file: no hook in the app) and prints where the
workers' time goes, instead of writing the figures (a profiled run is slower).

``main(argv)`` is the entry point (``python tests/benchmarks/bench_ingest.py --help``).
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import pstats
import queue
import random
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import psutil
import requests
import sqlalchemy as sa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from anonymiser import AnonymousCase
from anonymiser.codelists import default_codelists
from ciateh.ingest.service import CASE_COLUMNS  # the columns the record fills, in the order of the COPY

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DATABASE = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
DATABASE_ENV = "CIATEH_BENCH_DATABASE_URL"
TARGET_RECORDS_PER_S = 2000
BATCHES = "/api/v1/batches"
OPENAPI = "/api/v1/openapi.json"
PARTNER = "bench-police"
START_TIMEOUT_S = 120.0

#: Scrubbed narratives as a partner's anonymiser leaves them (personal data only as placeholders);
#: about 150 characters each.
NARRATIVES = (
    "[PERSON] werkte zes maanden in een carwash in [ADDRESS] zonder loon; de werkgever [PERSON] hield"
    " zijn paspoort in en liet hem in de garage slapen.",
    "[PERSON] a été recrutée via [ONLINE_ID] pour un emploi de serveuse; à son arrivée, [PERSON] a"
    " confisqué son passeport et exigé le remboursement d'une dette.",
    "[PERSON] was recruited through [ONLINE_ID] for farm work, paid nothing for months and threatened"
    " by [PERSON] when asking for wages; phone [PHONE] was taken.",
    "[PERSON] arbeitete in einem Restaurant in [ADDRESS] ohne Lohn und ohne Vertrag; [PERSON] nahm ihr"
    " Telefon [PHONE] und den Reisepass an sich.",
    "Het loon van [PERSON] werd op [IBAN] gestort en meteen afgenomen door [PERSON]; hij sliep met vijf"
    " anderen in een container op de werf in [ADDRESS].",
    "Lors du contrôle du [DATE] dans un salon de manucure à [ADDRESS], [PERSON] a déclaré devoir"
    " rembourser une dette de voyage à [PERSON] chaque semaine.",
)
MULTI_FIELDS = ("exploitation_forms", "means_of_control")
CODED = {
    "role": "role",
    "offence": "offence",
    "labour_sector": "labour_sector",
    "sex": "sex",
    "age_band": "age_band",
    "minor_at_exploitation": "minor_at_exploitation",
    "nationality": "nationality",
    "province": "province",
    "recruiter_relation": "recruiter_relation",
    "protection_stage": "protection_stage",
    "judicial_stage": "judicial_stage",
}

#: gunicorn config for --profile: cProfile around each request of each worker, dumped at exit.
PROFILE_CONFIG = """\
import cProfile, os

PROFILE_DIR = {profile_dir!r}


def post_worker_init(worker):
    worker.ciateh_profile = cProfile.Profile()


def pre_request(worker, req):
    worker.ciateh_profile.enable()


def post_request(worker, req, environ, resp):
    worker.ciateh_profile.disable()


def worker_exit(server, worker):
    profile = getattr(worker, "ciateh_profile", None)
    if profile is not None:
        profile.dump_stats(os.path.join(PROFILE_DIR, "worker-%d.prof" % worker.pid))
"""

#: What the workers' time is spent on: label -> functions (file suffix, name) whose cumulative time
#: counts for it. They do not call each other, except where a label says "of which".
PROFILE_PARTS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    ("request handling (the view post_batch)", (("ciateh/ingest/api.py", "post_batch"),)),
    ("  signature check and replay record", (("ciateh/ingest/api.py", "authenticated"),)),
    ("  JSON parse of the body (parse_batch)", (("ciateh/ingest/envelope.py", "parse_batch"),)),
    ("  record checks (check_records)", (("ciateh/ingest/checks.py", "check_records"),)),
    ("    of which the narrative detector", (("anonymiser/verify.py", "narrative_findings"),)),
    ("    of which the schema check", (("anonymiser/records.py", "schema_problems"),)),
    ("    of which AnonymousCase.from_dict", (("anonymiser/records.py", "from_dict"),)),
    ("  store: batch row, upsert, audit (_store)", (("ciateh/ingest/service.py", "_store"),)),
    ("    of which upsert_cases", (("ciateh/ingest/service.py", "upsert_cases"),)),
    ("  commit", (("sqlalchemy/orm/session.py", "commit"),)),
    ("  response JSON (jsonify)", (("flask/json/__init__.py", "jsonify"),)),
)


# --- records -------------------------------------------------------------------------------------


def gate_cpu_ms_per_record(records: Sequence[dict[str, object]]) -> float:
    """CPU time per record of the privacy gate alone (``check_records``: schema, limits, narrative
    detector), in this process: the part of a worker's work that no database change can remove."""
    from ciateh.config import DEFAULTS
    from ciateh.ingest.checks import check_records
    from ciateh.ingest.limits import IngestLimits

    limits = IngestLimits.from_config(DEFAULTS)
    check_records(records[:20], limits)  # the detector's lazy loading is not what is measured
    best = float("inf")
    for _ in range(3):
        t0 = time.process_time()
        check_records(records, limits)
        best = min(best, time.process_time() - t0)
    return 1000 * best / len(records)


def make_records(count: int, seed: int, nonce: str) -> list[dict[str, object]]:
    """``count`` valid anonymous records, built as a connector builds them (``to_dict()``)."""
    rng = random.Random(seed)
    lists = default_codelists()
    codes = {field: sorted(lists[name].values) for field, name in CODED.items()}
    forms = sorted(lists["exploitation_form"].values)
    means = sorted(lists["means_of_control"].values)
    records = []
    for i in range(count):
        key = hashlib.sha256(f"{nonce}:record:{i}".encode()).hexdigest()
        case = hashlib.sha256(f"{nonce}:case:{i // 2}".encode()).hexdigest()
        coded = {field: rng.choice(values) for field, values in codes.items()}
        anonymous = AnonymousCase(
            record_key=key,
            case_key=case,
            registered_month=f"20{rng.randint(18, 25)}-{rng.randint(1, 12):02d}",
            anonymiser_version="0.1.0",
            policy_version="2025.1",
            exploitation_forms=tuple(rng.sample(forms, rng.randint(1, 2))),
            means_of_control=tuple(rng.sample(means, rng.randint(0, 3))),
            narrative=NARRATIVES[i % len(NARRATIVES)],
            **coded,
        )
        records.append(anonymous.to_dict())
    return records


def body_of(batch_id: str, records: Sequence[dict[str, object]]) -> bytes:
    return json.dumps({"batch_id": batch_id, "records": list(records)}, ensure_ascii=False).encode("utf-8")


# --- the database --------------------------------------------------------------------------------


def _with_params(url: str, **params: str) -> str:
    query = "&".join(f"{k}={quote(v)}" for k, v in params.items())
    return f"{url}{'&' if '?' in url else '?'}{query}"


@dataclass(frozen=True)
class BenchDatabase:
    url: str  # SQLAlchemy URL with the schema's search_path and our application_name
    schema: str
    application_name: str

    def psycopg_conninfo(self) -> str:
        return sa.make_url(self.url).set(drivername="postgresql").render_as_string(hide_password=False)


@contextlib.contextmanager
def fresh_schema(base: str) -> Iterator[BenchDatabase]:
    suffix = secrets.token_hex(6)
    schema, application_name = f"bench_{suffix}", f"ciateh-bench-{suffix}"
    admin = sa.create_engine(base, poolclass=sa.NullPool)
    if admin.dialect.name != "postgresql":
        raise SystemExit("bench_ingest needs PostgreSQL (COPY is the comparison)")
    try:
        with admin.begin() as conn:
            conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    except sa.exc.OperationalError:
        raise SystemExit(
            f"bench_ingest: cannot reach PostgreSQL ({sa.make_url(base).render_as_string()});"
            f" start it or set {DATABASE_ENV}"
        ) from None
    try:
        url = _with_params(base, options=f"-csearch_path={schema}", application_name=application_name)
        yield BenchDatabase(url, schema, application_name)
    finally:
        with admin.begin() as conn:
            conn.execute(
                sa.text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE application_name = :app AND pid <> pg_backend_pid()"
                ),
                {"app": application_name},
            )
            conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


def server_env(db: BenchDatabase) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CIATEH_")}
    env["CIATEH_DATABASE_URL"] = db.url
    return env


def flask_cli(db: BenchDatabase, *args: str, cwd: Path) -> str:
    proc = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "ciateh", *args],
        env=server_env(db),
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if proc.returncode != 0:
        raise SystemExit(f"flask {' '.join(args[:2])} failed:\n{proc.stdout}\n{proc.stderr}")
    return proc.stdout


# --- the server ----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def gunicorn(
    db: BenchDatabase, workers: int, cwd: Path, log: Path, config: Path | None
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """gunicorn on a free loopback port, in a process group of its own; stopped (killed if need be)
    on the way out."""
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{port}"]
    command += ["--timeout", "600", "--no-control-socket", "--graceful-timeout", "30"]
    if config is not None:
        command += ["-c", str(config)]
    command.append("ciateh:create_app()")
    with log.open("ab") as out:
        proc = subprocess.Popen(
            command,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=server_env(db),
            cwd=cwd,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"gunicorn did not start:\n{log.read_text(errors='replace')[-3000:]}")
            with contextlib.suppress(requests.RequestException):
                if requests.get(base + OPENAPI, timeout=5).status_code == 200:
                    break
            time.sleep(0.2)
        yield base, proc
    finally:
        procs = _group(proc)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)  # graceful: workers run worker_exit (profiles)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        psutil.wait_procs(procs, timeout=30)


def _group(proc: subprocess.Popen[bytes]) -> list[psutil.Process]:
    try:
        master = psutil.Process(proc.pid)
        return [master, *master.children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


def _cpu_seconds(procs: Sequence[psutil.Process]) -> float:
    total = 0.0
    for p in procs:
        with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
            times = p.cpu_times()
            total += times.user + times.system
    return total


def _backends(db: BenchDatabase, engine: sa.Engine) -> list[psutil.Process]:
    with engine.connect() as conn:
        pids = conn.scalars(
            sa.text(
                "SELECT pid FROM pg_stat_activity WHERE application_name = :app AND pid <> pg_backend_pid()"
            ),
            {"app": db.application_name},
        ).all()
    procs = []
    for pid in pids:
        with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
            procs.append(psutil.Process(int(pid)))
    return procs


# --- the client ----------------------------------------------------------------------------------


class Signer:
    """Signs requests with the partner's key; a timestamp per request that never repeats for the
    same body (Ed25519 is deterministic: the same request signed twice is a replay)."""

    def __init__(self, key: Ed25519PrivateKey) -> None:
        from ciateh.ingest.signatures import sign_request

        self._sign = sign_request
        self.key = key

    def headers(self, method: str, path: str, body: bytes) -> dict[str, str]:
        headers = self._sign(self.key, method, path, body, int(time.time()))
        headers["Content-Type"] = "application/json"
        return headers


def post_batches(
    base: str, signer: Signer, bodies: Sequence[tuple[str, bytes]], clients: int, expected: int
) -> tuple[float, list[float]]:
    """Send every body from ``clients`` threads; the wall time and each request's latency. Every
    batch must be stored with every record accepted."""
    work: queue.Queue[tuple[str, bytes]] = queue.Queue()
    for item in bodies:
        work.put(item)
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()

    def client() -> None:
        http = requests.Session()
        while True:
            try:
                batch_id, body = work.get_nowait()
            except queue.Empty:
                return
            t0 = time.perf_counter()
            try:
                response = http.post(
                    base + BATCHES, data=body, headers=signer.headers("POST", BATCHES, body), timeout=600
                )
                ok = response.status_code == 201 and response.json()["counts"]["accepted"] == expected
                problem = None if ok else f"batch {batch_id}: HTTP {response.status_code}"
            except (requests.RequestException, ValueError, KeyError) as exc:
                problem = f"batch {batch_id}: {type(exc).__name__}"
            with lock:
                latencies.append(time.perf_counter() - t0)
                if problem:
                    errors.append(problem)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    if errors:
        raise SystemExit("batches not stored as expected: " + "; ".join(errors[:5]))
    return wall, latencies


# --- COPY ----------------------------------------------------------------------------------------

COPY_DDL = (
    "CREATE TABLE copy_case (LIKE anonymous_case INCLUDING ALL)",
    "ALTER TABLE copy_case ADD FOREIGN KEY (partner_id) REFERENCES partner (id),"
    " ADD FOREIGN KEY (batch_id) REFERENCES batch (id)",
    "CREATE TABLE copy_case_exploitation_form (LIKE case_exploitation_form INCLUDING ALL)",
    "ALTER TABLE copy_case_exploitation_form"
    " ADD FOREIGN KEY (case_id) REFERENCES copy_case (id) ON DELETE CASCADE",
    "CREATE TABLE copy_case_means_of_control (LIKE case_means_of_control INCLUDING ALL)",
    "ALTER TABLE copy_case_means_of_control"
    " ADD FOREIGN KEY (case_id) REFERENCES copy_case (id) ON DELETE CASCADE",
)


def copy_rate(
    db: BenchDatabase, batches: Sequence[Sequence[dict[str, object]]], batch_pks: Sequence[int]
) -> float:
    """Seconds to COPY the same rows into tables of the same layout, one transaction per batch."""
    import psycopg

    now = datetime.now(UTC)
    with psycopg.connect(db.psycopg_conninfo()) as conn:
        with conn.cursor() as cur:
            for statement in COPY_DDL:
                cur.execute(statement)
            cur.execute("SELECT id FROM partner WHERE code = %s", (PARTNER,))
            row = cur.fetchone()
            assert row is not None
            partner_id = int(row[0])
        conn.commit()
        columns = ", ".join(("id", "partner_id", *CASE_COLUMNS, "batch_id", "received_at", "updated_at"))
        next_id = 1
        t0 = time.perf_counter()
        for records, batch_pk in zip(batches, batch_pks, strict=True):
            with conn.cursor() as cur:
                first = next_id
                with cur.copy(f"COPY copy_case ({columns}) FROM STDIN") as copy:
                    for r in records:
                        copy.write_row(
                            (next_id, partner_id, *(r[c] for c in CASE_COLUMNS), batch_pk, now, now)
                        )
                        next_id += 1
                with cur.copy("COPY copy_case_exploitation_form (case_id, code) FROM STDIN") as copy:
                    for offset, r in enumerate(records):
                        for code in sorted(set(_codes(r["exploitation_forms"]))):
                            copy.write_row((first + offset, code))
                with cur.copy("COPY copy_case_means_of_control (case_id, code) FROM STDIN") as copy:
                    for offset, r in enumerate(records):
                        for code in sorted(set(_codes(r["means_of_control"]))):
                            copy.write_row((first + offset, code))
            conn.commit()
        elapsed = time.perf_counter() - t0
        with conn.cursor() as cur:
            cur.execute("SELECT count(*) FROM copy_case")
            counted = cur.fetchone()
    assert counted is not None and counted[0] == sum(len(b) for b in batches)
    return elapsed


def _codes(value: object) -> list[str]:
    assert isinstance(value, list)
    return [str(v) for v in value]


# --- profile -------------------------------------------------------------------------------------


def profile_report(profile_dir: Path) -> str:
    files = sorted(profile_dir.glob("worker-*.prof"))
    if not files:
        return "no profile was written (did the workers exit gracefully?)"
    stats = pstats.Stats(*(str(f) for f in files))
    table: dict[tuple[str, int, str], tuple[Any, ...]] = stats.stats  # type: ignore[attr-defined]
    lines = [f"where the workers' time goes (cProfile, {len(files)} worker(s), cumulative seconds):"]
    total = 0.0
    for label, functions in PROFILE_PARTS:
        seconds = sum(
            entry[3]
            for (filename, _line, name), entry in table.items()
            for suffix, function in functions
            if name == function and filename.endswith(suffix)
        )
        total = total or seconds
        share = f"{100 * seconds / total:5.1f}%" if total else "   - "
        lines.append(f"  {label:46} {seconds:8.2f} s  {share}")
    lines.append("")
    lines.append("top 20 functions by own time:")
    ranked = sorted(table.items(), key=lambda item: item[1][2], reverse=True)[:20]
    for (filename, line, name), entry in ranked:
        short = "/".join(Path(filename).parts[-2:])
        lines.append(f"  {entry[2]:8.2f} s own  {entry[3]:8.2f} s cum  {short}:{line} {name}")
    return "\n".join(lines)


# --- main ----------------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2, help="gunicorn workers")
    parser.add_argument("--batches", type=int, default=20, help="batches sent (default 20)")
    parser.add_argument("--batch-size", type=int, default=1000, help="records per batch (default 1000)")
    parser.add_argument("--clients", type=int, default=2, help="client threads (default 2)")
    parser.add_argument("--profile", action="store_true", help="profile the workers (figures not written)")
    parser.add_argument(
        "--output", type=Path, default=ROOT / "bench-results" / "ingest.json", help="where the figures go"
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    base_url = os.environ.get(DATABASE_ENV) or DEFAULT_DATABASE
    n_records = args.batches * args.batch_size
    nonce = secrets.token_hex(8)
    batches = [make_records(args.batch_size, seed=i, nonce=f"{nonce}:{i}") for i in range(args.batches)]
    bodies = [(f"bench-{nonce}-{i}", body_of(f"bench-{nonce}-{i}", b)) for i, b in enumerate(batches)]
    narrative_chars = sum(len(str(r["narrative"])) for b in batches for r in b) / n_records
    gate_ms = gate_cpu_ms_per_record(batches[0])
    load_before = os.getloadavg()[0]

    with tempfile.TemporaryDirectory(prefix="ciateh-bench-") as tmp, fresh_schema(base_url) as db:
        work = Path(tmp)
        flask_cli(db, "db", "upgrade", cwd=work)
        key = Ed25519PrivateKey.generate()
        pem = work / "partner.pub.pem"
        pem.write_bytes(key.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo))
        flask_cli(db, "partner", "add", PARTNER, "--name", "Benchmark partner", "--kind", "police", cwd=work)
        flask_cli(db, "key", "register", PARTNER, str(pem), cwd=work)
        signer = Signer(key)

        config: Path | None = None
        profile_dir = work / "profiles"
        if args.profile:
            profile_dir.mkdir()
            config = work / "gunicorn_profile.py"
            config.write_text(PROFILE_CONFIG.format(profile_dir=str(profile_dir)), encoding="utf-8")

        engine = sa.create_engine(db.url, poolclass=sa.NullPool)
        try:
            with gunicorn(db, args.workers, work, work / "gunicorn.log", config) as (base, proc):
                # warm-up: every worker loads the detector and opens its connections
                warm = [
                    (
                        f"warmup-{nonce}-{i}",
                        body_of(f"warmup-{nonce}-{i}", make_records(20, 10_000 + i, f"w{nonce}{i}")),
                    )
                    for i in range(4 * args.workers)
                ]
                post_batches(base, signer, warm, max(args.clients, args.workers), 20)
                workers = _group(proc)[1:]
                backends = _backends(db, engine)
                cpu_workers0, cpu_pg0 = _cpu_seconds(workers), _cpu_seconds(backends)
                cpu_client0 = time.process_time()
                wall, latencies = post_batches(base, signer, bodies, args.clients, args.batch_size)
                cpu_client = time.process_time() - cpu_client0
                cpu_workers = _cpu_seconds(workers) - cpu_workers0
                backends_after = _backends(db, engine)
                cpu_pg = (
                    _cpu_seconds(backends_after) - cpu_pg0 if backends_after == backends else float("nan")
                )
            with engine.connect() as conn:
                batch_pks = [
                    int(conn.scalar(sa.text("SELECT id FROM batch WHERE client_batch_id = :b"), {"b": bid}))
                    for bid, _ in bodies
                ]
                stored = conn.scalar(
                    sa.text(
                        "SELECT count(*) FROM anonymous_case c JOIN batch b ON b.id = c.batch_id"
                        " WHERE b.client_batch_id LIKE :p"
                    ),
                    {"p": f"bench-{nonce}-%"},
                )
                pg_version = str(conn.scalar(sa.text("SHOW server_version")))
            if stored != n_records:
                raise SystemExit(f"{stored} records stored, {n_records} expected")
            copy_s = copy_rate(db, batches, batch_pks)
        finally:
            engine.dispose()

        load_after = os.getloadavg()[0]
        api_rate, copy_rec_s = n_records / wall, n_records / copy_s
        cores = os.cpu_count() or 1
        server_cpu_ms = 1000 * (cpu_workers + cpu_pg) / n_records
        # if the server's CPU were the only limit, all cores busy with workers and PostgreSQL
        ceiling = 1000 * cores / server_cpu_ms if server_cpu_ms > 0 else float("nan")
        latencies.sort()
        p50 = latencies[len(latencies) // 2]
        p95 = latencies[min(len(latencies) - 1, int(0.95 * len(latencies)))]
        figures = {
            "records": n_records,
            "batches": args.batches,
            "batch_size": args.batch_size,
            "workers": args.workers,
            "clients": args.clients,
            "cpu_count": os.cpu_count(),
            "postgresql": pg_version,
            "narrative_chars_mean": round(narrative_chars, 1),
            "api_records_per_s": round(api_rate, 1),
            "api_wall_s": round(wall, 2),
            "api_batch_latency_p50_s": round(p50, 3),
            "api_batch_latency_p95_s": round(p95, 3),
            "copy_records_per_s": round(copy_rec_s, 1),
            "copy_wall_s": round(copy_s, 2),
            "ratio_api_to_copy": round(api_rate / copy_rec_s, 4),
            "copy_over_api": round(copy_rec_s / api_rate, 1),
            "cpu_workers_s": round(cpu_workers, 2),
            "cpu_postgres_sessions_s": round(cpu_pg, 2),
            "cpu_client_s": round(cpu_client, 2),
            "cpu_workers_ms_per_record": round(1000 * cpu_workers / n_records, 3),
            "cpu_postgres_ms_per_record": round(1000 * cpu_pg / n_records, 3),
            "gate_cpu_ms_per_record": round(gate_ms, 3),
            "cpu_bound_ceiling_records_per_s": round(ceiling, 1),
            "load_average_1min_before_after": [round(load_before, 2), round(load_after, 2)],
            "target_api_records_per_s": TARGET_RECORDS_PER_S,
            "target_met": api_rate >= TARGET_RECORDS_PER_S,
            "profiled": args.profile,
        }
        print(
            f"ingest through the HTTP API: gunicorn on loopback, {args.workers} worker(s) on {os.cpu_count()}"
            f" core(s), {args.clients} client thread(s), PostgreSQL {pg_version}"
        )
        print(
            f"{args.batches} batches x {args.batch_size:,} records, narratives of ~{narrative_chars:.0f}"
            " characters with placeholders"
        )
        print(
            f"  API   {api_rate:>10,.0f} records/s   ({wall:.2f} s;"
            f" per batch p50 {p50:.2f} s, p95 {p95:.2f} s)"
        )
        print(f"  COPY  {copy_rec_s:>10,.0f} records/s   ({copy_s:.2f} s; same rows, same table layout)")
        print(
            f"  ratio API / COPY: {api_rate / copy_rec_s:.3f}   (COPY is {copy_rec_s / api_rate:.1f}x faster)"
        )
        met = "met" if api_rate >= TARGET_RECORDS_PER_S else "NOT met"
        print(f"  target >= {TARGET_RECORDS_PER_S:,} records/s through the API: {met}")
        print(
            f"  CPU: gunicorn workers {cpu_workers:.1f} s ({1000 * cpu_workers / n_records:.2f} ms/record),"
            f" PostgreSQL sessions {cpu_pg:.1f} s ({1000 * cpu_pg / n_records:.2f} ms/record),"
            f" client {cpu_client:.1f} s, over {wall:.1f} s wall"
        )
        print(
            f"  of a worker's CPU, the privacy gate alone (check_records, in-process):"
            f" {gate_ms:.2f} ms/record;"
            f" CPU-bound ceiling on {cores} core(s): {ceiling:,.0f} records/s"
        )
        print(
            f"  load average (1 min) before/after: {load_before:.2f} / {load_after:.2f}"
            " (other work on the machine lowers the API figure)"
        )
        if args.profile:
            print("  (profiled run: cProfile slows the workers; figures not written)")
            report = profile_report(profile_dir)
            print()
            print(report)
            return 0
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
