"""SQLModel tables. Derived tables are rebuilt from the records by `registry build`."""

from __future__ import annotations

from sqlalchemy import JSON, Column, Text
from sqlmodel import Field, SQLModel


class Algorithme(SQLModel, table=True):
    """One record, as built from ``data/algorithms/<id>.md`` (derived, rebuildable)."""

    id: str = Field(primary_key=True, max_length=120)
    nom: str
    administration: str = Field(index=True)  # its name, joined from the administration record
    administration_id: str = Field(index=True, max_length=120)
    administration_type: str
    domaine: str = Field(index=True, max_length=40)
    statut: str = Field(max_length=40)
    type_technique: str = Field(max_length=40)
    meta: dict = Field(sa_column=Column(JSON, nullable=False))
    corps_md: str = Field(sa_column=Column(Text, nullable=False))
    corps_html: str = Field(sa_column=Column(Text, nullable=False))
    content_hash: str = Field(max_length=64)
    derniere_modification: str | None = Field(default=None, max_length=40)
    dernier_commit: str | None = Field(default=None, max_length=40)


class Administration(SQLModel, table=True):
    """One administration, as built from ``data/administrations/<id>.md`` (derived)."""

    id: str = Field(primary_key=True, max_length=120)
    nom: str
    sigle: str = ""
    type: str = Field(max_length=40)
    meta: dict = Field(sa_column=Column(JSON, nullable=False))
    corps_html: str = Field(sa_column=Column(Text, nullable=False))
    taux_reponse: dict | None = Field(default=None, sa_column=Column(JSON, nullable=True))


class BuildInfo(SQLModel, table=True):
    """Key/value facts about the last build (date, generation, record count)."""

    key: str = Field(primary_key=True, max_length=60)
    value: str
