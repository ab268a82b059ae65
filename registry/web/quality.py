"""The maintainers' worklist: records to work on next, the gaps of the inventory, and what
keeps the records true over time (reviews, quotes, citations, dead links)."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, current_app, render_template

from registry.quality.checks import STALE_DAYS, totals, upkeep, worklist
from registry.quality.linkcheck import dead_links_by_record, load_cache
from registry.web.resources import get_store

bp = Blueprint("quality", __name__)


@bp.get("/qualite")
def page() -> str:
    records = get_store().records()
    instance = Path(current_app.config["INSTANCE"])
    dead = dead_links_by_record(instance, records)
    items = worklist(records, dead)
    checked = max((s.checked_at for s in load_cache(instance).values()), default="")
    return render_template("quality/page.html", items=items[:50], total=len(items),
                           par_domaine=totals(items, "domaine"),
                           par_type=totals(items, "administration_type"),
                           entretien=upkeep(items), mois=STALE_DAYS // 365 * 12,
                           derniere_verification=checked[:10])
