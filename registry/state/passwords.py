"""Password hashes with the standard library only (the core never imports werkzeug).

The stored form is werkzeug.security's (``scrypt:32768:8:1$<salt>$<hex>`` or
``pbkdf2:sha256:600000$<salt>$<hex>``), so a hash made by either checks with the other:
scrypt by default (memory-hard), pbkdf2 accepted (cheap settings only in tests).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import string

SALT_CHARS = string.ascii_letters + string.digits
DEFAULT = "scrypt"


def _derive(method: str, salt: str, password: str) -> tuple[str, str]:
    """(hex digest, the method with its parameters)."""
    name, *args = method.split(":")
    if name == "scrypt":
        n, r, p = (int(a) for a in args) if args else (2**15, 8, 1)
        digest = hashlib.scrypt(password.encode(), salt=salt.encode(), n=n, r=r, p=p,
                                maxmem=132 * n * r * p)
        return digest.hex(), f"scrypt:{n}:{r}:{p}"
    if name == "pbkdf2":
        algo = args[0] if args else "sha256"
        rounds = int(args[1]) if len(args) > 1 else 600_000
        digest = hashlib.pbkdf2_hmac(algo, password.encode(), salt.encode(), rounds)
        return digest.hex(), f"pbkdf2:{algo}:{rounds}"
    raise ValueError(f"méthode de hachage inconnue « {name} »")


def hash_password(password: str, method: str = DEFAULT, salt_length: int = 16) -> str:
    salt = "".join(secrets.choice(SALT_CHARS) for _ in range(salt_length))
    digest, spec = _derive(method, salt, password)
    return f"{spec}${salt}${digest}"


def check_password(stored: str, password: str) -> bool:
    """Whether `password` matches `stored`; False for a malformed hash, never raises."""
    try:
        method, salt, digest = stored.split("$", 2)
        return hmac.compare_digest(_derive(method, salt, password)[0], digest)
    except (ValueError, TypeError, MemoryError):
        return False
