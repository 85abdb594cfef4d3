"""The base forms. A POST form changes something, so it carries a CSRF token (Flask-WTF); a
GET form (a search) changes nothing and carries none. Both strip the spaces people type or
paste around text, before any check, so no field or route has to."""

from flask import request
from flask_wtf import FlaskForm
from wtforms import Form as GetFormBase
from wtforms import PasswordField, StringField


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class _Stripped:
    def process(self, formdata=None, obj=None, data=None, extra_filters=None, **kwargs):
        filters = {name: list(more) for name, more in (extra_filters or {}).items()}
        for name, field in self._fields.items():
            # A password is exactly what was typed.
            if isinstance(field, StringField) and not isinstance(field, PasswordField):
                filters.setdefault(name, []).append(_strip)
        super().process(formdata, obj, data, extra_filters=filters, **kwargs)


class GetForm(_Stripped, GetFormBase):
    pass


class Form(_Stripped, FlaskForm):
    @classmethod
    def showing(cls, data: dict, **kwargs):
        """The form filled with saved answers to show. A posted form holds only what was
        posted: an unticked box posts nothing, so saved answers would otherwise stand in."""
        return cls(data=data if request.method == "GET" else None, **kwargs)
