"""The demo's instance folder and the Centre processes it runs (``make demo``, browser tests).

A demo folder (default ``instance/demo/``, git-ignored) holds everything one demo run makes: the
SQLite database, the portal's secrets, the partners' keys and secrets, their synthetic exports and
outboxes, the logins and the Centre's log. It is recreated on every run; a folder is only ever
deleted when it carries the demo's marker file, so ``--dir`` cannot wipe anything else.

The Centre runs as ``gunicorn 'ciateh:create_app()'`` on a loopback port with the folder's settings in
its environment (``CIATEH_DATABASE_URL``, ``CIATEH_SECRET_KEY``, ``CIATEH_FERNET_KEYS``,
``CIATEH_SECURE_COOKIES=false``: plain http on localhost only).
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Final

import requests

ROOT: Final = Path(__file__).resolve().parents[1]
DEFAULT_DIR: Final = ROOT / "instance" / "demo"
MARKER: Final = ".ciateh-demo"
SETTINGS_FILE: Final = "settings.json"
START_TIMEOUT: Final = 90.0


class DemoError(Exception):
    """A step of the demo failed; the message says which and why (never a personal value)."""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def _write_private(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.chmod(path, 0o600)


@dataclass(frozen=True)
class DemoInstance:
    """One demo folder and the settings every process of the demo runs with."""

    root: Path
    database_url: str
    secret_key: str
    fernet_keys: str

    @classmethod
    def create(cls, root: Path, database_url: str | None = None) -> DemoInstance:
        """Make ``root`` afresh (deleting an earlier demo folder there) with new secrets."""
        from ciateh.crypto import new_key

        root = root.resolve()
        if root.exists():
            if not (root / MARKER).exists() and any(root.iterdir()):
                raise DemoError(f"{root} exists and is not a demo folder (no {MARKER}): not touching it")
            shutil.rmtree(root)
        root.mkdir(parents=True, mode=0o700)
        (root / MARKER).write_text("made by scripts/demo.py; deleted and recreated on every run\n")
        instance = cls(
            root=root,
            database_url=database_url or f"sqlite:///{root / 'ciateh.sqlite3'}",
            secret_key=secrets.token_urlsafe(48),
            fernet_keys=new_key(),
        )
        settings = {
            "database_url": instance.database_url,
            "secret_key": instance.secret_key,
            "fernet_keys": instance.fernet_keys,
        }
        _write_private(root / SETTINGS_FILE, json.dumps(settings, indent=2) + "\n")
        return instance

    @classmethod
    def open(cls, root: Path) -> DemoInstance:
        """An existing demo folder (to serve it again, or for tests)."""
        root = root.resolve()
        try:
            settings = json.loads((root / SETTINGS_FILE).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise DemoError(f"{root} holds no demo (run `make demo` first)") from None
        return cls(root, settings["database_url"], settings["secret_key"], settings["fernet_keys"])

    # -- what the folder holds -------------------------------------------------------------------

    @property
    def logins_path(self) -> Path:
        return self.root / "logins.json"

    @property
    def exports_dir(self) -> Path:
        return self.root / "exports"

    @property
    def log_path(self) -> Path:
        return self.root / "centre.log"

    def keys_dir(self, partner_code: str) -> Path:
        return self.root / "keys" / partner_code

    def outbox(self, partner_code: str) -> Path:
        return self.root / "outbox" / f"{partner_code}.sqlite3"

    def report(self, partner_code: str) -> Path:
        return self.root / "reports" / f"{partner_code}.json"

    def connector_log(self, partner_code: str) -> Path:
        return self.root / "reports" / f"{partner_code}.log"

    # -- how the Centre runs -----------------------------------------------------------------------

    def settings(self) -> dict[str, str]:
        return {
            "CIATEH_DATABASE_URL": self.database_url,
            "CIATEH_SECRET_KEY": self.secret_key,
            "CIATEH_FERNET_KEYS": self.fernet_keys,
            "CIATEH_SECURE_COOKIES": "false",
        }

    def env(self) -> dict[str, str]:
        return {**os.environ, **self.settings()}

    def apply(self) -> None:
        """Put the settings in this process's environment (before ``create_app``)."""
        os.environ.update(self.settings())


@dataclass(frozen=True)
class Login:
    """A demo account's login (demo only: real secrets are never written to a file)."""

    username: str
    role: str
    partner_code: str | None
    language: str
    password: str
    totp_secret: str


def write_logins(path: Path, logins: Sequence[Login]) -> Path:
    _write_private(path, json.dumps([asdict(login) for login in logins], indent=2) + "\n")
    return path


def read_logins(path: Path) -> dict[str, Login]:
    return {item["username"]: Login(**item) for item in json.loads(path.read_text(encoding="utf-8"))}


def gunicorn_command(port: int, workers: int = 2) -> list[str]:
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "ciateh:create_app()",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--timeout",
        "300",
        "--graceful-timeout",
        "5",
    ]


@dataclass
class Centre:
    """The Centre in the background on a loopback port, its output in the demo folder's log."""

    instance: DemoInstance
    port: int = field(default_factory=free_port)
    workers: int = 2
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = START_TIMEOUT) -> Centre:
        if self.proc is not None:
            raise DemoError("the Centre is running already")
        with self.instance.log_path.open("ab") as log:
            self.proc = subprocess.Popen(
                gunicorn_command(self.port, self.workers),
                cwd=ROOT,
                env=self.instance.env(),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                self.proc = None
                raise DemoError(f"the Centre did not start: see {self.instance.log_path}")
            with contextlib.suppress(requests.RequestException):
                if requests.get(f"{self.url}/healthz", timeout=2).status_code == 200:
                    return self
            time.sleep(0.2)
        self.stop()
        raise DemoError(f"the Centre did not answer within {timeout:.0f} s: see {self.instance.log_path}")

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

    def __enter__(self) -> Centre:
        return self.start()

    def __exit__(
        self, _type: type[BaseException] | None, _value: BaseException | None, _tb: TracebackType | None
    ) -> None:
        self.stop()
