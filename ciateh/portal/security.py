"""Security headers on every answer, and the session cookie settings.

The portal runs no inline script or style: the Content-Security-Policy allows scripts, styles,
images and fonts from the portal itself only, and forbids framing, plug-ins and form posts elsewhere.
Charts are SVG drawn on the server (presentation attributes, not ``style``), so they need nothing more.
"""

from __future__ import annotations

from typing import Final

from flask import Flask, Response

CSP: Final = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
HEADERS: Final = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    # same-origin, not no-referrer: over HTTPS Flask-WTF requires a same-site Referer on every POST
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
}
COOKIE_SETTINGS: Final = {
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_NAME": "ciateh_session",
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "PERMANENT_SESSION_LIFETIME": 8 * 3600,
}


def configure_security(app: Flask) -> None:
    # Flask defines these keys itself (setdefault would never apply): the portal's values are set
    for name, value in COOKIE_SETTINGS.items():
        app.config[name] = value
    # Secure cookies unless explicitly switched off for plain-http local use (demo, tests)
    secure = bool(app.config.get("SECURE_COOKIES", True))
    app.config["SESSION_COOKIE_SECURE"] = secure
    app.config["REMEMBER_COOKIE_SECURE"] = secure

    @app.after_request
    def _headers(response: Response) -> Response:
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        if secure:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        if response.mimetype == "text/html":
            response.headers.setdefault("Cache-Control", "no-store")
        return response
