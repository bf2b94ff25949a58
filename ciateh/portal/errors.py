"""Error pages: a short, translated page for every HTTP error outside the API (a bad month, a
missing object, a refused role, a missing CSRF token, an internal error), never a stack trace. Under
the API's prefix the answer stays the API's JSON error."""

from __future__ import annotations

from flask import Flask, render_template
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from ciateh.ingest.errors import api_routing_error

MESSAGES = {
    400: (_l("The request could not be understood"), _l("Please go back and try again.")),
    401: (_l("Please sign in"), _l("This page needs you to be signed in.")),
    403: (_l("Not for your role"), _l("Your account does not give access to this page.")),
    404: (_l("Not found"), _l("There is no such page, or it is not yours to see.")),
    405: (_l("Not allowed"), _l("This page cannot be used that way.")),
    413: (_l("Too large"), _l("What was sent is larger than the Centre accepts.")),
    429: (_l("Too many attempts"), _l("Please wait a few minutes before you try again.")),
    500: (
        _l("Something went wrong"),
        _l("The error was logged and nothing was half saved. Please try again."),
    ),
}


def error_page(exc: HTTPException) -> Response | tuple[str, int]:
    api = api_routing_error(exc)
    if api is not None:
        return api
    code = exc.code or 500
    title, message = MESSAGES.get(code, MESSAGES[500] if code >= 500 else MESSAGES[400])
    return render_template("error.html", code=code, title=title, message=message), code


def init_errors(app: Flask) -> None:
    app.register_error_handler(HTTPException, error_page)
