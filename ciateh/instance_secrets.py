"""The portal's own secrets (session signing key, encryption keys): from ``CIATEH_SECRET_KEY`` and
``CIATEH_FERNET_KEYS`` when set (production), otherwise created once in the instance folder as
``secrets.json`` (mode 0600) so that a fresh checkout (``make demo``) works and keeps its sessions
and encrypted columns readable across restarts."""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path
from typing import Any

from ciateh.crypto import new_key


def load_or_create(instance_path: str, config: dict[str, Any]) -> None:
    if config.get("SECRET_KEY") and config.get("FERNET_KEYS"):
        return
    path = Path(instance_path) / "secrets.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        # written aside, then linked into place: two processes starting at once agree on one file
        made = {"SECRET_KEY": secrets.token_urlsafe(48), "FERNET_KEYS": new_key()}
        tmp = path.with_name(f".secrets.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(made, fh)
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    stored = json.loads(path.read_text(encoding="utf-8"))
    for name in ("SECRET_KEY", "FERNET_KEYS"):
        if not config.get(name):
            config[name] = stored[name]
