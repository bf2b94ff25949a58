"""What ``scripts/demo.py`` leaves behind (the small demo of the browser tests): its folder, the
logins, the Bureau's work, and ``scripts/demo_totp.py``; and that it never deletes a folder that is
not a demo folder."""

from __future__ import annotations

import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pyotp

REPO = Path(__file__).resolve().parents[4]
TOTP = REPO / "scripts" / "demo_totp.py"


def test_the_folder_keeps_its_secrets_private(demo_site: Any) -> None:
    for name in ("settings.json", "logins.json"):
        assert stat.S_IMODE((demo_site.root / name).stat().st_mode) == 0o600, name
    roles = sorted(a.role for a in demo_site.accounts.values())
    assert roles == ["admin", "bureau", "cell", "partner", "partner"]
    for code in ("police-fed", "labour-inspection"):
        assert stat.S_IMODE((demo_site.root / "keys" / code / "private.pem").stat().st_mode) == 0o600


def test_the_bureau_has_done_its_work(demo_site: Any) -> None:
    months = {str(r[0]) for r in demo_site.query("SELECT DISTINCT registered_month FROM anonymous_case")}
    snapshots = {str(r[0]) for r in demo_site.query("SELECT DISTINCT month FROM month_snapshot")}
    approved = sorted(
        str(r[0])
        for r in demo_site.query(
            "SELECT s.month FROM month_snapshot s JOIN month_approval a ON a.snapshot_id = s.id"
        )
    )
    assert snapshots == months and len(months) == 24
    assert approved == sorted(months)[:-2], "all months but the last two are approved"
    statuses = sorted(str(r[0]) for r in demo_site.query("SELECT status FROM proposal"))
    assert statuses == ["decided", "draft", "submitted"]
    follow_up = [str(r[0]) for r in demo_site.query("SELECT follow_up_status FROM decision")]
    assert follow_up == ["in_progress"]
    rejected = demo_site.query("SELECT SUM(rejected_count) FROM batch")
    assert int(rejected[0][0]) == 1, "the hand-typed batch's record with a phone number is rejected"


def test_demo_totp_prints_the_current_code(demo_site: Any) -> None:
    account = demo_site.account("cell")
    done = subprocess.run(
        [
            sys.executable,
            str(REPO / "scripts" / "demo_totp.py"),
            account.username,
            "--dir",
            str(demo_site.root),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    code = done.stdout.strip()
    totp = pyotp.TOTP(account.totp_secret)
    assert len(code) == 6 and totp.verify(code, valid_window=1)
    unknown = subprocess.run(
        [sys.executable, str(TOTP), "nobody", "--dir", str(demo_site.root)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert unknown.returncode == 2 and "nobody" in unknown.stderr


def test_the_demo_never_deletes_another_folder(tmp_path: Path) -> None:
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "notes.txt").write_text("not a demo\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "demo.py"), "--no-serve", "--dir", str(precious)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "not a demo folder" in done.stderr
    assert [p.name for p in precious.iterdir()] == ["notes.txt"]
