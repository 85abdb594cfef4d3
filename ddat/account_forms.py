"""Forms for signing in, registering and managing a profile (all POST, all with CSRF)."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovPasswordInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import PasswordField, RadioField, SelectField, SelectMultipleField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Email, InputRequired, Length, Optional, StopValidation, ValidationError

from .auth import email_problem, password_problem


def plain_email(_form, field) -> None:
    problem = email_problem(field.data or "")
    if problem:
        raise StopValidation(problem)


PROFESSION_NAMES = {
    "policy": "Policy",
    "operational_delivery": "Operational Delivery",
    "ddat": "Digital, data and technology",
    "other": "Another profession",
}


def select_choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


def choice_values(choices) -> set[str]:
    return {c.value if isinstance(c, SelectChoice) else c[0] for c in choices}


class ChoiceField(SelectField):
    """A select whose missing, tampered or unknown value gets a GOV.UK message.

    The first, empty option ("Choose …") is not an answer unless `optional`.
    """

    def __init__(self, *args, choose_message: str, optional: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.choose_message = choose_message
        self.optional = optional

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is None and self.optional:
            self.data = ""

    def pre_validate(self, form):
        if self.optional and not self.data:
            self.data = ""
            return
        if not self.data or self.data not in choice_values(self.choices):
            raise ValidationError(self.choose_message)


class RadioChoiceField(RadioField):
    """Radios whose missing or tampered value gets a GOV.UK message."""

    def __init__(self, *args, message: str, **kwargs):
        super().__init__(*args, validators=[InputRequired(message=message)], **kwargs)
        self.message = message

    def pre_validate(self, form):
        if self.data not in choice_values(self.choices):
            raise ValidationError(self.message)


def new_password_field(label: str, missing: str) -> PasswordField:
    """A box for choosing a password; the form checks its strength with `password_problem`."""
    return PasswordField(
        label,
        description="Use 12 characters or more. Three random words work well.",
        widget=GovPasswordInput(),
        validators=[InputRequired(message=missing), Length(max=200)],
    )


class SignInForm(FlaskForm):
    email = StringField(
        "Email address",
        widget=GovTextInput(),
        validators=[InputRequired(message="Enter your email address"), Length(max=254), plain_email],
    )
    password = PasswordField(
        "Password", widget=GovPasswordInput(), validators=[InputRequired(message="Enter your password")]
    )
    submit = SubmitField("Sign in", widget=GovSubmitInput())


class RegisterForm(FlaskForm):
    display_name = StringField(
        "Full name",
        widget=GovTextInput(),
        validators=[
            InputRequired(message="Enter your full name"),
            Length(max=200, message="Full name must be 200 characters or fewer"),
        ],
    )
    email = StringField(
        "Work email address",
        widget=GovTextInput(),
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
        validators=[
            InputRequired(message="Enter your work email address"),
            Length(max=254, message="Email address must be 254 characters or fewer"),
            plain_email,
            Email(
                message="Enter an email address in the correct format, like name@example.gov.uk",
                check_deliverability=False,
            ),
        ],
    )
    password = new_password_field("Create a password", "Enter a password")
    submit = SubmitField("Create account", widget=GovSubmitInput())

    def validate_password(self, field):
        problem = password_problem(field.data or "", self.email.data or "")
        if problem:
            raise ValidationError(problem)


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        "Current password",
        widget=GovPasswordInput(),
        validators=[InputRequired(message="Enter your current password")],
    )
    new_password = new_password_field("New password", "Enter a new password")
    submit = SubmitField("Change password", widget=GovSubmitInput())

    def __init__(self, email: str, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def validate_new_password(self, field):
        problem = password_problem(field.data or "", self.email)
        if problem:
            raise ValidationError(problem)
        if field.data == self.current_password.data:
            raise ValidationError("New password must be different from your current password")


class AboutYouForm(FlaskForm):
    profession = RadioChoiceField(
        "What is your profession?",
        choices=select_choices(PROFESSION_NAMES.items()),
        widget=GovRadioInput(),
        message="Select your profession",
    )
    grade = ChoiceField(
        "What is your substantive grade?",
        widget=GovSelect(),
        choose_message="Select your grade",
    )
    department = ChoiceField(
        "Which department or agency do you work for?",
        widget=GovSelect(),
        choose_message="Select your department",
    )
    current_role = StringField(
        "What is your current job title? (optional)",
        widget=GovTextInput(),
        validators=[Optional(), Length(max=200, message="Job title must be 200 characters or fewer")],
    )
    current_level = ChoiceField(
        "If you already work in a DDaT role, which role level? (optional)",
        widget=GovSelect(),
        choose_message="Select a DDaT role level from the list",
        optional=True,
    )
    submit = SubmitField("Save and continue", widget=GovSubmitInput())


class MultiChoiceField(SelectMultipleField):
    def pre_validate(self, form):
        known = choice_values(self.choices)
        if any(value not in known for value in self.data or []):
            raise ValidationError("Select from the options shown")


class ExperienceForm(FlaskForm):
    shown = MultiChoiceField(
        "Which of these have you shown in your work?",
        description=(
            "Select all that apply. We use them to suggest answers to the next questions;"
            " you can change every suggestion."
        ),
        widget=GovCheckboxesInput(),
    )
    submit = SubmitField("Save and continue", widget=GovSubmitInput())


class ConsentForm(FlaskForm):
    shares_with_hr = RadioChoiceField(
        "Can HR see your profile when they look for people for cohort schemes?",
        choices=select_choices([("yes", "Yes, HR can see my profile"), ("no", "No, keep my profile private")]),
        widget=GovRadioInput(),
        message="Select whether HR can see your profile",
    )
    submit = SubmitField("Save", widget=GovSubmitInput())


class ConfirmForm(FlaskForm):
    """A single button that changes something, protected by CSRF."""

    submit = SubmitField("Continue", widget=GovSubmitInput())


LEVEL_CHOICES = [
    ("0", "Not yet"),
    ("1", "Awareness"),
    ("2", "Working"),
    ("3", "Practitioner"),
    ("4", "Expert"),
]
LEVEL_HINTS = {
    "0": "I have not done this yet",
    "1": "I know the basics and when it matters",
    "2": "I can do it with some support",
    "3": "I do it on my own and can help others",
    "4": "I lead it and others come to me for advice",
}


def field_name(skill: str) -> str:
    """Skill slugs use hyphens only, so this is reversible."""
    return "skill_" + skill.replace("-", "_")


def skill_of(name: str) -> str:
    return name.removeprefix("skill_").replace("_", "-")


def skills_form(questions: list[tuple[str, str, str]], data=None, optional=False) -> FlaskForm:
    """A page of skill questions, (skill slug, question, short name), each with five levels.

    Required questions are radios; optional ones (other DDaT skills) are compact selects
    that start at "Not yet".
    """

    class SkillsForm(FlaskForm):
        submit = SubmitField("Save and continue", widget=GovSubmitInput())

    for skill, question, name in questions:
        message = f"Select your level for {name[0].lower()}{name[1:]}"
        if optional:
            field = ChoiceField(
                question, choices=select_choices(LEVEL_CHOICES), default="0", widget=GovSelect(), choose_message=message
            )
        else:
            field = RadioChoiceField(
                question, choices=select_choices(LEVEL_CHOICES), widget=GovRadioInput(), message=message
            )
        setattr(SkillsForm, field_name(skill), field)
    return SkillsForm(data=data)
