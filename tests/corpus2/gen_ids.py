#!/usr/bin/env python3
"""Synthetic identifier generator for the second held-out corpus (tests/corpus2).

Used once while writing the texts: in ``src/*.txt`` placeholders of the form ``<<KIND|arg|...>>`` were
replaced in place by freshly generated values with valid check digits (``fill`` command). The committed
sources no longer contain placeholders; the script documents how the numbers were made and can generate
more (``sample`` command).

    .venv/bin/python tests/corpus2/gen_ids.py fill      # replace remaining placeholders in src/*.txt
    .venv/bin/python tests/corpus2/gen_ids.py sample    # print a few example values

Placeholders
    <<NRN|YYYY-MM-DD|M/F|fmt>>   Belgian national register number consistent with the date of birth
    <<BIS|YYYY-MM-DD|M/F/U|fmt>> Belgian BIS number (+40 month if the sex is known, +20 if not)
    <<CNP|YYYY-MM-DD|M/F>>       Romanian CNP          <<EGN|YYYY-MM-DD|M/F>>  Bulgarian EGN
    <<PESEL|YYYY-MM-DD|M/F>>     Polish PESEL          <<RIC|YYYY-MM-DD|M/F>>  Chinese resident ID
    <<CPF>> Brazilian CPF        <<NIE>> Spanish NIE   <<BSN>> Dutch BSN       <<TCKN>> Turkish T.C. Kimlik
    <<IBAN|CC|fmt>>              IBAN of country CC (BE with a valid national check too)
fmt: compact, dots, spaces, grp, lower, nbsp, nnbsp, zw, fw, dbl, dash (not all apply to all kinds).
"""

from __future__ import annotations

import datetime as dt
import json
import random
import re
import string
import sys
import unicodedata
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

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
ROOT = HERE.parents[1]
OTHER_CORPORA = [ROOT / "tests" / "corpus" / "heldout.jsonl", Path("/work/shared/corpus/dev.jsonl")]
RNG = random.Random(20240917)
PH_RE = re.compile(r"<<([A-Z]+)((?:\|[^|<>]*)*)>>")
FW = str.maketrans("0123456789.-", "０１２３４５６７８９．－")


def _used_values() -> set[str]:
    used: set[str] = set()
    for path in OTHER_CORPORA:
        if path.exists():
            for line in path.read_text(encoding="utf-8").splitlines():
                for sp in json.loads(line)["spans"]:
                    used.add("".join(c for c in sp["text"] if c.isalnum()).upper())
    for path in (HERE / "src").glob("*.txt"):
        raw = path.read_text(encoding="utf-8")
        used.update(re.findall(r"\d{6,}", raw))
        for surface in re.findall(r"\[\[[A-Z_]+\|([^\n|]+?)\]\]", raw):
            surface = re.sub(r"\{[A-Z]{2,6}\}", "", surface)  # escapes of invisible characters
            used.add("".join(c for c in unicodedata.normalize("NFKC", surface) if c.isalnum()).upper())
    return used


USED = _used_values()


def _fresh(make: Callable[[], str]) -> str:
    for _ in range(1000):
        v = make()
        if v not in USED:
            USED.add(v)
            return v
    raise RuntimeError("no fresh value")


def _date(s: str) -> dt.date:
    return dt.date.fromisoformat(s)


def _fresh_valid(make: Callable[[], str], check: ModuleType, dob: dt.date | None = None) -> str:
    """A fresh value from ``make``, valid for the stdnum module ``check`` (born on ``dob``, if given)."""
    v = _fresh(make)
    assert check.is_valid(v) and (dob is None or check.get_birth_date(v) == dob), v
    return v


def nrn(dob: dt.date, sex: str, bis: bool = False) -> str:
    def make() -> str:
        month = dob.month
        if bis:
            month += 20 if sex == "U" else 40
        serial = RNG.randrange(1, 998)
        if (sex == "M" and serial % 2 == 0) or (sex == "F" and serial % 2 == 1):
            serial += 1
        base = f"{dob.year % 100:02d}{month:02d}{dob.day:02d}{serial:03d}"
        num = int(("2" if dob.year >= 2000 else "") + base)
        return base + f"{97 - num % 97:02d}"

    return _fresh_valid(make, be_bis if bis else be_nn)


def fmt_nrn(v: str, fmt: str) -> str:
    dots = f"{v[:2]}.{v[2:4]}.{v[4:6]}-{v[6:9]}.{v[9:]}"
    return {
        "compact": v,
        "dots": dots,
        "spaces": f"{v[:2]} {v[2:4]} {v[4:6]} {v[6:9]} {v[9:]}",
        "six": f"{v[:6]}-{v[6:9]}-{v[9:]}",
        "fw": dots.translate(FW),
        "zw": f"{v[:2]}.{v[2:4]}.{v[4:6]}-{{ZWSP}}{v[6:9]}.{v[9:]}",
        "nbsp": f"{v[:6]}{{NBSP}}{v[6:9]}{{NBSP}}{v[9:]}",
        "dash": f"{v[:6]}-{v[6:9]}-{v[9:]}",
    }[fmt or "dots"]


# The personal numbers that are a date of birth, a serial and one check digit: the digits before the
# check digit, for a date of birth and a sex.
def _cnp_base(dob: dt.date, sex: str) -> str:
    s = {(True, "M"): "1", (True, "F"): "2", (False, "M"): "5", (False, "F"): "6"}[(dob.year < 2000, sex)]
    county = RNG.choice(["04", "08", "12", "22", "26", "33", "37", "39"])
    return f"{s}{dob:%y%m%d}{county}{RNG.randrange(1, 999):03d}"


def _egn_base(dob: dt.date, sex: str) -> str:
    m = dob.month + (40 if dob.year >= 2000 else 0)
    r = RNG.randrange(0, 100)
    d9 = RNG.choice("02468" if sex == "M" else "13579")
    return f"{dob.year % 100:02d}{m:02d}{dob.day:02d}{r:02d}{d9}"


def _pesel_base(dob: dt.date, sex: str) -> str:
    m = dob.month + (20 if dob.year >= 2000 else 0)
    s = RNG.choice("13579" if sex == "M" else "02468")
    return f"{dob.year % 100:02d}{m:02d}{dob.day:02d}{RNG.randrange(0, 1000):03d}{s}"


DATED: dict[str, tuple[ModuleType, Callable[[dt.date, str], str]]] = {
    "CNP": (cnp, _cnp_base),
    "EGN": (egn, _egn_base),
    "PESEL": (pesel, _pesel_base),
}


def dated_id(kind: str, dob: dt.date, sex: str) -> str:
    """A Romanian CNP, Bulgarian EGN or Polish PESEL of a person born on ``dob``."""
    check, base_of = DATED[kind]

    def make() -> str:
        base = base_of(dob, sex)
        return base + check.calc_check_digit(base)

    return _fresh_valid(make, check, dob)


def ric_(dob: dt.date, sex: str) -> str:
    def make() -> str:
        areas = [
            "350128",
            "350181",
            "330302",
            "330381",
            "320583",
            "440106",
            "370202",
            "350102",
            "350103",
            "330103",
            "350121",
            "330324",
            "110105",
            "310110",
        ]
        RNG.shuffle(areas)
        seq = RNG.randrange(0, 100) * 10 + RNG.choice([1, 3, 5, 7, 9] if sex == "M" else [0, 2, 4, 6, 8])
        for area in areas:  # the area code must have existed at the date of birth
            base = f"{area}{dob:%Y%m%d}{seq:03d}"
            v = base + ric.calc_check_digit(base + "0")
            if ric.is_valid(v):
                return v
        raise RuntimeError(f"no valid RIC area for {dob}")

    return _fresh_valid(make, ric, dob)


def cpf_() -> str:
    def make() -> str:
        base = f"{RNG.randrange(10**8, 10**9):09d}"
        return base + cpf._calc_check_digits(base)

    v = _fresh_valid(make, cpf)
    return f"{v[:3]}.{v[3:6]}.{v[6:9]}-{v[9:]}"


def nie_() -> str:
    def make() -> str:
        base = RNG.choice("XYZ") + f"{RNG.randrange(0, 10**7):07d}"
        return base + nie.calc_check_digit(base)

    return _fresh_valid(make, nie)


def bsn_() -> str:
    return _fresh_valid(lambda: _bsn_complete(f"{RNG.randrange(10**7, 10**8):08d}"), bsn)


def _bsn_complete(base: str) -> str:
    for d in "0123456789":
        if bsn.is_valid(base + d):
            return base + d
    return _bsn_complete(f"{RNG.randrange(10**7, 10**8):08d}")


def tckn_() -> str:
    def make() -> str:
        base = f"{RNG.randrange(1, 10)}{RNG.randrange(0, 10**8):08d}"
        return base + tckimlik.calc_check_digits(base)

    return _fresh_valid(make, tckimlik)


BBAN = {
    "RO": "4A16n",
    "BG": "4A6n8n",
    "LT": "16n",
    "NL": "4A10n",
    "DE": "18n",
    "LU": "3n13c",
    "GB": "4A14n",
    "TR": "5n1z16n",
    "UA": "6n19n",
    "MD": "2A18n",
    "AL": "8n16n",
    "GE": "2A16n",
    "PL": "24n",
    "PT": "21n",
    "IT": "1A10n12c",
    "FR": "10n11c2n",
    "CZ": "20n",
    "SK": "20n",
    "HU": "24n",
}


BANKS = {
    "RO": ["BTRL", "BRDE", "RNCB", "INGB", "BACX", "CECE"],
    "BG": ["UNCR", "BPBI", "FINV", "STSA", "RZBB"],
    "NL": ["INGB", "RABO", "ABNA", "KNAB", "BUNQ", "TRIO"],
    "GB": ["BARC", "HBUK", "LOYD", "NWBK", "MONZ"],
    "GE": ["TB", "BG"],
    "MD": ["AG", "MO", "VI"],
    "IT": ["X"],
}


def _bban(spec: str, cc: str = "") -> str:
    if cc in BANKS:
        bank = RNG.choice(BANKS[cc])
        rest = re.sub(r"^\d+A", "", spec)
        return bank + _bban(rest)
    out = []
    for n, kind in re.findall(r"(\d+)([Ancz])", spec):
        alphabet = {
            "A": string.ascii_uppercase,
            "n": string.digits,
            "c": string.ascii_uppercase + string.digits,
            "z": "0",
        }[kind]
        out.append("".join(RNG.choice(alphabet) for _ in range(int(n))))
    return "".join(out)


def iban_(cc: str) -> str:
    def make() -> str:
        if cc == "BE":
            acc = f"{RNG.randrange(0, 10**10):010d}"
            chk = int(acc) % 97 or 97
            bban = f"{acc}{chk:02d}"
        else:
            bban = _bban(BBAN[cc], cc)
        check = 98 - int("".join(str(int(c, 36)) for c in bban + cc + "00")) % 97
        return f"{cc}{check:02d}{bban}"

    for _ in range(200):
        v = _fresh(make)
        if std_iban.is_valid(v):
            return v
    raise RuntimeError(cc)


def fmt_iban(v: str, fmt: str) -> str:
    groups = [v[i : i + 4] for i in range(0, len(v), 4)]
    if fmt == "compact":
        return v
    if fmt == "lower":
        return " ".join(groups).lower()
    if fmt == "nbsp":
        return "{NBSP}".join(groups)
    if fmt == "nnbsp":
        return "{NNBSP}".join(groups)
    if fmt == "dbl":
        return "  ".join(groups)
    if fmt == "zw":
        g = " ".join(groups)
        k = len(g) // 2
        return g[:k] + "{ZWSP}" + g[k:]
    if fmt == "fw":
        return " ".join(groups).translate(FW)
    if fmt == "dash":
        return "-".join(groups)
    return " ".join(groups)


def render(kind: str, args: list[str]) -> str:
    if kind in ("NRN", "BIS"):
        return fmt_nrn(nrn(_date(args[0]), args[1], kind == "BIS"), args[2] if len(args) > 2 else "dots")
    if kind in ("CNP", "EGN", "PESEL", "RIC"):
        v = ric_(_date(args[0]), args[1]) if kind == "RIC" else dated_id(kind, _date(args[0]), args[1])
        if len(args) > 2 and args[2] == "fw":
            v = v.translate(FW)
        return v
    if kind == "CPF":
        return cpf_()
    if kind == "NIE":
        v = nie_()
        return f"{v[0]}-{v[1:8]}-{v[8]}" if args and args[0] == "dash" else v
    if kind == "BSN":
        return bsn_()
    if kind == "TCKN":
        return tckn_()
    if kind == "IBAN":
        return fmt_iban(iban_(args[0]), args[1] if len(args) > 1 else "grp")
    raise ValueError(kind)


def fill() -> int:
    n = 0
    for path in sorted((HERE / "src").glob("*.txt")):
        raw = path.read_text(encoding="utf-8")

        def rep(m: re.Match[str]) -> str:
            nonlocal n
            n += 1
            args = [a for a in m.group(2).split("|")[1:]]
            return render(m.group(1), args)

        new = PH_RE.sub(rep, raw)
        if new != raw:
            path.write_text(new, encoding="utf-8")
    print(f"filled {n} placeholder(s)")
    return 0


def sample() -> int:
    print(
        render("NRN", ["1991-04-02", "F", "dots"]),
        render("BIS", ["2006-01-01", "M", "dots"]),
        render("CNP", ["1987-05-06", "M"]),
        render("EGN", ["2001-03-09", "F"]),
        render("PESEL", ["1994-12-01", "M"]),
        render("RIC", ["1992-07-08", "F"]),
        render("CPF", []),
        render("NIE", []),
        render("BSN", []),
        render("TCKN", []),
        *(render("IBAN", [cc]) for cc in ["BE", "RO", "BG", "LT", "NL", "DE", "GB", "TR", "UA", "MD"]),
        sep="\n",
    )
    return 0


if __name__ == "__main__":
    sys.exit({"fill": fill, "sample": sample}[sys.argv[1] if len(sys.argv) > 1 else "sample"]())
