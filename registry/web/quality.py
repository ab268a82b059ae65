"""The maintainers' worklist: records to work on next and the gaps of the inventory."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, current_app, render_template

from registry.quality.checks import totals, worklist
from registry.quality.linkcheck import dead_links_by_record
from registry.web.resources import get_store

bp = Blueprint("quality", __name__)


@bp.get("/qualite")
def page() -> str:
    records = get_store().records()
    dead = dead_links_by_record(Path(current_app.config["INSTANCE"]), records)
    items = worklist(records, dead)
    return render_template("quality/page.html", items=items[:50], total=len(items),
                           par_domaine=totals(items, "domaine"),
                           par_type=totals(items, "administration_type"))
