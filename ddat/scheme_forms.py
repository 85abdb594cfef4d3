"""Forms HR uses to run cohort schemes, and the one civil servants use to apply."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovCheckboxesInput,
    GovDateInput,
    GovFileInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import DateField, IntegerField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from .account_forms import PROFESSION_NAMES, ChoiceField, MultiChoiceField, RadioChoiceField, select_choices
from .models import SCHEME_STATUSES
from .services.schemes import STATUS_NAMES


class GovDateField(DateField):
    """Day, month and year boxes with GOV.UK messages for a missing or impossible date."""

    def __init__(self, label, what: str, optional: bool = False, **kwargs):
        super().__init__(label, format="%d %m %Y", widget=GovDateInput(), **kwargs)
        self.what = what
        self.optional = optional

    def process_formdata(self, valuelist):
        # The widget needs exactly day, month and year, even when another form on the page
        # was posted or the request was tampered with.
        self.raw_data = valuelist = ([*valuelist, "", "", ""])[:3]
        if not any(v.strip() for v in valuelist):
            self.data = None
            if not self.optional:
                raise ValueError(f"Enter {self.what}")
            return
        try:
            super().process_formdata([" ".join(v.strip() for v in valuelist)])
        except ValueError:
            raise ValueError(f"{self.what[0].upper()}{self.what[1:]} must be a real date") from None


class WholeNumberField(IntegerField):
    def __init__(self, label, message: str, **kwargs):
        super().__init__(label, widget=GovTextInput(), **kwargs)
        self.message = message

    def process_formdata(self, valuelist):
        raw = (valuelist[0] if valuelist else "").strip()
        if not raw:
            self.data = None
            return
        if not (raw.isascii() and raw.isdigit() and len(raw) <= 6):
            self.data = None
            raise ValueError(self.message)
        self.data = int(raw)


class SchemeForm(FlaskForm):
    name = StringField(
        "Scheme name",
        widget=GovTextInput(),
        validators=[
            InputRequired(message="Enter a scheme name"),
            Length(max=120, message="Scheme name must be 120 characters or fewer"),
        ],
    )
    description = TextAreaField(
        "Description (optional)",
        widget=GovTextArea(),
        validators=[Optional(), Length(max=2000, message="Description must be 2,000 characters or fewer")],
    )
    target_1 = ChoiceField("Target role level", widget=GovSelect(), choose_message="Select a target role level")
    target_2 = ChoiceField(
        "Second target role level (optional)",
        widget=GovSelect(),
        choose_message="Select a role level from the list",
        optional=True,
    )
    target_3 = ChoiceField(
        "Third target role level (optional)",
        widget=GovSelect(),
        choose_message="Select a role level from the list",
        optional=True,
    )
    professions = MultiChoiceField(
        "Which professions can apply?",
        choices=select_choices(PROFESSION_NAMES.items()),
        widget=GovCheckboxesInput(),
        validators=[InputRequired(message="Select at least one profession")],
    )
    grade_from = ChoiceField("Lowest grade", widget=GovSelect(), choose_message="Select the lowest grade")
    grade_to = ChoiceField("Highest grade", widget=GovSelect(), choose_message="Select the highest grade")
    departments = MultiChoiceField(
        "Which departments can apply?",
        description="Leave all unselected to open the scheme to every department.",
        widget=GovCheckboxesInput(),
    )
    min_fit = WholeNumberField(
        "Minimum fit (%)",
        "Minimum fit must be a whole number from 0 to 100",
        description="People below this fit to every target are not eligible. Use 0 for no minimum.",
        validators=[
            InputRequired(message="Enter a minimum fit"),
            NumberRange(0, 100, message="Minimum fit must be a whole number from 0 to 100"),
        ],
    )
    capacity = WholeNumberField(
        "Places",
        "Places must be a whole number, 1 or more",
        validators=[
            InputRequired(message="Enter the number of places"),
            NumberRange(1, 100_000, message="Places must be a whole number, 1 or more"),
        ],
    )
    opens_on = GovDateField("Applications open", "the date applications open", description="For example, 15 1 2027")
    closes_on = GovDateField("Applications close", "the date applications close")
    starts_on = GovDateField("Scheme starts", "the date the scheme starts")
    ends_on = GovDateField("Scheme ends", "the date the scheme ends")
    status = RadioChoiceField(
        "Status",
        choices=select_choices((s, STATUS_NAMES[s]) for s in SCHEME_STATUSES),
        widget=GovRadioInput(),
        message="Select a status",
        default="draft",
    )
    submit = SubmitField("Save scheme", widget=GovSubmitInput())

    def validate_target_2(self, field):
        if field.data and field.data == self.target_1.data:
            raise ValidationError("Choose a different role level from the first target")

    def validate_target_3(self, field):
        if field.data and field.data in (self.target_1.data, self.target_2.data):
            raise ValidationError("Choose a different role level from the other targets")

    def validate_grade_to(self, field):
        order = [c.value for c in self.grade_from.choices if c.value]
        if self.grade_from.data in order and field.data in order:
            if order.index(field.data) < order.index(self.grade_from.data):
                raise ValidationError("Highest grade must be the same as or above the lowest grade")

    def validate_closes_on(self, field):
        if field.data and self.opens_on.data and field.data < self.opens_on.data:
            raise ValidationError("Applications must close on or after the date they open")

    def validate_ends_on(self, field):
        if field.data and self.starts_on.data and field.data <= self.starts_on.data:
            raise ValidationError("The scheme must end after it starts")


class ApplyForm(FlaskForm):
    statement = TextAreaField(
        "Why do you want to join this scheme?",
        description="Tell HR in a few sentences what you would bring and what you hope to learn.",
        widget=GovCharacterCount(),
        validators=[
            InputRequired(message="Enter why you want to join this scheme"),
            Length(max=1000, message="Your statement must be 1,000 characters or fewer"),
        ],
    )
    submit = SubmitField("Send application", widget=GovSubmitInput())


class DecisionForm(FlaskForm):
    """Moving a member on. The allowed statuses are set per member."""

    status = RadioChoiceField("What happens next?", widget=GovRadioInput(), message="Select what happens next")
    reason = TextAreaField(
        "Reason (needed if declined or withdrawn)",
        widget=GovTextArea(),
        # Not Optional(): that would stop the check that declined or withdrawn has a reason.
        validators=[Length(max=500, message="Reason must be 500 characters or fewer")],
    )
    placed_level = ChoiceField(
        "Role level they were placed in (if placed)",
        widget=GovSelect(),
        choose_message="Select the role level they were placed in",
        optional=True,
    )
    placed_on = GovDateField("Date placed (if placed)", "the date they were placed", optional=True)
    submit = SubmitField("Save decision", widget=GovSubmitInput())

    def validate_reason(self, field):
        if self.status.data in ("declined", "withdrawn") and not (field.data or "").strip():
            raise ValidationError("Enter a reason")

    def validate_placed_level(self, field):
        if self.status.data == "placed" and not field.data:
            raise ValidationError("Select the role level they were placed in")

    def validate_placed_on(self, field):
        if self.status.data == "placed" and field.data is None and not field.errors:
            raise ValidationError("Enter the date they were placed")


class NoteForm(FlaskForm):
    text = TextAreaField(
        "Add a note (only HR can see notes)",
        widget=GovTextArea(),
        validators=[
            InputRequired(message="Enter a note"),
            Length(max=2000, message="Note must be 2,000 characters or fewer"),
        ],
    )
    submit = SubmitField("Add note", widget=GovSubmitInput())


class MilestoneForm(FlaskForm):
    name = StringField(
        "Milestone",
        widget=GovTextInput(),
        validators=[
            InputRequired(message="Enter a milestone"),
            Length(max=200, message="Milestone must be 200 characters or fewer"),
        ],
    )
    achieved_on = GovDateField("Date reached", "the date the milestone was reached")
    submit = SubmitField("Add milestone", widget=GovSubmitInput())


class ImportForm(FlaskForm):
    file = FileField("Upload a CSV file", widget=GovFileInput())
    submit = SubmitField("Import members", widget=GovSubmitInput())

    def validate_file(self, field):
        if not field.data or not getattr(field.data, "filename", ""):
            raise ValidationError("Select a CSV file")
        if not field.data.filename.lower().endswith(".csv"):
            raise ValidationError("The selected file must be a CSV")
