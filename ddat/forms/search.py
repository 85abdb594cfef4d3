"""The framework explorer's search and compare forms, sent by GET."""

from govuk_frontend_wtf.wtforms_widgets import GovSelect
from wtforms.validators import InputRequired, ValidationError

from .base import GetForm
from .fields import LevelSelectField, text

MAX_QUERY_LENGTH = 200


class SearchForm(GetForm):
    q = text("Search roles and skills", MAX_QUERY_LENGTH, called="Search")


class CompareForm(GetForm):
    from_ = LevelSelectField(
        "Current role level",
        name="from",
        widget=GovSelect(),
        validators=[InputRequired(message="Select the role level you are comparing from")],
    )
    to = LevelSelectField(
        "Role level to compare with",
        widget=GovSelect(),
        validators=[InputRequired(message="Select the role level you are comparing with")],
    )

    def __init__(self, formdata, choices):
        super().__init__(formdata)
        placeholder = [("", "Choose a role level")]
        self.from_.choices = placeholder + choices
        self.to.choices = placeholder + choices

    def validate_to(self, field):
        if field.data and field.data == self.from_.data:
            raise ValidationError("Select a different role level to compare with")
