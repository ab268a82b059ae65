"""The site does what it says: no page a visitor can reach sends them to the command line
(`registry …`); commands are for maintainers, documented in docs/ and on their pages."""

from __future__ import annotations

import re
from collections import Counter, deque
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup

from registry.cli import main as cli

# `registry build`, `registry migrate`…: a real subcommand, so English prose ("the registry
# for…") is not taken for one.
_NAMES = "|".join(sorted(map(re.escape, cli.commands), key=len, reverse=True))
COMMAND = re.compile(rf"\bregistry\s+(?:{_NAMES})\b")
MAINTAINERS = ("/mainteneurs", "/maintenance")
PER_KIND = 6  # pages of one kind (/algorithmes/…, /administrations/…) rendered at most
LIMIT = 400


def _kind(url: str) -> str:
    """Pages of one kind: same first segment, same depth, with or without a query."""
    split = urlsplit(url)
    parts = split.path.strip("/").split("/")
    return f"{parts[0]}/{len(parts)}/{bool(split.query)}"


def test_no_public_page_tells_visitors_to_run_a_command(client) -> None:
    seen, kinds, queue, checked = set(), Counter(), deque(["/"]), []
    extra = ["/couverture?date=2099-01-01", "/exports/nexiste-pas", "/donnees", "/api",
             "/cada/delais", "/algorithmes?q=fraude", "/nexiste-pas"]
    queue.extend(extra)
    while queue and len(checked) < LIMIT:
        url = queue.popleft()
        path = urlsplit(url).path
        if url in seen or path.startswith(MAINTAINERS) or not path.startswith("/") \
                or path.startswith(("/static/", "/exports/algorithmes", "/api/v1")):
            continue
        seen.add(url)
        kinds[_kind(url)] += 1
        if kinds[_kind(url)] > PER_KIND and url not in extra:
            continue
        with client.get(url) as response:
            if response.mimetype != "text/html":
                continue
            soup = BeautifulSoup(response.data, "html.parser")
        checked.append(url)
        for quoted in soup.select(".message-commit"):  # what contributors wrote in git
            quoted.decompose()
        text = soup.get_text(" ")
        found = COMMAND.findall(text)
        assert not found, (url, found)
        for a in soup.find_all("a", href=True):
            href = urljoin(url, a["href"])
            if not urlsplit(href).netloc and "#" not in href[:1]:
                queue.append(href.split("#")[0])
    assert len(checked) > 20, checked
    assert {"/couverture", "/donnees", "/api", "/a-propos"} <= set(checked)
    assert any(u.startswith("/algorithmes/") for u in checked)
    assert any(u.startswith("/administrations/") for u in checked)
