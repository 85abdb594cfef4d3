"""Forms HR uses to run cohort schemes, and the one civil servants use to apply."""

from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput, GovRadioInput, GovSelect, GovSubmitInput
from wtforms import SubmitField
from wtforms.validators import InputRequired, NumberRange, ValidationError

from ..models import SCHEME_STATUSES
from ..vocabulary import MEMBER_STATUS_NAMES, PROFESSION_NAMES, SCHEME_STATUS_NAMES, grade_name, named
from .base import Form
from .fields import (
    After,
    ChoiceField,
    GovDateField,
    MultiChoiceField,
    RadioChoiceField,
    WholeNumberField,
    select_choices,
    text,
)


class SchemeForm(Form):
    name = text("Scheme name", 120, required="Enter a scheme name")
    description = text("Description (optional)", 2000, optional=True, area=True)
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
    closes_on = GovDateField(
        "Applications close",
        "the date applications close",
        validators=[After("opens_on", "Applications must close on or after the date they open", or_same=True)],
    )
    starts_on = GovDateField("Scheme starts", "the date the scheme starts")
    ends_on = GovDateField(
        "Scheme ends",
        "the date the scheme ends",
        validators=[After("starts_on", "The scheme must end after it starts")],
    )
    status = RadioChoiceField(
        "Status",
        choices=select_choices(named(SCHEME_STATUS_NAMES, SCHEME_STATUSES)),
        widget=GovRadioInput(),
        message="Select a status",
        default="draft",
    )
    submit = SubmitField("Save scheme", widget=GovSubmitInput())

    @classmethod
    def for_scheme(cls, scheme, *, levels, grades, departments: dict[int, str]) -> "SchemeForm":
        """The form for a new scheme (None) or with this scheme's answers, offering these
        role levels as targets, grades, and departments (by id)."""
        data = {}
        if scheme is not None:
            targets = scheme.target_levels + ["", ""]
            data = {
                "name": scheme.name,
                "description": scheme.description,
                "target_1": targets[0],
                "target_2": targets[1],
                "target_3": targets[2],
                "professions": scheme.professions,
                "grade_from": scheme.grade_from,
                "grade_to": scheme.grade_to,
                "departments": [str(d) for d in scheme.department_ids],
                "min_fit": scheme.min_fit,
                "capacity": scheme.capacity,
                "opens_on": scheme.opens_on,
                "closes_on": scheme.closes_on,
                "starts_on": scheme.starts_on,
                "ends_on": scheme.ends_on,
                "status": scheme.status,
            }
        form = cls.showing(data)
        form.target_1.choices = select_choices([("", "Choose a role level"), *levels])
        form.target_2.choices = select_choices([("", "No second target"), *levels])
        form.target_3.choices = select_choices([("", "No third target"), *levels])
        grade_choices = [(g, grade_name(g)) for g in grades]
        form.grade_from.choices = select_choices([("", "Choose a grade"), *grade_choices])
        form.grade_to.choices = select_choices([("", "Choose a grade"), *grade_choices])
        form.departments.choices = select_choices(
            (str(i), n) for i, n in sorted(departments.items(), key=lambda kv: kv[1])
        )
        return form

    def answers(self, department_scope: int | None) -> dict:
        """What `save_scheme` needs. Departmental HR (a `department_scope`) open a scheme to
        their own people only."""
        answers = {name: field.data for name, field in self._fields.items()}
        answers["targets"] = [self.target_1.data, self.target_2.data, self.target_3.data]
        answers["description"] = self.description.data or ""
        if department_scope is not None:
            answers["departments"] = [str(department_scope)]
        return answers

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


class ApplyForm(Form):
    statement = text(
        "Why do you want to join this scheme?",
        1000,
        required="Enter why you want to join this scheme",
        called="Your statement",
        count=True,
        description="Tell HR in a few sentences what you would bring and what you hope to learn.",
    )
    submit = SubmitField("Send application", widget=GovSubmitInput())


class WithdrawForm(Form):
    reason = text(
        "Why are you withdrawing? (optional)",
        500,
        optional=True,
        called="Your reason",
        area=True,
        description="The HR team running the scheme will see this.",
    )
    submit = SubmitField("Withdraw", widget=GovSubmitInput())


class DecisionForm(Form):
    """Moving a member on, to one of the statuses allowed next for them."""

    status = RadioChoiceField("What happens next?", widget=GovRadioInput(), message="Select what happens next")
    # Not optional: that would stop the check that declined or withdrawn has a reason.
    reason = text(
        "Reason (needed if declined or withdrawn)",
        500,
        called="Reason",
        area=True,
        description="Kept only for declined or withdrawn. The person sees it on their applications page and in "
        "the email telling them.",
    )
    placed_level = ChoiceField(
        "Role level they were placed in (if placed)",
        widget=GovSelect(),
        choose_message="Select the role level they were placed in",
        optional=True,
    )
    placed_on = GovDateField("Date placed (if placed)", "the date they were placed", optional=True)
    submit = SubmitField("Save decision", widget=GovSubmitInput())

    @classmethod
    def for_statuses(cls, statuses, levels) -> "DecisionForm":
        """Offering these next statuses, and these role levels to be placed in."""
        form = cls()
        form.status.choices = select_choices(named(MEMBER_STATUS_NAMES, statuses))
        form.placed_level.choices = select_choices([("", "Choose a role level"), *levels])
        return form

    def answers(self) -> dict:
        """What `scheme_members.move` needs."""
        return {
            "status": self.status.data,
            "reason": self.reason.data or None,
            "placed_level": self.placed_level.data or None,
            "placed_on": self.placed_on.data,
        }

    def validate_reason(self, field):
        if self.status.data in ("declined", "withdrawn") and not field.data:
            raise ValidationError("Enter a reason")

    def validate_placed_level(self, field):
        if self.status.data == "placed" and not field.data:
            raise ValidationError("Select the role level they were placed in")

    def validate_placed_on(self, field):
        if self.status.data == "placed" and field.data is None and not field.errors:
            raise ValidationError("Enter the date they were placed")


class NoteForm(Form):
    text = text("Add a note (only HR can see notes)", 2000, required="Enter a note", called="Note", area=True)
    submit = SubmitField("Add note", widget=GovSubmitInput())


class MilestoneForm(Form):
    name = text("Milestone", 200, required="Enter a milestone")
    achieved_on = GovDateField("Date reached", "the date the milestone was reached")
    submit = SubmitField("Add milestone", widget=GovSubmitInput())
