"""Responses that must never be stored by a browser or a proxy (personal data, tokens)."""

from __future__ import annotations

from flask import Response


def private(body: str | bytes | Response, status: int = 200,
            mimetype: str = "text/html") -> Response:
    """A response marked ``Cache-Control: no-store``."""
    response = body if isinstance(body, Response) else Response(body, status=status,
                                                                 mimetype=mimetype)
    response.headers["Cache-Control"] = "no-store"
    return response
