"""Who may see what: every portal view declares its roles, and a view that does not is refused.

::

    @bp.get("/bureau/month/<month>")
    @allow("bureau")
    def month(month: str) -> str: ...

    @bp.get("/login")
    @public
    def login() -> str: ...

``allow`` answers an anonymous visitor with a redirect to the login page (401 for a non-GET request)
and a signed-in user of another role with 403. ``audit`` says what the audit log records of a
successful answer: ``"view"`` (the default for GET), ``"export"`` or ``None``. The declarations are
kept on the view functions, so the access-matrix test and ``check_declared`` read them from the app.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, Final, Literal, TypeVar, cast

from flask import Flask, abort, redirect, request, url_for
from flask_login import current_user

from ciateh.models import ROLES

F = TypeVar("F", bound=Callable[..., Any])
AuditKind = Literal["view", "export"] | None
ANONYMOUS: Final = "anonymous"
#: endpoints outside the portal's declarations (they guard themselves: request signatures, files)
SELF_GUARDED_BLUEPRINTS: Final = ("ingest",)
SELF_GUARDED_ENDPOINTS: Final = ("static",)


def allow(*roles: str, audit: AuditKind = "view") -> Callable[[F], F]:
    unknown = set(roles) - set(ROLES)
    if unknown or not roles:
        raise ValueError(f"allow(): unknown or no roles {sorted(unknown)}")

    def decorate(view: F) -> F:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                if request.method in ("GET", "HEAD"):
                    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
                abort(401)
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        guarded.allowed_roles = frozenset(roles)  # type: ignore[attr-defined]
        guarded.audit_kind = audit  # type: ignore[attr-defined]
        return cast(F, guarded)

    return decorate


def public(view: F) -> F:
    """A view anyone may open (the login pages, the health check)."""
    view.allowed_roles = frozenset((ANONYMOUS, *ROLES))  # type: ignore[attr-defined]
    view.audit_kind = None  # type: ignore[attr-defined]
    return view


def allowed_roles(app: Flask, endpoint: str) -> frozenset[str] | None:
    view = app.view_functions.get(endpoint)
    return getattr(view, "allowed_roles", None)


def audit_kind(app: Flask, endpoint: str) -> AuditKind:
    return cast(AuditKind, getattr(app.view_functions.get(endpoint), "audit_kind", None))


def check_declared(app: Flask) -> None:
    """Refuse to start when a route has no access declaration (fail closed)."""
    missing = [
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.endpoint not in SELF_GUARDED_ENDPOINTS
        and rule.endpoint.split(".")[0] not in SELF_GUARDED_BLUEPRINTS
        and allowed_roles(app, rule.endpoint) is None
    ]
    if missing:
        raise RuntimeError(f"routes without an access declaration: {', '.join(sorted(missing))}")
