"""Forms more than one area uses: a confirming button and a CSV upload."""

from flask import current_app
from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovSubmitInput
from wtforms import SubmitField
from wtforms.validators import ValidationError

from .base import Form


class ConfirmForm(Form):
    """A single button that changes something, protected by CSRF."""

    submit = SubmitField("Continue", widget=GovSubmitInput())


class ImportForm(Form):
    file = FileField("Upload a CSV file", widget=GovFileInput())
    submit = SubmitField("Import members", widget=GovSubmitInput())

    def validate_file(self, field):
        if not field.data or not getattr(field.data, "filename", ""):
            raise ValidationError("Select a CSV file")
        if not field.data.filename.lower().endswith(".csv"):
            raise ValidationError("The selected file must be a CSV")

    def content(self) -> bytes | None:
        """The file sent, or None (and the error shown) when it is larger than the service
        takes (`MAX_IMPORT_BYTES`). One byte more than that is read, never the whole file."""
        limit = current_app.config["MAX_IMPORT_BYTES"]
        content = self.file.data.read(limit + 1)
        if len(content) > limit:
            self.file.errors.append(f"The selected file must be smaller than {limit // (1024 * 1024)} MB")
            return None
        return content


class PeopleImportForm(ImportForm):
    submit = SubmitField("Import people", widget=GovSubmitInput())
