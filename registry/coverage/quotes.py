"""« Citer ce chiffre »: each published figure as a sentence a journalist can quote.

Plain Python. A quote carries the sentence, the date of the figures, the denominator in
words, the anchor of the method that produced it and the short reference to give with it;
the web layer adds the permanent link (the figures of one commit never change).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from registry.coverage.figures import CriterionCoverage, Figure, Group, applicability_text
from registry.records import catalogue as cat
from registry.text import french_date

REGISTRY = "Registre citoyen des algorithmes publics"


@dataclass(frozen=True)
class Quote:
    ident: str  # the HTML id of the block
    phrase: str
    date: str  # the date of the figures, in French
    denominateur: str
    methode: str  # anchor of the method on the coverage page
    reference: str  # how to credit the figure


def _algorithmes(count: int, adjective: str = "") -> str:
    plural = count != 1
    word = "algorithmes" if plural else "algorithme"
    if adjective:
        word += f" {adjective}{'s' if plural else ''}"
    return f"{count} {word}"


def _des(n: int, total: int, what: str) -> str:
    """« 20 des 151 algorithmes recensés » / « 1 algorithme sur 1 recensé »."""
    if total == 1:
        return f"{n} {what} sur 1"
    return f"{n} des {total} {what}"


def reference(when: date, version: str = "") -> str:
    label = f"{REGISTRY}, chiffres au {french_date(when)}"
    return f"{label} (version {version[:10]})" if version else label


def criterion_quotes(c: CriterionCoverage, when: date, version: str = "") -> list[Quote]:
    """The two figures of a criterion: over every record, and over the records concerned."""
    day, ref, key = french_date(when), reference(when, version), c.criterion.key
    label = c.criterion.label
    tous, applicables = c.tous, c.applicables
    out = [Quote(
        f"citer-{key}-tous",
        f"Au {day}, l'élément de transparence « {label} » est publié pour "
        f"{_des(tous.n, tous.N, 'algorithmes recensés')} par le {REGISTRY}, "
        f"soit {tous.pourcentage}.",
        day, f"{_algorithmes(tous.N, 'recensé')} : toutes les fiches du registre",
        f"#methode-{key}", ref)]
    out.append(Quote(
        f"citer-{key}-applicables",
        f"Au {day}, l'élément de transparence « {label} » est publié pour "
        f"{_des(applicables.n, applicables.N, 'algorithmes concernés')} recensés par le "
        f"{REGISTRY}, soit {applicables.pourcentage}.",
        day, f"{_algorithmes(applicables.N, 'concerné')} : "
        f"{applicability_text(c.criterion)}", f"#methode-{key}", ref))
    return out


def group_quote(name: str, heading: str, group: Group, when: date, version: str = "") -> Quote:
    """A group's pooled score: published (record, criterion) pairs over applicable ones."""
    day = french_date(when)
    score: Figure = group.score
    who = ("de l'administration « " + group.libelle + " »" if name == "administration"
           else f"du groupe « {group.libelle} » ({heading.lower()})")
    return Quote(
        f"citer-{name}-{group.slug}",
        f"Au {day}, pour les {_algorithmes(group.total)} {who} recensés par le {REGISTRY}, "
        f"{_des(score.n, score.N, 'éléments de transparence concernés')} sont publiés, "
        f"soit {score.pourcentage}.",
        day, f"{score.N} couples (fiche, critère) concernés, sur les {group.total} fiches "
        f"du groupe et les {len(cat.CRITERIA)} critères", "#methode-score",
        reference(when, version))


def requests_quote(pending: int, total: int, when: date, version: str = "") -> Quote:
    day = french_date(when)
    return Quote(
        "citer-demandes",
        f"Au {day}, {_des(pending, total, 'algorithmes recensés')} par le {REGISTRY} font "
        "l'objet d'une demande d'accès aux documents envoyée et restée sans réponse de "
        "l'administration.",
        day, f"{_algorithmes(total, 'recensé')} : toutes les fiches du registre",
        "#methode-demandes", reference(when, version))
