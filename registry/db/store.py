"""Read access to the built registry (the web layer's only way to the database)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from registry.db.models import Algorithme, BuildInfo
from registry.records.model import Record


@dataclass
class AdministrationSummary:
    slug: str
    nom: str
    type: str
    nombre: int


def to_record(row: Algorithme) -> Record:
    return Record(row.id, row.meta, row.corps_md)


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
        query = (select(Algorithme.administration_slug, Algorithme.administration,
                        Algorithme.administration_type, func.count())
                 .group_by(Algorithme.administration_slug, Algorithme.administration,
                           Algorithme.administration_type)
                 .order_by(Algorithme.administration))
        return [AdministrationSummary(*row) for row in self.session.exec(query)]

    def by_administration(self, slug: str) -> list[Algorithme]:
        query = select(Algorithme).where(Algorithme.administration_slug == slug)
        return list(self.session.exec(query.order_by(Algorithme.nom)))

    def by_domaine(self, domaine: str) -> list[Algorithme]:
        query = select(Algorithme).where(Algorithme.domaine == domaine)
        return list(self.session.exec(query.order_by(Algorithme.nom)))

    def build_info(self) -> dict[str, str]:
        return {row.key: row.value for row in self.session.exec(select(BuildInfo))}
