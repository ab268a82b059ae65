"""The base of every form of the site: text that no page, feed or file may carry is refused.

C0 control characters (tab, newline and carriage return aside), DEL, U+FFFE and U+FFFF
make XML (the Atom feeds) invalid and confuse terminals and spreadsheets: a field holding
one gets an error next to it (in the page's language), and nothing is stored nor rendered.
"""

from __future__ import annotations

from collections.abc import Iterator

from flask_babel import gettext
from flask_wtf import FlaskForm
from wtforms import Field, FieldList, FormField

from registry.text import control_characters


def leaves(form: object) -> Iterator[Field]:
    """Every field of a form that holds a value (inside FormFields and FieldLists)."""
    for field in form:  # type: ignore[attr-defined]
        if isinstance(field, FormField):
            yield from leaves(field.form)
        elif isinstance(field, FieldList):
            for entry in field.entries:
                if isinstance(entry, FormField):
                    yield from leaves(entry.form)
                else:
                    yield entry
        else:
            yield field


def add_error(field: Field, message: str) -> None:
    field.errors = [*field.errors, message]


class SafeForm(FlaskForm):
    def validate(self, extra_validators: dict | None = None) -> bool:
        ok = super().validate(extra_validators)
        for field in leaves(self):
            values = field.data if isinstance(field.data, list) else [field.data]
            found = sorted({code for value in values if isinstance(value, str)
                            for code in control_characters(value)})
            if found:
                add_error(field, gettext("Caractère de contrôle interdit (%(codes)s) : "
                                         "retirez-le du texte.", codes=", ".join(found[:3])))
                ok = False
        return ok
