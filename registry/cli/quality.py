"""Dataset upkeep: `registry sources check`, `registry qualite`."""

from __future__ import annotations

import sys
from dataclasses import asdict
from pathlib import Path

import click

from registry import jsonout
from registry.config import load_settings
from registry.quality.checks import STALE_DAYS, Upkeep, totals, upkeep, worklist
from registry.quality.linkcheck import check_links, dead_links_by_record
from registry.records.model import InvalidRecords, load_records


def _records(data: Path | None) -> tuple[list, dict]:
    settings = load_settings({"DATA": str(data)} if data else None)
    try:
        return load_records(Path(settings["DATA"])), settings
    except InvalidRecords as exc:
        for line in exc.messages:
            click.echo(line)
        click.echo("Fiches invalides : corrigez-les d'abord (registry validate).", err=True)
        sys.exit(1)


@click.group()
def sources() -> None:
    """Sources des fiches."""


@sources.command("check")
@click.option("--data", type=click.Path(path_type=Path), help="Dossier des fiches.")
@click.option("--max-age", default=7.0, show_default=True,
              help="Réutiliser les résultats en cache plus récents que N jours.")
@click.option("--workers", default=8, show_default=True, help="Requêtes simultanées.")
@click.option("--timeout", default=10.0, show_default=True, help="Délai par requête (s).")
@click.option("--retries", default=2, show_default=True, help="Nouvelles tentatives.")
@click.option("--strict", is_flag=True, help="Code de sortie 1 s'il y a des liens morts.")
def sources_check(data: Path | None, max_age: float, workers: int, timeout: float,
                  retries: int, strict: bool) -> None:
    """Vérifier les liens des fiches ; signale les liens morts ou déplacés (fichier:ligne)."""
    records, settings = _records(data)
    results = check_links(records, Path(settings["INSTANCE"]), max_age, workers, timeout,
                          retries)
    problems = 0
    for use, status in results:
        message = status.message()
        if message:
            problems += 1
            click.echo(f"{use.record.path}:{use.line}: {'.'.join(map(str, use.path))} : "
                       f"{message} — {use.url}")
    urls = len({use.url for use, _ in results})
    click.echo(f"{len(results)} liens ({urls} adresses distinctes) vérifiés, "
               f"{problems} problème(s).", err=True)
    sys.exit(1 if strict and problems else 0)


@click.command()
@click.option("--data", type=click.Path(path_type=Path), help="Dossier des fiches.")
@click.option("--json", "as_json", is_flag=True, help="Sortie JSON.")
@click.option("--limit", default=20, show_default=True, help="Nombre de fiches listées.")
def qualite(data: Path | None, as_json: bool, limit: int) -> None:
    """Les fiches à travailler en priorité, et les totaux par domaine et type d'organisme."""
    records, settings = _records(data)
    items = worklist(records, dead_links_by_record(Path(settings["INSTANCE"]), records))
    by_domain, by_type = totals(items, "domaine"), totals(items, "administration_type")
    kept = upkeep(items)
    if as_json:
        click.echo(jsonout.dumps({"fiches": [asdict(q) for q in items[:limit]],
                                  "entretien": asdict(kept),
                                  "par_domaine": [asdict(g) for g in by_domain],
                                  "par_type_organisme": [asdict(g) for g in by_type]},
                                 ensure_ascii=False, indent=2))
        return
    click.echo(f"Fiches à travailler en priorité ({min(limit, len(items))} sur {len(items)}) :")
    for q in items[:limit]:
        click.echo(f"  {q.priorite:5.1f}  {q.id} — {' ; '.join(q.raisons) or 'rien à signaler'}")
    _upkeep(kept, {r.id: r for r in records})
    for title, groups in (("domaine", by_domain), ("type d'organisme", by_type)):
        click.echo(f"\nPar {title} :")
        for g in groups:
            click.echo(f"  {g.libelle:<45} {g.fiches:4d} fiche(s), {g.inconnus_moyens:4.1f} "
                       f"« inconnu » en moyenne{'  ← aucune fiche' if not g.fiches else ''}")


def _upkeep(kept: Upkeep, records: dict) -> None:
    where = {i: (str(r.path) if r.path else i) for i, r in records.items()}
    click.echo(f"\nFiches pas revues depuis plus de {STALE_DAYS // 365 * 12} mois : "
               f"{len(kept.non_revues)}")
    for q in kept.non_revues:
        line = records[q.id].lines.get(("revu_le",), 1)
        click.echo(f"  {where[q.id]}:{line}: revue le {q.revu_le or 'jamais'}")
    click.echo(f"\nSources sans extrait : {kept.sources_sans_extrait} sur {kept.sources} "
               f"({len(kept.sans_extrait)} fiches)")
    for q in kept.sans_extrait:
        record = records[q.id]
        keys = [s.get("cle") for s in record.meta.get("sources") or [] if isinstance(s, dict)]
        for key in q.sources_sans_extrait:
            line = record.lines.get(("sources", keys.index(key))) if key in keys else None
            click.echo(f"  {where[q.id]}:{line or 1}: source « {key} » sans extrait")
    click.echo(f"\nAffirmations sans source : "
               f"{sum(len(q.affirmations_sans_source) for q in kept.sans_source)} "
               f"({len(kept.sans_source)} fiches)")
    for q in kept.sans_source:
        for claim in q.affirmations_sans_source:
            click.echo(f"  {where[q.id]}:{claim.ligne or 1}: {claim.texte}")
    dead = [(q, d) for q in kept.liens_morts for d in q.sources_mortes]
    click.echo(f"\nLiens morts ou déplacés (selon le dernier « registry sources check ») : "
               f"{len(dead)}")
    for q, d in dead:
        instead = (f" — nouvelle adresse : {d.nouvelle_adresse}" if d.nouvelle_adresse else
                   f" — copie archivée à utiliser : {d.archive}" if d.archive else
                   " — aucune copie archivée dans la fiche")
        path = tuple(int(p) if p.isdigit() else p for p in d.champ.split("."))
        line = records[q.id].lines.get(path, 1)
        click.echo(f"  {where[q.id]}:{line}: {d.champ} : {d.message} ({d.url}, vérifié le "
                   f"{d.checked_at[:10]}){instead}")


commands = [sources, qualite]
