"""End to end, over real HTTP: nothing personal that a partner sends by mistake ever enters the Centre.

A fresh database (an SQLite file; with ``CIATEH_TEST_DATABASE_URL``, a PostgreSQL schema of its own,
dropped afterwards) is migrated and given two partners with the real commands (``flask --app ciateh db
upgrade``, ``partner add``, ``key register``), and gunicorn serves the app on a free loopback port with
its output captured to a file. Signed batches mix clean records (narratives already scrubbed, with
typed placeholders) with records carrying planted personal data: in the narrative (Belgian national
and BIS numbers with valid check digits, names in police style, phones, IBANs, e-mails, addresses,
plates; also obfuscated with zero-width spaces, ``[at]``, full-width or spelled-out digits) and in
coded fields (a name as nationality, a phone as labour sector, an e-mail as record key).

Then: the clean records are stored, the dirty ones are rejected with field, entity type and offsets,
and no planted value (as written, de-obfuscated, lower-cased, digits only) appears in any column of
any row of any table, in the database files, in the server's log, in the commands' output or in any
response body. The planted values are synthetic, and still never printed: a failure names the plant
by its index and kind only.

The live-server helpers here (:func:`fresh_database`, :class:`LiveServer`, :func:`register_partner`,
:class:`SignedClient`) are also used by ``test_crash_safety.py``.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import unicodedata
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import quote

import psutil
import pytest
import requests
import sqlalchemy as sa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from stdnum import iban as stdnum_iban
from stdnum.be import bis as stdnum_bis
from stdnum.be import nn as stdnum_nn

from anonymiser import AnonymousCase
from ciateh.ingest.signatures import sign_request
from ciateh.keys import key_id_for
from tests.ciateh.factories import fresh_timestamp, record

PG_ENV = "CIATEH_TEST_DATABASE_URL"
BATCHES = "/api/v1/batches"
OPENAPI = "/api/v1/openapi.json"
START_TIMEOUT_S = 120.0  # a 2-core machine under load imports spaCy slowly
CLI_TIMEOUT_S = 180.0
REQUEST_TIMEOUT_S = 600.0

pytestmark = pytest.mark.slow


# =================================================================================================
# The live-server harness
# =================================================================================================


@dataclass(frozen=True)
class LiveDatabase:
    """A database of its own for one test: its URL (what ``CIATEH_DATABASE_URL`` is set to) and, on
    PostgreSQL, the ``application_name`` every connection made with that URL carries."""

    url: str
    kind: Literal["sqlite", "postgresql"]
    application_name: str | None = None
    sqlite_path: Path | None = None

    def engine(self) -> sa.Engine:
        return sa.create_engine(self.url, poolclass=sa.NullPool)

    def sqlite_files(self) -> list[Path]:
        """The SQLite database file and its WAL and shared-memory files, those that exist."""
        if self.sqlite_path is None:
            return []
        candidates = [self.sqlite_path, *(Path(f"{self.sqlite_path}{s}") for s in ("-wal", "-journal"))]
        return [p for p in candidates if p.exists()]


def _with_params(url: str, **params: str) -> str:
    query = "&".join(f"{k}={quote(v)}" for k, v in params.items())
    return f"{url}{'&' if '?' in url else '?'}{query}"


def terminate_backends(admin: sa.Engine, application_name: str) -> None:
    with admin.begin() as conn:
        conn.execute(
            sa.text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE application_name = :name AND pid <> pg_backend_pid()"
            ),
            {"name": application_name},
        )


@contextlib.contextmanager
def fresh_database(tmp_path: Path, tag: str) -> Iterator[LiveDatabase]:
    """An empty database: an SQLite file in ``tmp_path``, or, when ``CIATEH_TEST_DATABASE_URL`` is set,
    a new PostgreSQL schema (``search_path`` set in the URL, as conftest does), dropped afterwards."""
    base = os.environ.get(PG_ENV)
    if not base:
        path = tmp_path / f"{tag}.sqlite3"
        yield LiveDatabase(url=f"sqlite:///{path}", kind="sqlite", sqlite_path=path)
        return
    suffix = uuid.uuid4().hex[:12]
    schema, application_name = f"{tag}_{suffix}", f"ciateh-{tag}-{suffix}"
    admin = sa.create_engine(base, poolclass=sa.NullPool)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    try:
        url = _with_params(base, options=f"-csearch_path={schema}", application_name=application_name)
        yield LiveDatabase(url=url, kind="postgresql", application_name=application_name)
    finally:
        # a killed server's sessions may still hold locks on the schema's tables
        terminate_backends(admin, application_name)
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


def server_env(db: LiveDatabase, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CIATEH_")}
    env.update({"CIATEH_DATABASE_URL": db.url, "PYTHONUNBUFFERED": "1", **extra})
    return env


def flask_cli(db: LiveDatabase, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """``flask --app ciateh ARGS`` in a child process against ``db``; fails the test on a non-zero exit."""
    proc = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "ciateh", *args],
        env=server_env(db),
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=CLI_TIMEOUT_S,
        check=False,
    )
    # the commands print ids, codes and counts only: their output is safe to show
    assert proc.returncode == 0, f"flask {args[0]} {args[1]} failed:\n{proc.stdout}\n{proc.stderr}"
    return proc


@dataclass(frozen=True)
class PartnerKey:
    code: str
    key: Ed25519PrivateKey
    key_id: str


def register_partner(db: LiveDatabase, workdir: Path, code: str, kind: str) -> tuple[PartnerKey, str]:
    """Add a partner and register a fresh Ed25519 public key for it with the admin commands. Returns
    the partner with its private key, and the commands' output."""
    key = Ed25519PrivateKey.generate()
    public = key.public_key()
    pem = workdir / f"{code}.pub.pem"
    pem.write_bytes(public.public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo))
    added = flask_cli(db, "partner", "add", code, "--name", f"Partner {code}", "--kind", kind, cwd=workdir)
    registered = flask_cli(db, "key", "register", code, str(pem), cwd=workdir)
    key_id = key_id_for(public.public_bytes(Encoding.Raw, PublicFormat.Raw))
    assert registered.stdout.strip().splitlines()[0] == key_id
    output = "\n".join([added.stdout, added.stderr, registered.stdout, registered.stderr])
    return PartnerKey(code, key, key_id), output


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LiveServer:
    """``gunicorn -w N -b 127.0.0.1:<free port> 'ciateh:create_app()'`` in a process group of its own,
    stdout and stderr appended to ``log_path``. Use as a context manager: the server is stopped (and,
    if need be, killed with every worker) on the way out, whatever happened."""

    def __init__(
        self,
        db: LiveDatabase,
        log_path: Path,
        *,
        workers: int = 2,
        cwd: Path,
        env: dict[str, str] | None = None,
        extra_args: Sequence[str] = (),
    ) -> None:
        self.db = db
        self.log_path = log_path
        self.workers = workers
        self.cwd = cwd
        self.env = env if env is not None else server_env(db)
        self.extra_args = tuple(extra_args)
        self.proc: subprocess.Popen[bytes] | None = None
        self.port = 0
        self.responses: list[str] = []  # the body of every response the harness itself received

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> LiveServer:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    def start(self) -> None:
        """Start the server and wait until it answers; another free port if the first is taken."""
        for _attempt in range(3):
            self.port = free_port()
            command = [
                sys.executable,
                "-m",
                "gunicorn",
                "-w",
                str(self.workers),
                "-b",
                f"127.0.0.1:{self.port}",
                "--timeout",
                "600",  # a 5,000-record batch on a loaded 2-core machine
                "--graceful-timeout",
                "10",
                "--no-control-socket",  # several servers at once must not share one socket
                "--log-level",
                "debug",
                "--access-logfile",
                "-",
                *self.extra_args,
                "ciateh:create_app()",
            ]
            with self.log_path.open("ab") as log:
                self.proc = subprocess.Popen(
                    command,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL,
                    env=self.env,
                    cwd=self.cwd,
                    start_new_session=True,  # its own process group: killed as a whole
                )
            if self._wait_ready():
                return
            self.stop()
        raise AssertionError(f"gunicorn did not start; its log:\n{self.log_text()[-4000:]}")

    def _wait_ready(self) -> bool:
        assert self.proc is not None
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return False  # e.g. the port was taken in the meantime
            try:
                response = requests.get(self.base_url + OPENAPI, timeout=5)
            except requests.RequestException:
                time.sleep(0.2)
                continue
            if response.status_code == 200:
                self.responses.append(response.text)
                return True
            time.sleep(0.2)
        return False

    def processes(self) -> list[psutil.Process]:
        """The master and its workers, as far as they still exist."""
        if self.proc is None:
            return []
        try:
            master = psutil.Process(self.proc.pid)
            return [master, *master.children(recursive=True)]
        except psutil.NoSuchProcess:
            return []

    def worker_pids(self) -> list[int]:
        return [p.pid for p in self.processes()[1:]]

    def kill(self) -> None:
        """SIGKILL to the master and every worker at once (a crash: nothing runs any more code)."""
        assert self.proc is not None
        procs = self.processes()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self._reap(procs)

    def stop(self) -> None:
        """SIGTERM (graceful), then SIGKILL to the whole group if it is not gone in time."""
        if self.proc is None:
            return
        procs = self.processes()
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.proc.pid, signal.SIGKILL)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)  # any worker left behind
        self._reap(procs)

    def _reap(self, procs: Iterable[psutil.Process]) -> None:
        assert self.proc is not None
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=30)
        _gone, alive = psutil.wait_procs(list(procs), timeout=30)
        left = [p for p in alive if _running(p)]
        assert not left, f"server processes still running: {[p.pid for p in left]}"
        self.proc = None

    def log_text(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace") if self.log_path.exists() else ""


def _running(proc: psutil.Process) -> bool:
    try:
        return bool(proc.status() != psutil.STATUS_ZOMBIE)
    except psutil.NoSuchProcess:
        return False


class SignedClient:
    """A partner's client: requests signed with its key (a fresh timestamp each time, so that no two
    requests are the same signed request), every response body kept."""

    def __init__(self, server: LiveServer, partner: PartnerKey) -> None:
        self.server = server
        self.partner = partner
        self.http = requests.Session()

    def _headers(self, method: str, path: str, body: bytes) -> dict[str, str]:
        key = self.partner.key
        headers = sign_request(key, method, path, body, fresh_timestamp(key))
        headers["Content-Type"] = "application/json"
        return headers

    def post(self, body: bytes, path: str = BATCHES) -> requests.Response:
        response = self.http.post(
            self.server.base_url + path,
            data=body,
            headers=self._headers("POST", path, body),
            timeout=(10, REQUEST_TIMEOUT_S),
        )
        self.server.responses.append(response.text)
        return response

    def get(self, path: str) -> requests.Response:
        response = self.http.get(
            self.server.base_url + path, headers=self._headers("GET", path, b""), timeout=(10, 120)
        )
        self.server.responses.append(response.text)
        return response


def batch_body(batch_id: str, records: Sequence[object]) -> bytes:
    return json.dumps({"batch_id": batch_id, "records": list(records)}, ensure_ascii=False).encode("utf-8")


def count_rows(engine: sa.Engine, table: str, where: str = "", **params: object) -> int:
    with engine.connect() as conn:
        return int(conn.scalar(sa.text(f"SELECT count(*) FROM {table} {where}"), params) or 0)


# =================================================================================================
# Planted personal data
# =================================================================================================


def national_number(yymmdd: str, serial: int, *, born_after_1999: bool = False) -> str:
    """A Belgian national number (or BIS number, month + 20 or + 40) with valid check digits."""
    base = f"{yymmdd}{serial:03d}"
    check = 97 - int(("2" if born_after_1999 else "") + base) % 97
    return f"{base}{check:02d}"


def belgian_iban(account: str) -> str:
    """A valid Belgian IBAN (printed in groups of four) for a 10-digit bank and account number."""
    national_check = int(account) % 97 or 97
    bban = f"{account}{national_check:02d}"
    check = 98 - int(bban + "111400") % 97  # "BE00" moved to the end, letters as numbers (B=11, E=14)
    compact = f"BE{check:02d}{bban}"
    assert stdnum_iban.is_valid(compact)
    return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))


NN_1 = national_number("850730", 33)
NN_2 = national_number("030215", 118, born_after_1999=True)
NN_3 = national_number("910412", 257)
BIS_1 = national_number("852730", 41)
BIS_2 = national_number("774115", 162)
IBAN_1 = belgian_iban("0961234567")
IBAN_2 = belgian_iban("7350004416")
for _number in (NN_1, NN_2, NN_3):
    assert stdnum_nn.is_valid(_number)
for _number in (BIS_1, BIS_2):
    assert stdnum_bis.is_valid(_number)

ZWSP = "\u200b"
IDENTIFIERS = frozenset({"NATIONAL_ID", "IDENTIFIER"})


@dataclass(frozen=True)
class Plant:
    """One planted value: ``text`` as written in the record, ``forms`` other ways to spell the same
    value that must not be found either, and the entity types a finding for it may have."""

    kind: str
    text: str
    forms: tuple[str, ...] = ()
    entity_types: frozenset[str] = frozenset()


@dataclass(frozen=True)
class DirtyRecord:
    """A record with planted values. ``field`` is where they are; for the narrative, ``template`` has
    one ``{}`` per plant."""

    field: str
    plants: tuple[Plant, ...]
    template: str = "{}"
    expected_entity_type: str = ""  # for a coded field: the finding's entity type

    def value(self) -> str:
        return self.template.format(*(p.text for p in self.plants))

    def offsets(self) -> list[tuple[Plant, int, int]]:
        """Where each plant sits in the narrative (character offsets, as the API reports them)."""
        text, out, position = self.value(), [], 0
        for plant in self.plants:
            start = text.index(plant.text, position)
            out.append((plant, start, start + len(plant.text)))
            position = start + len(plant.text)
        return out


def _narrative(template: str, *plants: Plant) -> DirtyRecord:
    return DirtyRecord("narrative", plants, template)


def _plant(kind: str, text: str, *forms: str, types: Iterable[str] = ()) -> Plant:
    return Plant(kind, text, forms, frozenset(types) or frozenset({kind}))


DIRTY_NARRATIVES: tuple[DirtyRecord, ...] = (
    # national and BIS numbers, valid check digits, in several spellings
    _narrative(
        "[PERSON] had rijksregisternummer {} op zijn verblijfskaart.",
        _plant("NATIONAL_ID", stdnum_nn.format(NN_1), NN_1, types=IDENTIFIERS),
    ),
    _narrative(
        "Le numéro national {} figure dans le dossier de [PERSON].",
        _plant("NATIONAL_ID", NN_2, stdnum_nn.format(NN_2), types=IDENTIFIERS),
    ),
    _narrative(
        "Zijn BIS-nummer {} werd door de werkgever gebruikt.",
        _plant("NATIONAL_ID", stdnum_bis.format(BIS_1), BIS_1, types=IDENTIFIERS),
    ),
    _narrative(
        "Numéro BIS {} sur le contrat de travail de [PERSON].",
        _plant("NATIONAL_ID", BIS_2, stdnum_bis.format(BIS_2), types=IDENTIFIERS),
    ),
    _narrative(
        "Rijksregisternummer {} stond op de loonfiche.",
        _plant(
            "NATIONAL_ID",
            f"{NN_3[:6]}{ZWSP}{NN_3[6:9]}{ZWSP}{NN_3[9:]}",
            NN_3,
            stdnum_nn.format(NN_3),
            types=IDENTIFIERS,
        ),
    ),
    # names, police style
    _narrative(
        "De genaamde {} werkte zonder loon in een carwash.", _plant("PERSON", "PEETERS Jan", "PEETERS")
    ),
    _narrative(
        "La nommée {} a été hébergée par son employeur à [ADDRESS].",
        _plant("PERSON", "DUBOIS Marie", "DUBOIS"),
    ),
    _narrative(
        "The victim, known as {}, worked in a nail bar in [ADDRESS].",
        _plant("PERSON", "Olena KOVALENKO", "KOVALENKO"),
    ),
    _narrative(
        "Mme {} a été entendue par la police au sujet de [PERSON].",
        _plant("PERSON", "Fatima EL AMRANI", "EL AMRANI"),
    ),
    _narrative(
        "De genaamde {} werkte in de bouw zonder contract.",
        _plant("PERSON", f"VAN{ZWSP}DAMME Pieter", "VANDAMME Pieter", "VAN DAMME", "VANDAMME"),
    ),
    # phones
    _narrative(
        "[PERSON] was bereikbaar op GSM {} volgens de werkgever.",
        _plant("PHONE", "0475 12 34 56", "0475123456"),
    ),
    _narrative(
        "Contact via WhatsApp {} met de tussenpersoon.",
        _plant("PHONE", "+32 487 65 43 21", "+32487654321", "0487654321"),
    ),
    _narrative(
        "Bereikbaar op {} volgens [PERSON].", _plant("PHONE", f"0478{ZWSP}98{ZWSP}76{ZWSP}54", "0478987654")
    ),
    _narrative(
        "GSM {} van de werkgever.", _plant("PHONE", "０４９２ １１ ２２ ３３", "0492 11 22 33", "0492112233")
    ),
    _narrative(
        "Bel {} voor meer informatie.",
        _plant("PHONE", "nul vier negen zes drie een twee zeven vijf acht", "0496312758"),
    ),
    _narrative(
        "Appeler le {} pour le travail.",
        _plant("PHONE", "zéro quatre sept trois un deux trois quatre cinq six", "0473123456"),
    ),
    # IBANs
    _narrative(
        "Het loon werd gestort op rekening {} van [PERSON].", _plant("IBAN", IBAN_1, IBAN_1.replace(" ", ""))
    ),
    _narrative(
        "Storting op {} door de uitzendfirma.",
        _plant("IBAN", IBAN_2.replace(" ", ZWSP), IBAN_2, IBAN_2.replace(" ", "")),
    ),
    # e-mails, plain and obfuscated
    _narrative(
        "[PERSON] gebruikte het adres {} voor de advertenties.", _plant("EMAIL", "jan.peeters@gmail.com")
    ),
    _narrative(
        "Mail naar {} voor het werk.",
        _plant("EMAIL", "marie.dubois [at] hotmail [dot] com", "marie.dubois@hotmail.com"),
    ),
    _narrative(
        "Schrijf {} voor een afspraak.",
        _plant("EMAIL", "jan(dot)claes(at)telenet(dot)be", "jan.claes@telenet.be"),
    ),
    _narrative(
        "Schrijf naar {} voor het werk.",
        _plant("EMAIL", f"pieter.vd{ZWSP}@{ZWSP}skynet.be", "pieter.vd@skynet.be"),
    ),
    # street addresses
    _narrative(
        "Het slachtoffer woonde in de {} bij de werkgever.",
        _plant("ADDRESS", "Kerkstraat 12, 2000 Antwerpen", "Kerkstraat 12", "Kerkstraat"),
    ),
    _narrative(
        "Elle logeait {} chez son employeur.",
        _plant("ADDRESS", "rue des Tanneurs 16, 1000 Bruxelles", "rue des Tanneurs", "Tanneurs 16"),
    ),
    _narrative(
        "Sie wohnte in der {} bei dem Arbeitgeber.",
        _plant("ADDRESS", "Hauptstraße 5, 4700 Eupen", "Hauptstraße 5", "Hauptstrasse 5"),
    ),
    # licence plates
    _narrative(
        "De bestelwagen met nummerplaat {} bracht de arbeiders naar de werf.",
        _plant("LICENSE_PLATE", "1-KLM-234", "1KLM234", "1 KLM 234"),
    ),
    _narrative(
        "La camionnette immatriculée {} transportait les ouvriers.",
        _plant("LICENSE_PLATE", "2-XYZ-789", "2XYZ789", "2 XYZ 789"),
    ),
    # several in one narrative
    _narrative(
        "De genaamde {} (GSM {}, {}) woonde in de {}.",
        _plant("PERSON", "JANSSENS Tom", "JANSSENS"),
        _plant("PHONE", "0470 55 44 33", "0470554433"),
        _plant("EMAIL", "tom.janssens@proximus.be"),
        _plant("ADDRESS", "Stationsstraat 8, 9000 Gent", "Stationsstraat 8", "Stationsstraat"),
    ),
)

DIRTY_FIELDS: tuple[DirtyRecord, ...] = (
    DirtyRecord(
        "nationality", (_plant("PERSON", "Anna WOUTERS", "WOUTERS"),), expected_entity_type="NOT_A_CODE"
    ),
    DirtyRecord(
        "labour_sector", (_plant("PHONE", "0479 11 22 33", "0479112233"),), expected_entity_type="NOT_A_CODE"
    ),
    DirtyRecord("record_key", (_plant("EMAIL", "kevin.maes@skynet.be"),), expected_entity_type="BAD_FORMAT"),
    DirtyRecord(
        "case_key", (_plant("NATIONAL_ID", NN_3, stdnum_nn.format(NN_3)),), expected_entity_type="BAD_FORMAT"
    ),
)

CLEAN_NARRATIVES: tuple[str | None, ...] = (
    "[PERSON] werkte zes maanden in een carwash zonder loon en sliep in de garage.",
    "[PERSON] a été recrutée via [ONLINE_ID] et logée à [ADDRESS]; son passeport était confisqué.",
    "[PERSON] was recruited by [PERSON] through [ONLINE_ID] and was never paid; phone [PHONE] taken.",
    "[PERSON] arbeitete in einem Restaurant in [ADDRESS] ohne Lohn; Telefon [PHONE].",
    "Het loon van [PERSON] werd op [IBAN] gestort en meteen afgenomen door [PERSON].",
    "Controle op [DATE] in een nagelsalon: drie werkneemsters zonder contract, paspoorten ingehouden.",
    "[PERSON] ([EMAIL]) reed met de bestelwagen [LICENSE_PLATE] naar de werf in [ADDRESS].",
    "Lors du contrôle, [PERSON] a déclaré devoir rembourser une dette de voyage à [PERSON].",
    "Rijksregisternummer [NATIONAL_ID] van [PERSON] werd gebruikt om een rekening te openen.",
    None,
)


def clean_record(index: int) -> dict[str, object]:
    """A clean record exactly as a connector sends it: ``AnonymousCase.to_dict()``."""
    return AnonymousCase.from_dict(
        record(narrative=CLEAN_NARRATIVES[index % len(CLEAN_NARRATIVES)])
    ).to_dict()


def dirty_record(dirty: DirtyRecord) -> dict[str, object]:
    payload = clean_record(0)
    payload[dirty.field] = dirty.value()
    return payload


# =================================================================================================
# Looking for the planted values
# =================================================================================================

_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_UNICODE_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")
_DIGIT_SEPARATORS = re.compile(r"(?<=\d)[\s.\-/()+]+(?=\d)")
MIN_DIGITS = 9  # shorter digit strings could occur by chance in hashes and timestamps


def _unescape(text: str) -> str:
    return _UNICODE_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)


def _normalised(text: str) -> str:
    return _INVISIBLE.sub("", unicodedata.normalize("NFKC", text)).lower()


def _digit_runs(text: str) -> str:
    """Digits with the separators between them removed (``0475 12 34 56`` -> ``0475123456``)."""
    return _DIGIT_SEPARATORS.sub("", _normalised(text))


@dataclass
class Haystack:
    """Everything the Centre kept or said, in the forms a value could take there."""

    texts: list[str] = field(default_factory=list)

    def add(self, text: str) -> None:
        self.texts.append(text)

    def searchable(self) -> tuple[str, str]:
        joined = "\n".join(self.texts)
        joined = joined + "\n" + _unescape(joined)  # JSON written with \\uXXXX escapes
        return joined.lower() + "\n" + _normalised(joined), _digit_runs(joined)


def needles(plant: Plant) -> list[tuple[str, str]]:
    """(how, needle) pairs for a plant: as written, de-obfuscated, lower-cased, JSON-escaped, digits."""
    out: list[tuple[str, str]] = []
    for form in (plant.text, *plant.forms):
        out.append(("as written", form.lower()))
        out.append(("normalised", _normalised(form)))
        out.append(("json-escaped", json.dumps(form)[1:-1].lower()))
        digits = re.sub(r"\D", "", _normalised(form))
        if len(digits) >= MIN_DIGITS:
            out.append(("digits", digits))
    return out


def leaks(plants: Sequence[Plant], haystack: Haystack, extra: Sequence[tuple[str, str]] = ()) -> list[str]:
    """Which plants (by index and kind, never by value) are found anywhere in the haystack."""
    text, digits = haystack.searchable()
    found: list[str] = []
    for index, plant in enumerate(plants):
        for how, needle in needles(plant):
            target = digits if how == "digits" else text
            if needle and needle in target:
                found.append(f"plant {index} ({plant.kind}, {how})")
    for label, needle in extra:
        if needle.lower() in text:
            found.append(label)
    return found


def dump_every_table(engine: sa.Engine) -> tuple[list[str], dict[str, int]]:
    """Every column of every row of every table (found by reflection, not from the models), as text,
    and the number of rows per table."""
    metadata = sa.MetaData()
    metadata.reflect(bind=engine)
    lines: list[str] = []
    counts: dict[str, int] = {}
    with engine.connect() as conn:
        for table in metadata.sorted_tables:
            counts[table.name] = 0
            for row in conn.execute(sa.select(table)):
                counts[table.name] += 1
                cells = [f"{name}={_cell(value)}" for name, value in row._mapping.items()]
                lines.append(f"{table.name}: " + " | ".join(cells))
    return lines, counts


def _cell(value: Any) -> str:
    if isinstance(value, bytes | bytearray | memoryview):
        raw = bytes(value)
        return raw.hex() + " " + raw.decode("latin-1")
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False) + " " + json.dumps(value)
    return str(value)


# =================================================================================================
# The test
# =================================================================================================


@pytest.fixture
def live_db(tmp_path: Path) -> Iterator[LiveDatabase]:
    with fresh_database(tmp_path, "e2e") as db:
        yield db


def _outcomes_by_index(body: dict[str, Any]) -> dict[int, dict[str, Any]]:
    return {int(o["index"]): o for o in body["outcomes"]}


def _check_rejection(outcome: dict[str, Any], dirty: DirtyRecord, where: str) -> None:
    assert outcome["status"] == "rejected", where
    errors = outcome["errors"]
    assert errors, where
    for error in errors:
        assert set(error) == {"field", "entity_type", "start", "end"}, where
        assert isinstance(error["start"], int) and isinstance(error["end"], int), where
    if dirty.field == "narrative":
        for plant, start, end in dirty.offsets():
            hits = [
                e
                for e in errors
                if e["field"] == "narrative"
                and e["start"] < end
                and start < e["end"]
                and e["entity_type"] in plant.entity_types
            ]
            assert hits, f"{where}: no {sorted(plant.entity_types)} finding at the planted {plant.kind}"
    else:
        assert {
            "field": dirty.field,
            "entity_type": dirty.expected_entity_type,
            "start": 0,
            "end": 0,
        } in errors
    if dirty.field == "record_key":
        assert "record_key" not in outcome, f"{where}: a malformed record_key is repeated"


def test_planted_personal_data_never_reaches_the_centre(live_db: LiveDatabase, tmp_path: Path) -> None:
    workdir = tmp_path / "work"
    workdir.mkdir()
    said: list[str] = []  # everything the commands printed

    upgrade = flask_cli(live_db, "db", "upgrade", cwd=workdir)
    said += [upgrade.stdout, upgrade.stderr]
    police, out = register_partner(live_db, workdir, "police-e2e", "police")
    said.append(out)
    labour, out = register_partner(live_db, workdir, "labour-e2e", "labour_inspection")
    said.append(out)

    # the batches: clean records mixed with dirty ones; one batch with dirty records only
    dirty_all = (*DIRTY_NARRATIVES, *DIRTY_FIELDS)
    plan: list[tuple[PartnerKey, str, list[DirtyRecord | None]]] = [
        (police, "e2e-1", [None, *DIRTY_NARRATIVES[0:10], None, None, None]),
        (police, "e2e-2", [None, None, *DIRTY_NARRATIVES[10:20], None, None]),
        (labour, "e2e-3", [*DIRTY_NARRATIVES[20:], None, *DIRTY_FIELDS, None, None, None]),
        (labour, "e2e-4", [DIRTY_FIELDS[0], DIRTY_NARRATIVES[-1]]),
    ]
    assert sum(d is not None for _p, _b, items in plan for d in items) == len(dirty_all) + 2
    sent: list[tuple[PartnerKey, str, bytes, list[dict[str, object]], list[DirtyRecord | None]]] = []
    clean_keys: set[tuple[str, str]] = set()
    dirty_case_keys: list[str] = []
    clean_index = 0
    for partner, batch_id, items in plan:
        payloads: list[dict[str, object]] = []
        for item in items:
            if item is None:
                payload = clean_record(clean_index)
                clean_index += 1
                clean_keys.add((partner.code, str(payload["record_key"])))
            else:
                payload = dirty_record(item)
                if item.field != "case_key":
                    dirty_case_keys.append(str(payload["case_key"]))
            payloads.append(payload)
        sent.append((partner, batch_id, batch_body(batch_id, payloads), payloads, items))

    log_path = tmp_path / "gunicorn.log"
    env = server_env(live_db, CIATEH_LOG_LEVEL="DEBUG")
    with LiveServer(live_db, log_path, workers=2, cwd=workdir, env=env) as server:
        clients = {p.code: SignedClient(server, p) for p in (police, labour)}
        first_bodies: dict[str, dict[str, Any]] = {}
        for partner, batch_id, body, payloads, items in sent:
            response = clients[partner.code].post(body)
            assert response.status_code == 201, (batch_id, response.status_code)
            result = response.json()
            first_bodies[batch_id] = result
            accepted = sum(item is None for item in items)
            assert result["counts"] == {
                "records": len(items),
                "accepted": accepted,
                "rejected": len(items) - accepted,
            }
            expected_status = "rejected" if accepted == 0 else "partially_accepted"
            assert result["status"] == expected_status
            outcomes = _outcomes_by_index(result)
            assert sorted(outcomes) == list(range(len(items)))
            for index, (item, payload) in enumerate(zip(items, payloads, strict=True)):
                where = f"batch {batch_id} record {index}"
                if item is None:
                    assert outcomes[index] == {
                        "index": index,
                        "status": "accepted",
                        "record_key": payload["record_key"],
                        "errors": [],
                    }, where
                else:
                    _check_rejection(outcomes[index], item, where)
        # the stored result, read back by its partner; the same bytes again are a replay
        for partner, batch_id, body, _payloads, _items in sent:
            got = clients[partner.code].get(f"{BATCHES}/{batch_id}")
            assert got.status_code == 200 and got.json() == first_bodies[batch_id]
            again = clients[partner.code].post(body)
            assert again.status_code == 200 and again.json() == first_bodies[batch_id]
        # another partner cannot read them
        assert clients[labour.code].get(f"{BATCHES}/e2e-1").status_code == 404
        verified = flask_cli(live_db, "audit", "verify", cwd=workdir)
        said += [verified.stdout, verified.stderr]
    # the server is stopped: its log is complete

    engine = live_db.engine()
    try:
        # the clean records are stored, and only they
        with engine.connect() as conn:
            rows = conn.execute(
                sa.text(
                    "SELECT p.code, c.record_key FROM anonymous_case c JOIN partner p ON p.id = c.partner_id"
                )
            )
            stored = {(str(code), str(key)) for code, key in rows}
        assert stored == clean_keys
        assert count_rows(engine, "anonymous_case") == clean_index == len(clean_keys)
        assert count_rows(engine, "batch") == len(plan)

        lines, counts = dump_every_table(engine)
        with engine.connect() as conn:
            tables = set(sa.inspect(conn).get_table_names())
    finally:
        engine.dispose()
    assert set(counts) == tables  # every table was dumped
    assert {"anonymous_case", "batch", "audit_entry", "partner", "partner_key", "seen_signature"} <= tables
    assert counts["anonymous_case"] == len(clean_keys) and counts["audit_entry"] >= len(plan) + 4

    haystack = Haystack()
    for line in lines:
        haystack.add(line)
    for path in live_db.sqlite_files():  # the bytes on disk too, pages and WAL frames
        haystack.add(path.read_bytes().decode("utf-8", errors="replace"))
    log = server.log_text()
    haystack.add(log)
    for text in said:
        haystack.add(text)
    for text in server.responses:
        haystack.add(text)

    # the search finds what is there: stored narratives, the log's events, the responses' outcomes
    assert leaks([], haystack, [("stored", str(CLEAN_NARRATIVES[0]))]) == ["stored"]
    assert '"event": "batch.stored"' in log and "PHONE" in log and "NATIONAL_ID" in log
    assert len(server.responses) >= 3 * len(plan)

    plants = [plant for dirty in dirty_all for plant in dirty.plants]
    found = leaks(
        plants,
        haystack,
        [(f"case_key of rejected record {i}", key) for i, key in enumerate(dirty_case_keys)],
    )
    assert not found, f"planted personal data found at the Centre: {found}"


def test_the_search_finds_each_planted_value_in_any_form_it_could_be_stored_in() -> None:
    """The leak search is not vacuous: a plant stored as written, upper-cased, JSON-escaped,
    without its invisible characters or with other separators between its digits is found."""
    plants = [plant for dirty in (*DIRTY_NARRATIVES, *DIRTY_FIELDS) for plant in dirty.plants]
    for index, plant in enumerate(plants):
        digits = re.sub(r"\D", "", _normalised(plant.text))
        forms = [
            f"narrative={plant.text}.",
            plant.text.upper(),
            json.dumps({"narrative": f"x {plant.text} y"}),  # \\uXXXX escapes
            _INVISIBLE.sub("", plant.text),
        ]
        if len(digits) >= MIN_DIGITS:
            forms.append("tel: " + "-".join(digits[i : i + 2] for i in range(0, len(digits), 2)))
        for form in forms:
            haystack = Haystack(["unrelated text 2026-11-28T10:00:00Z", form])
            found = leaks(plants, haystack)
            assert any(f.startswith(f"plant {index} (") for f in found), (
                f"plant {index} ({plant.kind}) missed"
            )
    clean = Haystack([json.dumps(clean_record(i)) for i in range(len(CLEAN_NARRATIVES))])
    assert leaks(plants, clean) == []
