"""Responses that must never be stored by a browser or a proxy (personal data, tokens)."""

from __future__ import annotations

from flask import Response
from flask.json.provider import DefaultJSONProvider

from registry import jsonout


def private(body: str | bytes | Response, status: int = 200,
            mimetype: str = "text/html") -> Response:
    """A response marked ``Cache-Control: no-store``."""
    response = body if isinstance(body, Response) else Response(body, status=status,
                                                                 mimetype=mimetype)
    response.headers["Cache-Control"] = "no-store"
    return response


class StrictJSONProvider(DefaultJSONProvider):
    """Flask's JSON, strict: NaN and infinities are written as null (registry.jsonout)."""

    def dumps(self, obj: object, **kwargs: object) -> str:
        kwargs.setdefault("default", self.default)
        kwargs.setdefault("ensure_ascii", self.ensure_ascii)
        kwargs.setdefault("sort_keys", self.sort_keys)
        return jsonout.dumps(obj, **kwargs)
