"""Rate limits per client, counted in the state store (shared by every process and replica).

A client is its address as the server sees it, or — behind TRUSTED_PROXIES reverse proxies,
which ProxyFix trusts — the address they forwarded. An IPv6 client is its /64 network (one
subscriber's prefix: a host can take any address in it).
"""

from __future__ import annotations

import ipaddress

from flask import Flask, current_app, request

from registry.state import counters, state_engine
from registry.web.errors import TooManyRequests


def client_key() -> str:
    try:
        address = ipaddress.ip_address(request.remote_addr or "")
    except ValueError:
        return "inconnu"
    if address.version == 6:
        if address.ipv4_mapped:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def take(purpose: str, limit: int, window: float, message: str) -> counters.Hit | None:
    """Count one hit of this client for `purpose`; 429 (with Retry-After) beyond `limit`
    hits in `window` seconds. `limit` 0: no limit."""
    if limit <= 0:
        return None
    engine = state_engine(current_app.config)
    hit = counters.hit(engine, f"{purpose}:{client_key()}", window)
    if hit.count > limit:
        raise TooManyRequests(message, retry_after=hit.retry_after())
    return hit


def forget(purpose: str) -> None:
    counters.reset(state_engine(current_app.config), f"{purpose}:{client_key()}")


def init_app(app: Flask) -> None:
    """Trust X-Forwarded-For from TRUSTED_PROXIES reverse proxies, no more."""
    hops = int(app.config.get("TRUSTED_PROXIES") or 0)
    if hops > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=0, x_host=0)
