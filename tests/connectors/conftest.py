"""The real Centre for connector tests: ``gunicorn 'ciateh:create_app()'`` on a random loopback port,
with a fresh SQLite database migrated by ``flask --app ciateh db upgrade`` and partners and keys
registered with the admin CLI. Everything runs as subprocesses: the tests talk to the Centre over
HTTP only, as a partner does, and read its database with :mod:`sqlite3` to check what arrived.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests

REPO = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
START_TIMEOUT = 90.0
CLI_TIMEOUT = 120.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def connector(
    *args: str | Path, timeout: float = 600.0, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``ciateh-connector`` (as ``python -m connectors.agent``) and capture its output."""
    return subprocess.run(
        [PYTHON, "-m", "connectors.agent", *map(str, args)],
        cwd=REPO,
        env=env or connector_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def connector_env(tmp: Path | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("CIATEH_DATABASE_URL", None)
    if tmp is not None:
        env["XDG_STATE_HOME"] = str(tmp)
    return env


@dataclass
class Partner:
    code: str
    keys: Path

    @property
    def private_key(self) -> Path:
        return self.keys / "private.pem"

    @property
    def public_key(self) -> Path:
        return self.keys / "public.pem"

    @property
    def secret(self) -> Path:
        return self.keys / "secret.key"


@dataclass
class Centre:
    """One Centre: its database, its port, its gunicorn process and its log."""

    root: Path
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen[bytes] | None = None
    partners: dict[str, Partner] = field(default_factory=dict)

    @property
    def db_path(self) -> Path:
        return self.root / "centre.sqlite3"

    @property
    def log_path(self) -> Path:
        return self.root / "centre.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env["CIATEH_DATABASE_URL"] = f"sqlite:///{self.db_path}"
        return env

    def flask(self, *args: str | Path) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [PYTHON, "-m", "flask", "--app", "ciateh", *map(str, args)],
            cwd=self.root,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=CLI_TIMEOUT,
            check=False,
        )
        assert done.returncode == 0, f"flask {args[0]} failed: {done.stdout}{done.stderr}"
        return done

    def migrate(self) -> None:
        self.flask("db", "upgrade")

    def add_partner(self, code: str, kind: str = "other") -> Partner:
        """Add the partner and register a key pair made by ``ciateh-connector keygen``."""
        if code in self.partners:
            return self.partners[code]
        self.flask("partner", "add", code, "--name", f"Test organisation {code}", "--kind", kind)
        keys = self.root / "keys" / code
        made = connector("keygen", keys)
        assert made.returncode == 0, made.stderr
        self.flask("key", "register", code, keys / "public.pem")
        partner = Partner(code, keys)
        self.partners[code] = partner
        return partner

    def start(self, workers: int = 2) -> None:
        assert self.proc is None, "the Centre is running already"
        log = self.log_path.open("ab")
        try:
            self.proc = subprocess.Popen(
                [
                    PYTHON,
                    "-m",
                    "gunicorn",
                    "ciateh:create_app()",
                    "--bind",
                    f"127.0.0.1:{self.port}",
                    "--workers",
                    str(workers),
                    "--timeout",
                    "300",
                    "--graceful-timeout",
                    "5",
                ],
                cwd=self.root,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        finally:
            log.close()
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                log = self.log_path.read_text(errors="replace")
                raise AssertionError(f"the Centre did not start:\n{log}")
            try:
                if requests.get(f"{self.url}/api/v1/openapi.json", timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        self.stop()
        raise AssertionError("the Centre did not answer in time")

    def stop(self) -> None:
        proc, self.proc = self.proc, None
        if proc is None or proc.poll() is not None:
            return
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=30)
        except (subprocess.TimeoutExpired, ProcessLookupError):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)

    # -- what arrived ------------------------------------------------------------------------------

    def query(self, sql: str, args: Sequence[object] = ()) -> list[tuple[object, ...]]:
        db = sqlite3.connect(f"file:{self.db_path}?mode=ro", uri=True, timeout=30)
        try:
            return list(db.execute(sql, args))
        finally:
            db.close()

    def records_of(self, code: str) -> list[str]:
        """The record keys stored for a partner."""
        rows = self.query(
            "SELECT c.record_key FROM anonymous_case c JOIN partner p ON p.id = c.partner_id "
            "WHERE p.code = ?",
            (code,),
        )
        return [str(r[0]) for r in rows]

    def batches_of(self, code: str) -> list[tuple[str, int, int, int]]:
        """(client batch id, records, accepted, rejected) of a partner's batches."""
        rows = self.query(
            "SELECT b.client_batch_id, b.record_count, b.accepted_count, b.rejected_count FROM batch b "
            "JOIN partner p ON p.id = b.partner_id WHERE p.code = ? ORDER BY b.id",
            (code,),
        )
        return [(str(r[0]), int(str(r[1])), int(str(r[2])), int(str(r[3]))) for r in rows]

    def dump(self) -> str:
        """Every row of every table, and the server's log, as one text."""
        db = sqlite3.connect(f"file:{self.db_path}?mode=ro", uri=True, timeout=30)
        parts: list[str] = []
        try:
            tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
            for table in tables:
                for row in db.execute(f'SELECT * FROM "{table}"'):
                    parts.append(json.dumps([table, *[_text(v) for v in row]], ensure_ascii=False))
        finally:
            db.close()
        parts.append(self.log_path.read_text(encoding="utf-8", errors="replace"))
        return "\n".join(parts)


def _text(value: object) -> object:
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return value


def make_centre(root: Path) -> Centre:
    root.mkdir(parents=True, exist_ok=True)
    centre = Centre(root)
    centre.migrate()
    return centre


@pytest.fixture
def new_centre(tmp_path: Path) -> Iterator[Centre]:
    """A migrated Centre that is *not* started (start it in the test); stopped at the end."""
    centre = make_centre(tmp_path / "centre")
    try:
        yield centre
    finally:
        centre.stop()


@pytest.fixture
def centre(new_centre: Centre) -> Centre:
    """A running Centre of its own for one test."""
    new_centre.start()
    return new_centre


@pytest.fixture(scope="module")
def shared_centre(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Centre]:
    """One running Centre for the tests of a module (each uses partners of its own)."""
    centre = make_centre(tmp_path_factory.mktemp("shared-centre"))
    try:
        centre.start()
        yield centre
    finally:
        centre.stop()


def leaked(values: Sequence[str], text: str) -> list[str]:
    """The values found in ``text`` as whole words: values of 6 characters or more with case
    ignored, shorter ones (4 or 5) as written (a name "Rose", not the word "rose"); shorter values
    say nothing and are skipped."""
    folded = text.casefold()
    found: list[str] = []
    for value in values:
        v = " ".join(value.split())
        if len(v) < 4:
            continue
        if len(v) >= 6:
            hay, needle = folded, v.casefold()
        else:
            hay, needle = text, v
        if re.search(rf"(?<!\w){re.escape(needle)}(?!\w)", hay):
            found.append(value)
    return found


@pytest.fixture
def cli() -> Callable[..., subprocess.CompletedProcess[str]]:
    """``cli("run", file, "--mapping", ...)`` runs ``ciateh-connector`` as a subprocess."""
    return connector


@pytest.fixture
def find_leaks() -> Callable[[Sequence[str], str], list[str]]:
    return leaked


@pytest.fixture
def spawn_connector() -> Iterator[Callable[..., subprocess.Popen[str]]]:
    """Start ``ciateh-connector`` in the background (output to a file); killed at the end."""
    started: list[subprocess.Popen[str]] = []

    def spawn(*args: str | Path, output: Path) -> subprocess.Popen[str]:
        with output.open("a", encoding="utf-8") as out:
            proc = subprocess.Popen(
                [PYTHON, "-m", "connectors.agent", *map(str, args)],
                cwd=REPO,
                env=connector_env(),
                stdout=out,
                stderr=subprocess.STDOUT,
                text=True,
            )
        started.append(proc)
        return proc

    try:
        yield spawn
    finally:
        for proc in started:
            if proc.poll() is None:
                proc.kill()
                proc.wait(timeout=30)
