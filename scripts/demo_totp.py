"""``scripts/demo_totp.py USERNAME``: the current 6-digit TOTP code of a demo login (demo only).

Reads the TOTP secret that ``make demo`` wrote to ``logins.json`` in the demo folder, in place of an
authenticator app. Real accounts keep their secret in an authenticator app only.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import pyotp
from demo_instance import DEFAULT_DIR, read_logins


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="demo_totp.py", description="Print a demo login's TOTP code.")
    parser.add_argument("username", help="a username printed by make demo (e.g. demo-bureau)")
    parser.add_argument("--dir", type=Path, default=DEFAULT_DIR, help="demo folder (default %(default)s)")
    args = parser.parse_args(argv)
    path = args.dir / "logins.json"
    if not path.exists():
        print(f"demo_totp: {path} does not exist: run `make demo` first", file=sys.stderr)
        return 2
    logins = read_logins(path)
    login = logins.get(args.username)
    if login is None:
        print(f"demo_totp: no demo login {args.username!r}; one of: {', '.join(logins)}", file=sys.stderr)
        return 2
    totp = pyotp.TOTP(login.totp_secret)
    left = totp.interval - int(time.time()) % totp.interval
    print(totp.now())
    print(f"(valid for {left} more seconds)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
