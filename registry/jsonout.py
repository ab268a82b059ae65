"""Strict JSON out (RFC 8259): never ``NaN``, ``Infinity`` nor ``-Infinity``.

Python's json module writes them by default, and strict parsers (browsers' JSON.parse,
jq, most languages) refuse the whole document. A non-finite number becomes ``null``.
Used by the API (registry.web.responses.StrictJSONProvider), the exports and every
command writing JSON.
"""

from __future__ import annotations

import json
import math


def finite(value: object) -> object:
    """`value` with every non-finite float replaced by None (lists, tuples, dicts walked)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [finite(v) for v in value]
    return value


def dumps(value: object, **kwargs: object) -> str:
    """json.dumps with allow_nan=False; a document holding NaN or infinities is written
    with null in their place."""
    kwargs["allow_nan"] = False
    try:
        return json.dumps(value, **kwargs)  # type: ignore[arg-type]
    except ValueError:
        return json.dumps(finite(value), **kwargs)  # type: ignore[arg-type]
