from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovTextInput
from wtforms import Form, SelectField, StringField
from wtforms.validators import InputRequired, Length, ValidationError

MAX_QUERY_LENGTH = 200


class SearchForm(Form):
    """A GET form: it changes nothing, so it carries no CSRF token."""

    q = StringField(
        "Search roles and skills",
        widget=GovTextInput(),
        validators=[Length(max=MAX_QUERY_LENGTH, message=f"Search must be {MAX_QUERY_LENGTH} characters or fewer")],
        filters=[lambda value: (value or "").strip()],
    )


class LevelSelectField(SelectField):
    def pre_validate(self, form):
        if self.data and self.data not in {value for value, *_ in self.choices}:
            raise ValidationError("Select a role level from the list")


class CompareForm(Form):
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
