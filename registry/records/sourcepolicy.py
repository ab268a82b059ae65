"""Which hosts a record should not cite: document-copy sites, forums, mirrors, staging hosts.

A record cites the original (the administration, Légifrance, Parliament, the newspaper), not
a copy of it. The validator warns on these hosts; the dataset test requires none of them.
Each entry says what to cite instead.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

# host suffix -> what the original is
COPY_HOSTS: dict[str, str] = {
    "123dok.net": "le document original (site de l'éditeur)",
    "vdocuments.fr": "le document original (site de l'éditeur)",
    "vdocuments.net": "le document original (site de l'éditeur)",
    "vdocuments.mx": "le document original (site de l'éditeur)",
    "studylibfr.com": "le document original (site de l'éditeur)",
    "pdfslide.fr": "le document original (site de l'éditeur)",
    "pdfslide.net": "le document original (site de l'éditeur)",
    "docplayer.fr": "le document original (site de l'éditeur)",
    "scribd.com": "le document original (site de l'éditeur)",
    "calameo.com": "le document original (site de l'éditeur)",
    "fdocuments.fr": "le document original (site de l'éditeur)",
    "yumpu.com": "le document original (site de l'éditeur)",
    "pdfcoffee.com": "le document original (site de l'éditeur)",
    "doczz.fr": "le document original (site de l'éditeur)",
    "nosdeputes.fr": "assemblee-nationale.fr (compte rendu ou question)",
    "nossenateurs.fr": "senat.fr (compte rendu ou question)",
    "tricoteuses.fr": "legifrance.gouv.fr",
    "juriblio.fr": "legifrance.gouv.fr",
    "doctrine.fr": "legifrance.gouv.fr ou le site de la juridiction",
    "archeo-lex.fr": "legifrance.gouv.fr",
    "admi.net": "legifrance.gouv.fr",
    "finance.yahoo.com": "l'article du journal d'origine",
    "msn.com": "l'article du journal d'origine",
    "blogspot.com": "le document ou l'article d'origine",
    "over-blog.com": "le document ou l'article d'origine",
    "lifelines.name": "l'article du journal d'origine",
    "wikipedia.org": "les sources citées par l'article",
}
_STAGING = re.compile(r"(^|\.)(staging|dev|preprod|recette|test|testing)\.")
_FORUM = re.compile(r"(^|\.)forums?\.|(^|/)forum[s]?(/|$)")


def host(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").rstrip(".").lower()
    except ValueError:
        return ""


def problem(url: str) -> str | None:
    """Why a URL should not be cited (French), or None."""
    name = host(url)
    if not name:
        return None
    for suffix, original in COPY_HOSTS.items():
        if name == suffix or name.endswith("." + suffix):
            return f"{name} reproduit des documents publiés ailleurs : citez {original}"
    if _STAGING.search(name):
        return f"{name} est un serveur de test ou de préproduction : citez le site public"
    path = urlsplit(url).path.lower()
    if _FORUM.search(name) or _FORUM.search(path):
        return f"{url} est un forum : citez la source primaire dont il parle"
    return None
