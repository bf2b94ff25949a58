"""The signed HTTP client of the Centre's ingestion API (docs/api.md, "Signing requests").

Every request is signed anew with the partner's Ed25519 key: the canonical string
``CIATEH-V1\\n{METHOD}\\n{path_with_query}\\n{timestamp}\\n{key_id}\\n{sha256_hex_of_body}`` over the
very bytes sent. A retry is signed with a later timestamp than any earlier attempt of the same
request (the Centre refuses a signature it has seen as a replay), and the same batch id with the same
body bytes makes the Centre answer ``200`` with its stored result instead of storing it twice.

:meth:`CentreClient.send_batch` never raises for an HTTP or network problem; it returns a
:class:`SendResult` whose ``outcome`` says what to do with the batch:

============ ========================================================== ======================
outcome      responses                                                  the outbox
============ ========================================================== ======================
acknowledged ``201`` (stored now), ``200`` (stored before: a replay)      mark sent, keep receipt
retry        ``5xx``, ``429``, connection error, timeout, unreadable ack  try again after backoff
auth         ``401`` (clock skew, unknown or revoked key, ...)            try again after backoff,
                                                                          reported clearly
permanent    ``409`` (batch id used with another body), ``413``, ``422``, mark failed
             any other ``4xx``
============ ========================================================== ======================

Messages carry status codes, the Centre's fixed error texts, counts and entity types, never a value.
"""

from __future__ import annotations

import base64
import hashlib
import random
import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from enum import StrEnum
from typing import Any, Final
from urllib.parse import quote, urlsplit

import requests
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from connectors.keys import key_id_of
from connectors.outbox import Outbox, PendingBatch

SCHEME: Final = "CIATEH-V1"
BATCHES_PATH: Final = "/api/v1/batches"
KEY_ID_HEADER: Final = "X-Ciateh-Key-Id"
TIMESTAMP_HEADER: Final = "X-Ciateh-Timestamp"
SIGNATURE_HEADER: Final = "X-Ciateh-Signature"
DEFAULT_CONNECT_TIMEOUT: Final = 10.0
DEFAULT_READ_TIMEOUT: Final = 300.0  # the Centre checks every narrative of a batch before it answers
DEFAULT_BACKOFF_BASE: Final = 1.0
DEFAULT_BACKOFF_CAP: Final = 300.0
#: Above this difference between the Centre's Date header and our clock, a 401 is called clock skew.
SKEW_REPORT_SECONDS: Final = 60.0
_MAX_DETAIL: Final = 200
_USER_AGENT: Final = "ciateh-connector/0.1"


class Outcome(StrEnum):
    ACKNOWLEDGED = "acknowledged"
    RETRY = "retry"
    AUTH = "auth"
    PERMANENT = "permanent"


@dataclass(frozen=True, slots=True)
class RejectedRecord:
    """A record the Centre refused: its index in the batch, its key, and what was found where."""

    index: int
    record_key: str | None
    findings: tuple[tuple[str, str], ...]  # (field, entity type)

    def to_dict(self) -> dict[str, object]:
        return {
            "index": self.index,
            "record_key": self.record_key,
            "findings": [{"field": f, "entity_type": t} for f, t in self.findings],
        }


@dataclass(frozen=True, slots=True)
class SendResult:
    outcome: Outcome
    status: int | None  # HTTP status; None when no response arrived
    problem: str = ""  # short text for the operator, never a value
    replay: bool = False  # 200: the Centre had stored this batch before
    batch_status: str | None = None  # accepted | partially_accepted | rejected
    counts: Mapping[str, int] = field(default_factory=dict)
    rejected: tuple[RejectedRecord, ...] = ()
    retry_after: float | None = None
    clock_skew: float | None = None  # seconds the Centre's clock is ahead of ours (401 only)

    @property
    def acknowledged(self) -> bool:
        return self.outcome is Outcome.ACKNOWLEDGED

    def receipt(self) -> dict[str, Any]:
        """What the outbox keeps of an acknowledgement: counts and rejected records, no values."""
        return {
            "status": self.status,
            "replay": self.replay,
            "batch_status": self.batch_status,
            "counts": dict(self.counts),
            "rejected": [r.to_dict() for r in self.rejected],
        }


def backoff_delay(
    attempts: int,
    base: float = DEFAULT_BACKOFF_BASE,
    cap: float = DEFAULT_BACKOFF_CAP,
    rng: random.Random | None = None,
) -> float:
    """Seconds to wait after the ``attempts``-th failed attempt: exponential (``base * 2**(n-1)``,
    at most ``cap``) with "equal jitter" (between half of it and all of it)."""
    n = max(1, attempts)
    ceiling = min(cap, base * (2.0 ** min(n - 1, 62)))
    return ceiling / 2 + (rng or random).uniform(0, ceiling / 2)


def canonical_string(method: str, path_with_query: str, timestamp: int, key_id: str, body: bytes) -> bytes:
    lines = (
        SCHEME,
        method.upper(),
        path_with_query,
        str(timestamp),
        key_id,
        hashlib.sha256(body).hexdigest(),
    )
    return "\n".join(lines).encode("utf-8")


class Signer:
    """Signs requests; never gives the same (method, path, body) the same timestamp twice."""

    def __init__(self, private_key: Ed25519PrivateKey, clock: Any = time.time) -> None:
        self._key = private_key
        self.key_id = key_id_of(private_key.public_key())
        self._clock = clock
        self._last: dict[str, int] = {}

    def headers(self, method: str, path_with_query: str, body: bytes) -> dict[str, str]:
        now = int(self._clock())
        request_id = hashlib.sha256(
            b"\n".join([method.upper().encode(), path_with_query.encode(), hashlib.sha256(body).digest()])
        ).hexdigest()
        timestamp = max(now, self._last.get(request_id, -1) + 1)
        if len(self._last) > 10_000:
            self._last.clear()
        self._last[request_id] = timestamp
        signature = self._key.sign(canonical_string(method, path_with_query, timestamp, self.key_id, body))
        return {
            KEY_ID_HEADER: self.key_id,
            TIMESTAMP_HEADER: str(timestamp),
            SIGNATURE_HEADER: base64.b64encode(signature).decode("ascii"),
        }


class CentreClient:
    """The Centre's API at ``base_url`` (``https://centre.example/`` or ``http://127.0.0.1:8000``)."""

    def __init__(
        self,
        base_url: str,
        private_key: Ed25519PrivateKey,
        *,
        connect_timeout: float = DEFAULT_CONNECT_TIMEOUT,
        read_timeout: float = DEFAULT_READ_TIMEOUT,
        session: requests.Session | None = None,
        clock: Any = time.time,
    ) -> None:
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError("the Centre's URL must start with https:// (or http:// for a local test)")
        self.origin = f"{parts.scheme}://{parts.netloc}"
        self.prefix = parts.path.rstrip("/")
        self.signer = Signer(private_key, clock)
        self.timeout = (connect_timeout, read_timeout)
        self.session = session or requests.Session()
        self.session.headers["User-Agent"] = _USER_AGENT
        self._clock = clock

    @property
    def key_id(self) -> str:
        return self.signer.key_id

    def close(self) -> None:
        self.session.close()

    def __enter__(self) -> CentreClient:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _request(self, method: str, path: str, body: bytes = b"") -> requests.Response:
        target = self.prefix + path
        headers = self.signer.headers(method, target, body)
        if method == "POST":
            headers["Content-Type"] = "application/json"
        return self.session.request(
            method, self.origin + target, data=body or None, headers=headers, timeout=self.timeout
        )

    def send_batch(self, batch_id: str, body: bytes) -> SendResult:
        """POST one batch (the exact bytes stored in the outbox), signed now."""
        try:
            response = self._request("POST", BATCHES_PATH, body)
        except requests.Timeout:
            return SendResult(Outcome.RETRY, None, "no answer from the Centre in time (timeout)")
        except requests.ConnectionError:
            return SendResult(Outcome.RETRY, None, "the Centre cannot be reached (connection failed)")
        except requests.RequestException as exc:
            return SendResult(Outcome.RETRY, None, f"request failed ({type(exc).__name__})")
        with response:
            return self._result(batch_id, response)

    def get_batch(self, batch_id: str) -> SendResult:
        """GET the stored result of one of our batches (``404``: the Centre does not know it)."""
        try:
            response = self._request("GET", f"{BATCHES_PATH}/{quote(batch_id, safe='')}")
        except requests.RequestException as exc:
            return SendResult(Outcome.RETRY, None, f"request failed ({type(exc).__name__})")
        with response:
            return self._result(batch_id, response)

    # -- responses ------------------------------------------------------------------------------

    def _result(self, batch_id: str, response: requests.Response) -> SendResult:
        status = response.status_code
        if status in (200, 201):
            return _acknowledgement(batch_id, response)
        error, detail = _error_of(response)
        said = f"{status} {error}" + (f": {detail}" if detail else "")
        if status == 401 and error == "replayed":
            # the same signature reached the Centre before (a restart within the same second):
            # sign again, with a later timestamp, right away
            return SendResult(Outcome.RETRY, status, said, retry_after=0.0)
        if status == 401:
            skew = self._skew(response)
            if skew is not None and abs(skew) > SKEW_REPORT_SECONDS:
                ahead = "ahead of" if skew > 0 else "behind"
                said = (
                    f"401: clock skew: the Centre's clock is {abs(skew):.0f} s {ahead} this machine's; "
                    f"synchronise this machine's clock (NTP) ({detail or 'unauthorized'})"
                )
            else:
                said = f"401 refused by the Centre: {detail or 'unauthorized'} (key id {self.key_id})"
            return SendResult(Outcome.AUTH, status, said, clock_skew=skew)
        if status == 429 or status >= 500:
            return SendResult(Outcome.RETRY, status, said, retry_after=_retry_after(response))
        if status == 409:
            return SendResult(
                Outcome.PERMANENT,
                status,
                "409 conflict: the Centre holds another body under this batch id; "
                "the batch is kept as failed",
            )
        if status == 404:
            said += " (is the Centre's URL right?)"
        return SendResult(Outcome.PERMANENT, status, said)

    def _skew(self, response: requests.Response) -> float | None:
        date = response.headers.get("Date")
        if not date:
            return None
        try:
            server = parsedate_to_datetime(date).timestamp()
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
        return float(server - self._clock())


def _short(text: object) -> str:
    if not isinstance(text, str):
        return ""
    return " ".join(text.split())[:_MAX_DETAIL]


def _error_of(response: requests.Response) -> tuple[str, str]:
    """The Centre's ``error`` code and fixed ``detail`` text (plus ``field`` for a 422)."""
    try:
        payload = response.json()
    except ValueError:
        return (response.reason or "error", "")
    if not isinstance(payload, dict):
        return (response.reason or "error", "")
    error = _short(payload.get("error")) or (response.reason or "error")
    detail = _short(payload.get("detail"))
    where = _short(payload.get("field"))
    if where:
        detail = f"{detail} (field {where})" if detail else f"field {where}"
    return error, detail


def _retry_after(response: requests.Response) -> float | None:
    value = response.headers.get("Retry-After", "").strip()
    if value.isdigit():
        return float(value)
    return None


def _acknowledgement(batch_id: str, response: requests.Response) -> SendResult:
    status = response.status_code
    try:
        payload = response.json()
    except ValueError:
        payload = None
    if not isinstance(payload, dict) or payload.get("batch_id") != batch_id:
        # A proxy's page, or a cut-off answer: send the same bytes again; the Centre replays.
        return SendResult(Outcome.RETRY, status, f"{status} with an answer that is not the Centre's")
    counts_raw = payload.get("counts")
    counts = (
        {str(k): int(v) for k, v in counts_raw.items() if isinstance(v, int)}
        if isinstance(counts_raw, dict)
        else {}
    )
    rejected: list[RejectedRecord] = []
    outcomes = payload.get("outcomes")
    for position, outcome in enumerate(outcomes if isinstance(outcomes, list) else []):
        if not isinstance(outcome, dict) or outcome.get("status") != "rejected":
            continue
        index = outcome.get("index")
        key = outcome.get("record_key")
        errors = outcome.get("errors")
        findings = tuple(
            (_short(e.get("field")), _short(e.get("entity_type")))
            for e in (errors if isinstance(errors, list) else [])
            if isinstance(e, dict)
        )
        rejected.append(
            RejectedRecord(
                index if isinstance(index, int) else position,
                key if isinstance(key, str) and len(key) == 64 else None,
                findings,
            )
        )
    batch_status = payload.get("status")
    return SendResult(
        Outcome.ACKNOWLEDGED,
        status,
        "stored before (replay)" if status == 200 else "stored",
        replay=status == 200,
        batch_status=batch_status if isinstance(batch_status, str) else None,
        counts=counts,
        rejected=tuple(rejected),
    )


# -- delivering the outbox ------------------------------------------------------------------------


@dataclass
class DeliveryStats:
    """What deliveries achieved so far (counts and batch ids, no values)."""

    sent: list[str] = field(default_factory=list)
    replays: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)  # (batch id, problem)
    accepted_records: int = 0
    rejected_records: int = 0
    rejected_by_type: Counter[str] = field(default_factory=Counter)
    last_problem: SendResult | None = None


class Courier:
    """Sends due batches of an outbox, oldest first, and decides what happens to each.

    After a transient failure (no answer, ``5xx``, ``429``, ``401``) the batch waits with an
    exponential backoff with jitter (``backoff_base`` doubling up to ``backoff_cap`` seconds, or
    the Centre's ``Retry-After``) and the courier sends nothing more until that moment: when the
    Centre is down, one batch probes it instead of every batch in turn.
    """

    def __init__(
        self,
        client: CentreClient,
        *,
        backoff_base: float = DEFAULT_BACKOFF_BASE,
        backoff_cap: float = DEFAULT_BACKOFF_CAP,
        log: Callable[[str], None] | None = None,
    ) -> None:
        self.client = client
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self.log = log or (lambda _message: None)
        self.stats = DeliveryStats()
        self.blocked_until = 0.0

    def deliver(self, outbox: Outbox, stop: threading.Event | None = None) -> SendResult | None:
        """Send every due batch; return the failure that stopped the round (None: nothing blocks)."""
        if time.time() < self.blocked_until:
            return self.stats.last_problem
        while stop is None or not stop.is_set():
            due = outbox.due(limit=20)
            if not due:
                break
            for batch in due:
                if stop is not None and stop.is_set():
                    return None
                result = self.client.send_batch(batch.batch_id, batch.body)
                if not self._handle(outbox, batch, result):
                    return result
        self.blocked_until = 0.0
        return None

    def _handle(self, outbox: Outbox, batch: PendingBatch, result: SendResult) -> bool:
        stats = self.stats
        if result.outcome is Outcome.ACKNOWLEDGED:
            outbox.mark_sent(batch.batch_id, result.receipt())
            stats.sent.append(batch.batch_id)
            stats.replays += int(result.replay)
            accepted = int(result.counts.get("accepted", batch.record_count - len(result.rejected)))
            stats.accepted_records += accepted
            stats.rejected_records += len(result.rejected)
            for record in result.rejected:
                stats.rejected_by_type.update({kind for _, kind in record.findings} or {"unknown"})
            rejected = f", {len(result.rejected)} rejected by the Centre" if result.rejected else ""
            replay = " (stored before: replay)" if result.replay else ""
            self.log(f"batch {batch.batch_id}: acknowledged{replay}, {accepted} accepted{rejected}")
            for record in result.rejected:
                kinds = ", ".join(sorted({f"{f} {k}" for f, k in record.findings})) or "no reason given"
                self.log(f"batch {batch.batch_id}: record {record.index} rejected by the Centre: {kinds}")
            stats.last_problem = None
            return True
        if result.outcome is Outcome.PERMANENT:
            outbox.mark_failed(batch.batch_id, result.problem)
            stats.failed.append((batch.batch_id, result.problem))
            self.log(f"batch {batch.batch_id}: failed, kept in the outbox: {result.problem}")
            return True
        delay = backoff_delay(batch.attempts + 1, self.backoff_base, self.backoff_cap)
        if result.retry_after is not None:
            delay = max(delay, min(result.retry_after, self.backoff_cap))
        at = time.time() + delay
        outbox.mark_retry(batch.batch_id, result.problem, at)
        self.blocked_until = at
        stats.last_problem = result
        self.log(f"batch {batch.batch_id}: not delivered ({result.problem}); next attempt in {delay:.1f} s")
        return False
