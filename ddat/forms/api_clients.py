"""The admin's form for a new API client."""

from datetime import date

from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput, GovSelect, GovSubmitInput
from wtforms import SubmitField, ValidationError
from wtforms.validators import InputRequired

from ..services.api_clients import MAX_LIFETIME_DAYS, SCOPES
from .base import Form
from .fields import ChoiceField, GovDateField, MultiChoiceField, select_choices, text


class ApiClientForm(Form):
    name = text("Name of the system", 120, required="Enter the name of the system that will use the API",
                description="For example, Oracle HR (HMRC)")  # fmt: skip
    scopes = MultiChoiceField(
        "What may it do?",
        choices=select_choices((name, f"{name}: {words}") for name, words in SCOPES.items()),
        widget=GovCheckboxesInput(),
        validators=[InputRequired(message="Select what the system may do")],
    )
    department = ChoiceField(
        "Department", widget=GovSelect(), optional=True, choose_message="Select a department from the list",
        description="A departmental system sees and changes only that department's people. Leave it as "
        "‘All departments’ for a central system.",
    )  # fmt: skip
    expires_on = GovDateField(
        "Expires on", "the date the secret expires",
        description=f"Up to {MAX_LIFETIME_DAYS // 365} years from today. For example, 1 12 2027",
    )  # fmt: skip
    submit = SubmitField("Create client", widget=GovSubmitInput())

    def validate_expires_on(self, field) -> None:
        if field.data is None:
            return
        today = date.today()
        if field.data <= today:
            raise ValidationError("The date the secret expires must be in the future")
        years = MAX_LIFETIME_DAYS // 365
        latest = today.replace(year=today.year + years, day=28 if (today.month, today.day) == (2, 29) else today.day)
        if field.data > latest:
            raise ValidationError(f"The date the secret expires must be within {years} years")

    @classmethod
    def with_departments(cls, departments: list[tuple[int, str]], **kwargs) -> "ApiClientForm":
        form = cls(**kwargs)
        form.department.choices = select_choices([("", "All departments")] + [(str(i), n) for i, n in departments])
        return form
