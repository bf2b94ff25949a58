#!/usr/bin/env python3
"""Build and check the held-out THB de-identification corpus.

    .venv/bin/python tests/corpus/build.py            # src/*.txt -> heldout.jsonl (after all checks)
    .venv/bin/python tests/corpus/build.py --stats    # same, and print counts per label / language / source
    .venv/bin/python tests/corpus/build.py --check    # only re-validate the committed heldout.jsonl

Source format (src/*.txt): every text starts with a header line
``### id=own-NNN lang=nl|fr|en|de|mixed source=police|labour_inspection|...``; the following lines up to
the next header are the text, in which personal data is marked inline as ``[[LABEL|surface text]]``.
Invisible characters are written as escapes: {ZWSP} {NBSP} {NNBSP} {SHY} {WJ} {TAB}.

Nothing is written when any check fails (exit status 1, problems listed on stderr).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
import unicodedata
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import phonenumbers
from stdnum import iban as std_iban
from stdnum.be import bis as be_bis
from stdnum.be import nn as be_nn
from stdnum.bg import egn
from stdnum.br import cpf
from stdnum.cn import ric
from stdnum.es import nie
from stdnum.nl import bsn
from stdnum.pl import pesel
from stdnum.ro import cnp
from stdnum.tr import tckimlik

HERE = Path(__file__).resolve().parent
SRC_DIR = HERE / "src"
OUT_FILE = HERE / "heldout.jsonl"

LABELS = (
    "PERSON",
    "NATIONAL_ID",
    "PASSPORT",
    "PHONE",
    "EMAIL",
    "ADDRESS",
    "IBAN",
    "LICENSE_PLATE",
    "DATE_OF_BIRTH",
    "DATE",
    "ORGANIZATION",
    "CASE_NUMBER",
    "ONLINE_ID",
)
LANGS = ("nl", "fr", "en", "de", "mixed")
SOURCES = (
    "police",
    "labour_inspection",
    "social_inspection",
    "immigration",
    "prosecutor",
    "ngo",
    "child_protection",
)
ESCAPES = {
    "{ZWSP}": "\u200b",
    "{NBSP}": "\u00a0",
    "{NNBSP}": "\u202f",
    "{SHY}": "\u00ad",
    "{WJ}": "\u2060",
    "{TAB}": "\t",
}
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
MIN_WORDS, MAX_WORDS = 40, 160
# corpus-level requirements
MIN_TEXTS, MIN_SPANS, MIN_PER_LABEL = 70, 700, 12

HEADER_RE = re.compile(r"^### id=(\S+) lang=(\S+) source=(\S+)\s*$")
MARK_RE = re.compile(r"\[\[([A-Z_]+)\|([^\n|]+?)\]\]")
ID_RE = re.compile(r"^own-\d{3}$")


class CorpusError(Exception):
    def __init__(self, problems: list[str]):
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


# ---------------------------------------------------------------- normalisation helpers


def fold(s: str) -> str:
    """NFKC (full-width digits, NBSP -> space) and drop zero-width / soft-hyphen characters."""
    s = unicodedata.normalize("NFKC", s)
    return "".join(c for c in s if c not in INVISIBLE)


def alnum(s: str) -> str:
    return "".join(c for c in fold(s) if c.isalnum()).upper()


MONTHS = {}
for _i, _names in enumerate(
    [
        "januari jan janvier janv january januar jänner",
        "februari feb février fevrier févr fevr february februar",
        "maart mrt mars march märz maerz mar",
        "april apr avril avr",
        "mei mai may",
        "juni jun juin june",
        "juli jul juillet juil july",
        "augustus aug août aout august",
        "september sep sept septembre",
        "oktober okt octobre oct october",
        "november nov novembre",
        "december dec décembre decembre déc dezember dez",
    ],
    start=1,
):
    for _n in _names.split():
        MONTHS[_n] = _i
_MON = "|".join(sorted(MONTHS, key=len, reverse=True))
DATE_PATTERNS = [
    (re.compile(r"^(\d{1,2})[./-](\d{1,2})[./-](\d{4}|\d{2})$"), ("d", "m", "y")),
    (re.compile(r"^(\d{4})[./-](\d{1,2})[./-](\d{1,2})$"), ("y", "m", "d")),
    (re.compile(r"^(\d{1,2})[./](\d{1,2})\.?$"), ("d", "m")),
    (
        re.compile(
            rf"^(?:the )?(\d{{1,2}})(?:st|nd|rd|th|er|e|ste|de|\.)?(?: of)? ({_MON})\.?(?:,? (\d{{4}}))?$"
        ),
        ("d", "M", "y"),
    ),
    (re.compile(rf"^({_MON})\.? (\d{{1,2}})(?:st|nd|rd|th)?(?:,? (\d{{4}}))?$"), ("M", "d", "y")),
]


def parse_date(s: str) -> tuple[int | None, int, int] | None:
    """Return (year or None, month, day) of a day-precise date written in nl/fr/en/de, else None."""
    t = re.sub(r"\s+", " ", fold(s).strip().lower())
    for rx, order in DATE_PATTERNS:
        m = rx.match(t)
        if not m:
            continue
        val: dict[str, int | None] = {"y": None}
        for key, grp in zip(order, m.groups(), strict=True):
            if grp is None:
                continue
            if key == "M":
                val["m"] = MONTHS[grp]
            else:
                val[key] = int(grp)
        y = val["y"]
        if y is not None and y < 100:
            y += 2000 if y <= 25 else 1900
        try:
            dt.date(y or 2024, int(val["m"] or 0), int(val["d"] or 0))
        except ValueError:
            return None
        return (y, int(val["m"] or 0), int(val["d"] or 0))
    return None


SPELLED = {
    # nl
    "nul": "0",
    "een": "1",
    "één": "1",
    "twee": "2",
    "drie": "3",
    "vier": "4",
    "vijf": "5",
    "zes": "6",
    "zeven": "7",
    "acht": "8",
    "negen": "9",
    # fr
    "zéro": "0",
    "zero": "0",
    "un": "1",
    "une": "1",
    "deux": "2",
    "trois": "3",
    "quatre": "4",
    "cinq": "5",
    "six": "6",
    "sept": "7",
    "huit": "8",
    "neuf": "9",
    # en
    "oh": "0",
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "seven": "7",
    "eight": "8",
    "nine": "9",
    # de
    "null": "0",
    "eins": "1",
    "zwei": "2",
    "zwo": "2",
    "drei": "3",
    "fünf": "5",
    "sechs": "6",
    "sieben": "7",
    "neun": "9",
    "plus": "+",
}


def phone_digits(s: str) -> str | None:
    """Digits of a phone number (with a leading + if international); spelled-out digits are resolved."""
    t = fold(s).lower()
    out = []
    for tok in re.findall(r"[^\W\d_]+|\d|\+", t):
        if tok.isdigit() or tok == "+":
            out.append(tok)
        elif tok in SPELLED:
            out.append(SPELLED[tok])
        elif tok in ("tel", "gsm"):
            continue
        else:
            return None
    return "".join(out)


def phone_ok(s: str) -> bool:
    d = phone_digits(s)
    if not d:
        return False
    if d.startswith("00"):
        d = "+" + d[2:]
    try:
        num = phonenumbers.parse(d, "BE")
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.is_valid_number(num)


EMAIL_RE = re.compile(r"^[a-z0-9._%+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}$")


def deobfuscate_email(s: str) -> str:
    t = " " + fold(s).lower() + " "
    t = re.sub(r"\s*[\[\({<]\s*(?:at|@|arobase|apenstaartje)\s*[\]\)}>]\s*", "@", t)
    t = re.sub(r"\s*[\[\({<]\s*(?:dot|punt|point|punkt|\.)\s*[\]\)}>]\s*", ".", t)
    t = re.sub(r"\s+(?:at|arobase|apenstaartje|bij)\s+", "@", t)
    t = re.sub(r"\s+(?:dot|punt|point|punkt)\s+", ".", t)
    return re.sub(r"\s+", "", t)


def email_ok(s: str) -> bool:
    return bool(EMAIL_RE.match(deobfuscate_email(s)))


def iban_ok(s: str) -> bool:
    v = alnum(s)
    return std_iban.is_valid(v)


# national ids: (name, validator, birth-date getter or None)
def _bd(mod: Any) -> Callable[[str], dt.date | None]:
    def get(v: str) -> dt.date | None:
        try:
            d = mod.get_birth_date(v)
            return d if isinstance(d, dt.date) else None
        except Exception:
            return None

    return get


NATIONAL_VALIDATORS: list[tuple[str, Any, Callable[[str], dt.date | None] | None]] = [
    ("BE-NRN", be_nn, _bd(be_nn)),
    ("BE-BIS", be_bis, _bd(be_bis)),
    ("RO-CNP", cnp, _bd(cnp)),
    ("BG-EGN", egn, _bd(egn)),
    ("PL-PESEL", pesel, _bd(pesel)),
    ("CN-RIC", ric, _bd(ric)),
    ("NL-BSN", bsn, None),
    ("ES-NIE", nie, None),
    ("BR-CPF", cpf, None),
    ("TR-TCKN", tckimlik, None),
]


def national_id_kinds(s: str) -> list[tuple[str, dt.date | None]]:
    v = alnum(s)
    kinds = []
    for name, mod, bd in NATIONAL_VALIDATORS:
        if mod.is_valid(v):
            kinds.append((name, bd(v) if bd else None))
    return kinds


# ---------------------------------------------------------------- parsing


def parse_src_text(raw: str) -> tuple[str, list[dict[str, Any]]]:
    for esc, ch in ESCAPES.items():
        raw = raw.replace(esc, ch)
    text_parts: list[str] = []
    spans: list[dict[str, Any]] = []
    pos = 0
    length = 0
    for m in MARK_RE.finditer(raw):
        before = raw[pos : m.start()]
        text_parts.append(before)
        length += len(before)
        label, surface = m.group(1), m.group(2)
        spans.append({"start": length, "end": length + len(surface), "label": label, "text": surface})
        text_parts.append(surface)
        length += len(surface)
        pos = m.end()
    text_parts.append(raw[pos:])
    return "".join(text_parts), spans


def _make_record(header: dict[str, Any], body: list[str]) -> dict[str, Any]:
    text, spans = parse_src_text("\n".join(body).strip("\n"))
    return {**header, "text": text, "spans": spans}


def read_sources(src_dir: Path) -> tuple[list[dict[str, Any]], list[str]]:
    records: list[dict[str, Any]] = []
    problems: list[str] = []
    files = sorted(src_dir.glob("*.txt"))
    if not files:
        problems.append(f"no source files in {src_dir}")
    for path in files:
        header: dict[str, Any] | None = None
        body: list[str] = []
        for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.startswith("###"):
                body.append(line)
                continue
            if header is not None:
                records.append(_make_record(header, body))
            elif any(b.strip() for b in body):
                problems.append(f"{path.name}:{lineno}: text without a (valid) header")
            body = []
            m = HEADER_RE.match(line)
            if not m:
                problems.append(f"{path.name}:{lineno}: malformed header {line!r}")
                header = None
                continue
            header = {"id": m.group(1), "lang": m.group(2), "source": m.group(3)}
        if header is not None:
            records.append(_make_record(header, body))
        elif any(b.strip() for b in body):
            problems.append(f"{path.name}: text without a (valid) header")
    return records, problems


# ---------------------------------------------------------------- checks

NAME_PARTICLES = {
    "van",
    "von",
    "der",
    "den",
    "de",
    "del",
    "della",
    "le",
    "la",
    "el",
    "al",
    "ben",
    "bin",
    "da",
    "das",
    "do",
    "dos",
    "du",
    "des",
    "di",
    "ait",
    "abu",
    "abou",
    "ter",
    "ten",
}

LEAK_PATTERNS = [
    ("email", re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")),
    ("iban", re.compile(r"\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){3,}")),
    ("numeric date", re.compile(r"(?<![\d/.])\d{1,2}[/.-]\d{1,2}[/.-](?:19|20)\d{2}(?![\d])")),
    ("iso date", re.compile(r"\b(?:19|20)\d{2}-\d{2}-\d{2}\b")),
    ("named date", re.compile(rf"\b\d{{1,2}}(?:er|st|nd|rd|th|\.)? (?:{_MON})\b(?!\w)", re.IGNORECASE)),
    ("phone", re.compile(r"(?:\+|\b00)\d{2,3}[ ./]?\d{1,4}(?:[ ./]?\d{2,4}){2,4}\b")),
    ("be mobile", re.compile(r"\b04\d{2}[ ./]?\d{2}[ ./]?\d{2}[ ./]?\d{2}\b")),
    ("long number", re.compile(r"\b\d{9,}\b")),
    ("url", re.compile(r"(?:https?://|www\.)\S+|\b(?:t\.me|facebook\.com|instagram\.com|tiktok\.com)/\S+")),
]


def check_record(rec: dict[str, Any]) -> list[str]:
    p: list[str] = []
    rid = rec.get("id", "?")
    where = f"{rid}:"
    if set(rec) != {"id", "lang", "source", "text", "spans"}:
        p.append(f"{where} unexpected keys {sorted(rec)}")
        return p
    if not ID_RE.match(rid):
        p.append(f"{where} bad id")
    if rec["lang"] not in LANGS:
        p.append(f"{where} bad lang {rec['lang']!r}")
    if rec["source"] not in SOURCES:
        p.append(f"{where} bad source {rec['source']!r}")
    text: str = rec["text"]
    n_words = len(text.split())
    if not MIN_WORDS <= n_words <= MAX_WORDS:
        p.append(f"{where} {n_words} words (allowed {MIN_WORDS}-{MAX_WORDS})")
    for bad in ("[[", "]]"):
        if bad in text:
            p.append(f"{where} leftover markup {bad!r}")
    for esc in re.findall(r"\{[A-Z]{2,6}\}", text):
        p.append(f"{where} leftover escape {esc}")
    if "{{" in text or "}}" in text:
        p.append(f"{where} leftover placeholder")

    prev_end = -1
    prev_start = -1
    dobs = []
    for sp in rec["spans"]:
        s, e, lab, st = sp.get("start"), sp.get("end"), sp.get("label"), sp.get("text")
        loc = f"{where} span {s}-{e} {lab} {st!r}:"
        if set(sp) != {"start", "end", "label", "text"}:
            p.append(f"{loc} unexpected keys")
            continue
        if not (isinstance(s, int) and isinstance(e, int) and 0 <= s < e <= len(text)):
            p.append(f"{loc} bad offsets")
            continue
        if text[s:e] != st:
            p.append(f"{loc} offsets do not round-trip ({text[s:e]!r})")
        if s < prev_end or (s, e) <= (prev_start, prev_end):
            p.append(f"{loc} overlapping or unsorted")
        prev_start, prev_end = s, e
        if lab not in LABELS:
            p.append(f"{loc} unknown label")
            continue
        if st != st.strip() or st.strip(INVISIBLE + "\u00a0\u202f") != st:
            p.append(f"{loc} leading/trailing whitespace")
        if s > 0 and text[s - 1].isalnum():
            p.append(f"{loc} starts inside a word")
        if e < len(text) and text[e].isalnum():
            p.append(f"{loc} ends inside a word")
        if lab == "DATE_OF_BIRTH":
            dobs.append(sp)
    spans = rec["spans"]
    for sp in spans:
        lab, st = sp["label"], sp["text"]
        loc = f"{where} {lab} {st!r}:"
        f = fold(st)
        if lab in ("DATE", "DATE_OF_BIRTH"):
            d = parse_date(st)
            if d is None:
                p.append(f"{loc} not a parseable day-precise date")
            elif lab == "DATE_OF_BIRTH" and (d[0] is None or not 1940 <= d[0] <= 2023):
                p.append(f"{loc} implausible birth year")
            elif lab == "DATE" and d[0] is not None and not 2014 <= d[0] <= 2025:
                p.append(f"{loc} event date outside 2014-2025")
        elif lab == "NATIONAL_ID":
            kinds = national_id_kinds(st)
            if not kinds:
                p.append(f"{loc} no valid check digits for any supported national id type")
                continue
            dated = [k for k in kinds if k[1] is not None]
            if not dated:
                continue
            near = None
            best = 10**9
            for dsp in dobs:
                dist = max(dsp["start"] - sp["end"], sp["start"] - dsp["end"], 0)
                if dist < best:
                    best, near = dist, dsp
            if near is not None and best <= 300:
                pd = parse_date(near["text"])
                if pd is None or pd[0] is None:
                    continue
                dob = dt.date(pd[0], pd[1], pd[2])
                if not any(k[1] == dob for k in dated):
                    p.append(f"{loc} birth date in id ({[str(k[1]) for k in dated]}) != nearest DOB {dob}")
        elif lab == "IBAN":
            if not iban_ok(st):
                p.append(f"{loc} invalid IBAN (ISO 13616 / national check)")
        elif lab == "PHONE":
            if not phone_ok(st):
                p.append(f"{loc} not a valid phone number")
        elif lab == "EMAIL":
            if not email_ok(st):
                p.append(f"{loc} not an e-mail address after de-obfuscation")
        elif lab == "ADDRESS":
            if not re.search(r"\d", f):
                p.append(f"{loc} address without a house number")
        elif lab == "PASSPORT":
            v = alnum(st)
            if not (6 <= len(v) <= 10 and re.search(r"\d", v)):
                p.append(f"{loc} implausible passport number")
        elif lab == "LICENSE_PLATE":
            v = alnum(st)
            if not (re.search(r"\d", v) and re.search(r"[A-Z]", v) and 4 <= len(v) <= 10):
                p.append(f"{loc} implausible licence plate")
        elif lab == "CASE_NUMBER":
            if not re.search(r"\d", f):
                p.append(f"{loc} case number without digits")
        elif lab == "PERSON":
            if re.search(r"\d", f) or not re.search(r"[^\W\d_]", f):
                p.append(f"{loc} implausible person name")
        elif lab == "ORGANIZATION" and not re.search(r"[^\W\d_]", f):
            p.append(f"{loc} implausible organisation name")
    # personal data left outside any span
    covered = [False] * (len(text) + 1)
    for sp in spans:
        for i in range(sp["start"], sp["end"]):
            covered[i] = True
    # every mention of an annotated person is annotated (also a repeated first name or surname)
    name_tokens = {
        w
        for sp in spans
        if sp["label"] == "PERSON"
        for w in re.findall(r"[^\W\d_]+", fold(sp["text"]))
        if len(w) >= 3 and w.lower() not in NAME_PARTICLES
    }
    for w in sorted(name_tokens):
        for m in re.finditer(r"(?<!\w)" + re.escape(w) + r"(?!\w)", text):
            if not any(covered[m.start() : m.end()]):
                p.append(f"{where} unannotated mention of person name {w!r} at {m.start()}")
    folded = text.replace("\u00a0", " ").replace("\u202f", " ")
    for name, rx in LEAK_PATTERNS:
        for m in rx.finditer(folded):
            if not any(covered[m.start() : m.end()]):
                p.append(f"{where} unannotated {name} {m.group(0)!r}")
    return p


def check_corpus(records: list[dict[str, Any]], *, full: bool = True) -> list[str]:
    problems: list[str] = []
    ids = Counter(r.get("id") for r in records)
    for rid, n in ids.items():
        if n > 1:
            problems.append(f"duplicate id {rid}")
    for rec in records:
        problems.extend(check_record(rec))
    # the same identifier must not be re-used across texts (copy/paste slips)
    seen: dict[tuple[str, str], str] = {}
    for rec in records:
        for sp in rec.get("spans", []):
            if sp.get("label") in ("NATIONAL_ID", "IBAN", "PASSPORT", "LICENSE_PLATE"):
                key = (sp["label"], alnum(sp["text"]))
                if key in seen and seen[key] != rec["id"]:
                    problems.append(f"{rec['id']}: {sp['label']} {sp['text']!r} re-used from {seen[key]}")
                seen.setdefault(key, rec["id"])
    texts = Counter(r.get("text") for r in records)
    if any(n > 1 for n in texts.values()):
        problems.append("duplicate texts")
    if full:
        n_spans = sum(len(r.get("spans", [])) for r in records)
        if len(records) < MIN_TEXTS:
            problems.append(f"only {len(records)} texts (< {MIN_TEXTS})")
        if n_spans < MIN_SPANS:
            problems.append(f"only {n_spans} spans (< {MIN_SPANS})")
        per_label = Counter(sp.get("label") for r in records for sp in r.get("spans", []))
        for lab in LABELS:
            if per_label[lab] < MIN_PER_LABEL:
                problems.append(f"label {lab}: only {per_label[lab]} spans (< {MIN_PER_LABEL})")
        langs = Counter(r.get("lang") for r in records)
        for lang in LANGS:
            if langs[lang] == 0:
                problems.append(f"no text in language {lang}")
    return problems


# ---------------------------------------------------------------- build / io


def build(src_dir: Path = SRC_DIR) -> list[dict[str, Any]]:
    records, problems = read_sources(src_dir)
    problems += check_corpus(records)
    if problems:
        raise CorpusError(problems)
    return records


def dumps(records: list[dict[str, Any]]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


def load(path: Path = OUT_FILE) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def is_adversarial(text: str) -> bool:
    if any(c in text for c in INVISIBLE + "\u00a0\u202f"):
        return True
    if re.search(r"[\uff10-\uff19]", text):
        return True
    return bool(re.search(r"\[at\]|\(at\)|\(dot\)|\[dot\]| at [\w-]+ dot ", text, re.IGNORECASE))


def stats(records: list[dict[str, Any]]) -> str:
    lines = []
    tab: Counter[tuple[str, str]] = Counter()
    for r in records:
        for sp in r["spans"]:
            tab[(sp["label"], r["lang"])] += 1
    lines.append("| label | " + " | ".join(LANGS) + " | total |")
    lines.append("|---|" + "---|" * (len(LANGS) + 1))
    for lab in LABELS:
        row = [tab[(lab, lg)] for lg in LANGS]
        lines.append(f"| {lab} | " + " | ".join(map(str, row)) + f" | {sum(row)} |")
    tot = [sum(tab[(lab, lg)] for lab in LABELS) for lg in LANGS]
    lines.append("| **all** | " + " | ".join(map(str, tot)) + f" | {sum(tot)} |")
    lines.append("")
    langs = Counter(r["lang"] for r in records)
    lines.append("| lang | texts | share |")
    lines.append("|---|---|---|")
    for lg in LANGS:
        lines.append(f"| {lg} | {langs[lg]} | {100 * langs[lg] / len(records):.0f}% |")
    lines.append("")
    srcs = Counter(r["source"] for r in records)
    lines.append("| source | texts |")
    lines.append("|---|---|")
    for s in SOURCES:
        lines.append(f"| {s} | {srcs[s]} |")
    lines.append("")
    words = [len(r["text"].split()) for r in records]
    lines.append(
        f"texts: {len(records)}, spans: {sum(len(r['spans']) for r in records)}, "
        f"words per text: min {min(words)}, max {max(words)}, mean {sum(words) / len(words):.1f}, "
        f"texts with obfuscation (invisible/full-width characters, [at]/(dot)): "
        f"{sum(is_adversarial(r['text']) for r in records)}"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--stats", action="store_true", help="print counts per label, language and source")
    ap.add_argument("--check", action="store_true", help="only validate the committed heldout.jsonl")
    ap.add_argument("--src", type=Path, default=SRC_DIR)
    ap.add_argument("--out", type=Path, default=OUT_FILE)
    args = ap.parse_args(argv)
    try:
        if args.check:
            records = load(args.out)
            problems = check_corpus(records)
            if problems:
                raise CorpusError(problems)
        else:
            records = build(args.src)
    except CorpusError as exc:
        for prob in exc.problems:
            print("ERROR", prob, file=sys.stderr)
        print(f"{len(exc.problems)} problem(s); nothing written", file=sys.stderr)
        return 1
    if not args.check:
        args.out.write_text(dumps(records), encoding="utf-8")
        print(f"wrote {args.out} ({len(records)} texts, {sum(len(r['spans']) for r in records)} spans)")
    else:
        print(f"{args.out}: OK ({len(records)} texts)")
    if args.stats:
        print(stats(records))
    return 0


if __name__ == "__main__":
    sys.exit(main())
