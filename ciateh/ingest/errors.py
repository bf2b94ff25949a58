"""JSON errors for the API: ``{"error": code, "detail": text}``, never HTML and never a traceback.

Texts are fixed or built from limits and field names: nothing from a request is ever echoed. The
blueprint's handler covers everything its views raise (including 413 while reading the body, and
any unexpected exception as a 500); an app-wide handler covers what routing raises under the API's
prefix (404, 405) and leaves every other path to Flask's defaults.
"""

from __future__ import annotations

import logging
from typing import Final

from flask import Blueprint, Response, current_app, jsonify, request
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from ciateh.logs import LOGGER_NAME, log_event

logger = logging.getLogger(f"{LOGGER_NAME}.api")

#: Error code and fixed detail per HTTP status (the 413 detail gets the configured limit).
HTTP_ERRORS: Final[dict[int, tuple[str, str]]] = {
    400: ("bad_request", "the request could not be read"),
    401: ("unauthorized", "the request is not signed as required"),
    404: ("not_found", "no such resource"),
    405: ("method_not_allowed", "this method is not allowed on this resource"),
    413: ("payload_too_large", "the request body is larger than the limit"),
    422: ("invalid_batch", "the batch cannot be processed"),
    500: ("internal_error", "the request failed on the server; no part of the batch was stored"),
}


class ApiError(Exception):
    """An error response the API chooses to send."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        field: str | None = None,
        headers: dict[str, str] | None = None,
        error: str | None = None,
    ) -> None:
        self.status = status
        self.error = error or HTTP_ERRORS.get(status, ("error", ""))[0]
        self.detail = detail
        self.field = field
        self.headers = headers or {}
        super().__init__(self.error)


def error_response(
    status: int,
    error: str,
    detail: str,
    *,
    field: str | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    body: dict[str, object] = {"error": error, "detail": detail}
    if field is not None:
        body["field"] = field
    response = jsonify(body)
    response.status_code = status
    response.headers.update(headers or {})
    return response


def _http_error(exc: HTTPException) -> Response:
    status = exc.code or 500
    error, detail = HTTP_ERRORS.get(status, ("error", "the request failed"))
    if status == 413:
        limit = current_app.config.get("MAX_CONTENT_LENGTH")
        detail = f"the request body is larger than the limit of {limit} bytes"
    headers: dict[str, str] = {}
    if isinstance(exc, MethodNotAllowed) and exc.valid_methods:
        headers["Allow"] = ", ".join(sorted(exc.valid_methods))
    return error_response(status, error, detail, headers=headers)


def api_error(exc: Exception) -> Response:
    """The JSON response for anything a view of the API raised."""
    if isinstance(exc, ApiError):
        return error_response(exc.status, exc.error, exc.detail, field=exc.field, headers=exc.headers)
    if isinstance(exc, HTTPException):
        return _http_error(exc)
    log_event(logger, "api.failed", logging.ERROR, endpoint=request.endpoint, exception=type(exc).__name__)
    error, detail = HTTP_ERRORS[500]
    return error_response(500, error, detail)


_api_prefixes: list[str] = []


def api_routing_error(exc: HTTPException) -> Response | None:
    """The API's JSON error for an HTTP error (unknown path, wrong method) on a path under the API's
    prefix, which no view of the blueprint handled; ``None`` elsewhere (the portal answers those)."""
    for prefix in _api_prefixes:
        if request.path == prefix or request.path.startswith(prefix.rstrip("/") + "/"):
            return _http_error(exc)
    return None


def register_error_handlers(bp: Blueprint) -> None:
    """Errors of the blueprint's views become JSON errors; so do routing errors under its prefix,
    through the app-wide handler that calls :func:`api_routing_error` (the portal's, or the
    fallback registered here when there is no portal)."""
    bp.register_error_handler(Exception, api_error)
    _api_prefixes.append(bp.url_prefix or "/")

    def routing_error(exc: HTTPException) -> Response | HTTPException:
        return api_routing_error(exc) or exc

    bp.app_errorhandler(HTTPException)(routing_error)
