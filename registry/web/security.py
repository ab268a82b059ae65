"""Security headers on every response: strict CSP, no framing, no sniffing; CORS for reading
the open data (the API, the export files) from any site, never with credentials."""

from __future__ import annotations

from flask import Flask, Response, request

CORS_PREFIXES = ("/api/v1/", "/exports/", "/donnees/dcat.jsonld")
CORS_METHODS = "GET, HEAD, OPTIONS"
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
       "form-action 'self'; frame-ancestors 'none'")


def _headers(app: Flask, response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if app.config.get("HTTPS"):
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    if request.path.startswith(CORS_PREFIXES) and request.method in ("GET", "HEAD", "OPTIONS"):
        headers.setdefault("Access-Control-Allow-Origin", "*")
        headers.setdefault("Access-Control-Expose-Headers", "Content-Disposition, Link")
        if request.method == "OPTIONS":  # a preflight: what a cross-site reader may send
            headers["Access-Control-Allow-Methods"] = CORS_METHODS
            headers["Access-Control-Allow-Headers"] = "Accept, Accept-Language, Content-Type"
            headers["Access-Control-Max-Age"] = "86400"
    return response


def init_app(app: Flask) -> None:
    app.after_request(lambda response: _headers(app, response))
