"""``make demo``: the whole product on synthetic data, then the portal on http://127.0.0.1:5000.

1. a fresh demo folder (``instance/demo/``, git-ignored, recreated on every run) with an SQLite
   database migrated to the latest schema and the portal's secrets;
2. the six partners of ``connectors.demo_data`` with their Ed25519 keys, and portal accounts (Bureau,
   Cell, administrator, two partners' staff) whose logins are printed and kept in ``logins.json``;
3. synthetic exports of every partner over 2024-01..2025-12, run through the real connectors over
   HTTP into the Centre (gunicorn on a free loopback port);
4. a snapshot of every month, all but the last two approved, proposals and a decision with follow-up;
5. the portal served by gunicorn on 127.0.0.1 (Ctrl-C stops it).

``--no-serve`` builds only; ``--serve-only`` serves the folder an earlier run built;
``scripts/demo_totp.py USERNAME`` prints a login's current TOTP code.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from demo_instance import (
    DEFAULT_DIR,
    ROOT,
    DemoError,
    DemoInstance,
    Login,
    gunicorn_command,
    port_is_free,
    read_logins,
    write_logins,
)
from demo_load import DEMO_ROWS, SMALL_ROWS, LoadResult, load
from demo_people import SETUP_ACTOR, add_accounts, add_partners
from demo_review import ReviewSummary, review

SERVE_WORKERS = 2


def _step(text: str) -> float:
    print(f"-- {text}", flush=True)
    return time.perf_counter()


def _done(started: float) -> None:
    print(f"   ({time.perf_counter() - started:.1f} s)", flush=True)


def build(
    instance: DemoInstance, rows: dict[str, int], jobs: int
) -> tuple[list[Login], LoadResult, ReviewSummary]:
    """Steps 1 to 4 in ``instance`` (a freshly created folder)."""
    instance.apply()
    from sqlalchemy.engine import make_url

    from ciateh import create_app, migrate
    from ciateh.db import db

    shown = make_url(instance.database_url).set(query={}).render_as_string(hide_password=True)
    t = _step(f"database {shown}: migrating")
    migrate.upgrade(instance.database_url)
    app = create_app()
    _done(t)

    with app.app_context():
        session = db.session
        t = _step("partners, their keys (ciateh-connector keygen) and portal accounts")
        partners = add_partners(session, instance)
        session.commit()
        logins = add_accounts(session, partners)
        session.commit()
        write_logins(instance.logins_path, logins)
        _done(t)

        total = sum(rows.values())
        t = _step(f"synthetic exports of {len(rows)} partners ({total} persons) through the connectors")
        loaded = load(instance, partners, rows, jobs=jobs)
        for item in loaded.loaded:
            print(
                f"   {item.partner}: {item.rows_read} rows read, {item.anonymised} anonymised and sent in "
                f"{item.batches} batch(es), {item.row_errors} row errors ({item.seconds:.1f} s)"
            )
        code, accepted, rejected = loaded.hand_typed
        print(
            f"   {code}: one batch typed by hand, bypassing the anonymiser: {accepted} record accepted, "
            f"{rejected} rejected by the Centre (a phone number in its narrative)"
        )
        _done(t)

        t = _step("month snapshots, approvals, proposals and a decision")
        bureau = next(login for login in logins if login.role == "bureau")
        summary = review(session, SETUP_ACTOR, f"user:{bureau.username}")
        session.close()
        first, last = (summary.months[0], summary.months[-1]) if summary.months else ("-", "-")
        print(
            f"   {len(summary.months)} months ({first} .. {last}), {len(summary.approved)} approved, "
            f"{summary.proposals} proposals, {summary.decisions} decision"
        )
        _done(t)
    return logins, loaded, summary


def print_logins(instance: DemoInstance, logins: Sequence[Login]) -> None:
    path = instance.logins_path
    shown = path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path
    print(f"\nLogins (demo accounts on synthetic data; also in {shown}):")
    header = ("role", "username", "password", "TOTP secret", "partner", "language")
    rows = [
        (x.role, x.username, x.password, x.totp_secret, x.partner_code or "-", x.language) for x in logins
    ]
    widths = [max(len(str(r[i])) for r in (header, *rows)) for i in range(len(header))]
    for row in (header, *rows):
        print("  " + "  ".join(str(v).ljust(w) for v, w in zip(row, widths, strict=True)).rstrip())
    example = logins[0].username if logins else "USERNAME"
    if instance.root != DEFAULT_DIR.resolve():
        example += f" --dir {instance.root}"
    print(
        "\nAfter the password the portal asks for a 6-digit code: add the TOTP secret to an authenticator\n"
        f"app, or print the current code with  .venv/bin/python scripts/demo_totp.py {example}\n"
        "(demo only; a code is accepted once, so wait for the next one to sign in again within 30 s)."
    )


def serve(instance: DemoInstance, port: int) -> None:
    """Replace this process with gunicorn serving the portal (Ctrl-C stops it)."""
    print(f"\nThe portal: http://127.0.0.1:{port}/   (Ctrl-C stops it)\n", flush=True)
    os.chdir(ROOT)
    command = gunicorn_command(port, SERVE_WORKERS)
    os.execve(command[0], command, instance.env())


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="demo.py", description="make demo: the whole product on synthetic data, then the portal."
    )
    parser.add_argument("--dir", type=Path, default=DEFAULT_DIR, help="demo folder (default %(default)s)")
    parser.add_argument("--port", type=int, default=5000, help="port of the portal (default %(default)s)")
    parser.add_argument("--no-serve", action="store_true", help="build the demo, do not serve it")
    parser.add_argument("--serve-only", action="store_true", help="serve the demo an earlier run built")
    parser.add_argument(
        "--size", choices=("full", "small"), default="full", help="full demo, or a small one (browser tests)"
    )
    parser.add_argument(
        "--database-url", help="another database than the folder's SQLite file (tests on PostgreSQL)"
    )
    parser.add_argument("--jobs", type=int, default=2, help="connectors running at once (default 2)")
    args = parser.parse_args(argv)
    if args.no_serve and args.serve_only:
        parser.error("--no-serve and --serve-only exclude each other")
    if args.jobs < 1:
        parser.error("--jobs must be at least 1")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if not args.no_serve and not port_is_free(args.port):
        print(
            f"demo: port {args.port} is in use (an earlier demo still running?); try --port", file=sys.stderr
        )
        return 2
    try:
        if args.serve_only:
            instance = DemoInstance.open(args.dir)
            print_logins(instance, list(read_logins(instance.logins_path).values()))
            serve(instance, args.port)
            return 0
        started = time.perf_counter()
        instance = DemoInstance.create(args.dir, args.database_url)
        print(f"demo folder: {instance.root}")
        logins, _loaded, _summary = build(
            instance, SMALL_ROWS if args.size == "small" else DEMO_ROWS, args.jobs
        )
    except DemoError as exc:
        print(f"demo: {exc}", file=sys.stderr)
        return 1
    print(f"\nbuilt in {time.perf_counter() - started:.0f} s")
    print_logins(instance, logins)
    if args.no_serve:
        return 0
    serve(instance, args.port)
    return 0


if __name__ == "__main__":
    sys.exit(main())
