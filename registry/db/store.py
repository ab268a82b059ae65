"""Read access to the built registry (the web layer's only way to the database)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from registry.db.models import Administration, Algorithme, BuildInfo
from registry.records.model import Record


@dataclass
class AdministrationSummary:
    id: str
    nom: str
    type: str
    nombre: int


def to_record(row: Algorithme) -> Record:
    return Record(row.id, row.meta, row.corps_md,
                  admin={"id": row.administration_id, "nom": row.administration,
                         "type": row.administration_type})


class Store:
    """A database session with the queries the site needs; close() at teardown."""

    def __init__(self, engine: Engine) -> None:
        self.session = Session(engine)

    def close(self) -> None:
        self.session.close()

    def get(self, ident: str) -> Algorithme | None:
        return self.session.get(Algorithme, ident)

    def all(self) -> list[Algorithme]:
        return list(self.session.exec(select(Algorithme).order_by(Algorithme.nom)))

    def records(self) -> list[Record]:
        return [to_record(row) for row in self.all()]

    def count(self) -> int:
        return self.session.exec(select(func.count()).select_from(Algorithme)).one()

    def recent(self, limit: int = 5) -> list[Algorithme]:
        query = select(Algorithme).order_by(Algorithme.derniere_modification.desc(),
                                            Algorithme.nom).limit(limit)
        return list(self.session.exec(query))

    def administrations(self) -> list[AdministrationSummary]:
        """Every administration record, with its number of algorithms (0 included)."""
        counts = dict(self.session.exec(select(Algorithme.administration_id, func.count())
                                        .group_by(Algorithme.administration_id)).all())
        rows = self.session.exec(select(Administration.id, Administration.nom,
                                        Administration.type).order_by(Administration.nom))
        return [AdministrationSummary(ident, nom, kind, counts.get(ident, 0))
                for ident, nom, kind in rows]

    def administration(self, ident: str) -> Administration | None:
        return self.session.get(Administration, ident)

    def administration_rows(self) -> list[Administration]:
        return list(self.session.exec(select(Administration).order_by(Administration.nom)))

    def by_administration(self, slug: str) -> list[Algorithme]:
        query = select(Algorithme).where(Algorithme.administration_id == slug)
        return list(self.session.exec(query.order_by(Algorithme.nom)))

    def build_info(self) -> dict[str, str]:
        return {row.key: row.value for row in self.session.exec(select(BuildInfo))}
