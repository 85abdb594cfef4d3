"""Forms for the learning catalogue, its sessions, registrations and feedback."""

import re
from datetime import time

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovCheckboxesInput,
    GovCheckboxInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import BooleanField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from .account_forms import ChoiceField, MultiChoiceField, RadioChoiceField, select_choices
from .scheme_forms import GovDateField, WholeNumberField

FORMAT_NAMES = {"in_person": "In person", "online": "Online", "blended": "Blended"}
LEVEL_CHOICES = [("", "Choose a level"), ("1", "Awareness"), ("2", "Working"), ("3", "Practitioner"), ("4", "Expert")]
SKILLS_PER_ITEM = 3
MAX_DURATION_HOURS = 1000
TIME_PATTERN = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?$")


class HoursField(StringField):
    """Hours as a number of up to one decimal place, like 1.5."""

    def process_formdata(self, valuelist):
        raw = (valuelist[0] if valuelist else "").strip()
        self.raw = raw
        self.data = None
        if not raw:
            return
        if not re.fullmatch(r"\d{1,4}(\.\d)?", raw):
            raise ValueError("Duration must be a number of hours, like 2 or 1.5")
        self.data = float(raw)

    def _value(self):
        return getattr(self, "raw", None) or ("" if self.data is None else f"{self.data:g}")


class TimeField(StringField):
    """A time of day typed as people write it: 14:30, 9:00, 2pm or 2:30pm."""

    def process_formdata(self, valuelist):
        raw = (valuelist[0] if valuelist else "").strip().lower()
        self.raw = raw
        self.data = None
        if not raw:
            return
        found = TIME_PATTERN.match(raw)
        hour, minute = (int(found.group(1)), int(found.group(2) or 0)) if found else (99, 99)
        if found and found.group(3):
            if not 1 <= hour <= 12:
                hour = 99
            hour = hour % 12 + (12 if found.group(3) == "pm" else 0)
        if hour > 23 or minute > 59:
            raise ValueError(f"{self.label.text} must be a real time, like 10:00 or 2pm")
        self.data = time(hour, minute)

    def _value(self):
        return getattr(self, "raw", None) or (self.data.strftime("%H:%M") if self.data else "")


class ItemForm(FlaskForm):
    name = StringField(
        "Name",
        widget=GovTextInput(),
        validators=[
            InputRequired(message="Enter a name"),
            Length(max=200, message="Name must be 200 characters or fewer"),
        ],
    )
    provider = StringField(
        "Provider",
        description="For example, Office for National Statistics",
        widget=GovTextInput(),
        validators=[
            InputRequired(message="Enter the provider"),
            Length(max=120, message="Provider must be 120 characters or fewer"),
        ],
    )
    description = TextAreaField(
        "Description (optional)",
        widget=GovTextArea(),
        validators=[Optional(), Length(max=2000, message="Description must be 2,000 characters or fewer")],
    )
    audience = MultiChoiceField(
        "Who is it for?",
        description="Leave all unselected if it is for every grade.",
        widget=GovCheckboxesInput(),
    )
    format = RadioChoiceField(
        "Format", choices=select_choices(FORMAT_NAMES.items()), widget=GovRadioInput(), message="Select a format"
    )
    duration_hours = HoursField(
        "Duration in hours",
        widget=GovTextInput(),
        validators=[
            InputRequired(message="Enter the duration in hours"),
        ],
    )
    skill_1 = ChoiceField(
        "Skill it evidences", widget=GovSelect(), choose_message="Select a skill from the list", optional=True
    )
    level_1 = ChoiceField("Level", widget=GovSelect(), choose_message="Select a level", optional=True)
    skill_2 = ChoiceField(
        "Second skill (optional)", widget=GovSelect(), choose_message="Select a skill from the list", optional=True
    )
    level_2 = ChoiceField("Level", widget=GovSelect(), choose_message="Select a level", optional=True)
    skill_3 = ChoiceField(
        "Third skill (optional)", widget=GovSelect(), choose_message="Select a skill from the list", optional=True
    )
    level_3 = ChoiceField("Level", widget=GovSelect(), choose_message="Select a level", optional=True)
    submit = SubmitField("Save", widget=GovSubmitInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for n in range(1, SKILLS_PER_ITEM + 1):
            getattr(self, f"level_{n}").choices = select_choices(LEVEL_CHOICES)

    def validate_duration_hours(self, field):
        if field.data is not None and not 0 < field.data <= MAX_DURATION_HOURS:
            raise ValidationError(f"Duration must be more than 0 and at most {MAX_DURATION_HOURS:,} hours")

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        chosen = []
        for n in range(1, SKILLS_PER_ITEM + 1):
            skill, level = getattr(self, f"skill_{n}"), getattr(self, f"level_{n}")
            if skill.data and not level.data and not level.errors:
                level.errors = [*level.errors, "Select the level this learning evidences"]
                valid = False
            if level.data and not skill.data and not skill.errors:
                skill.errors = [*skill.errors, "Select the skill for this level, or no level"]
                valid = False
            if skill.data and skill.data in chosen:
                skill.errors = [*skill.errors, "Choose a skill not already chosen above"]
                valid = False
            chosen.append(skill.data)
        return valid

    def skills(self) -> list[list]:
        pairs = []
        for n in range(1, SKILLS_PER_ITEM + 1):
            skill, level = getattr(self, f"skill_{n}").data, getattr(self, f"level_{n}").data
            if skill and level:
                pairs.append([skill, int(level)])
        return pairs


class SessionForm(FlaskForm):
    day = GovDateField("Date", "the date of the session", description="For example, 27 3 2027")
    starts = TimeField(
        "Start time",
        description="For example, 10:00 or 2pm",
        widget=GovTextInput(),
        validators=[InputRequired(message="Enter the start time")],
    )
    ends = TimeField("End time", widget=GovTextInput(), validators=[InputRequired(message="Enter the end time")])
    online = RadioChoiceField(
        "Where is it?",
        choices=select_choices([("no", "In person"), ("yes", "Online")]),
        widget=GovRadioInput(),
        message="Select in person or online",
    )
    location = StringField(
        "Place or joining details",
        description="An address for in person, or how people will join online",
        widget=GovTextInput(),
        validators=[
            InputRequired(message="Enter the place or joining details"),
            Length(max=200, message="Place or joining details must be 200 characters or fewer"),
        ],
    )
    capacity = WholeNumberField(
        "Places",
        "Places must be a whole number, 1 or more",
        validators=[
            InputRequired(message="Enter the number of places"),
            NumberRange(1, 10_000, message="Places must be a whole number from 1 to 10,000"),
        ],
    )
    submit = SubmitField("Save session", widget=GovSubmitInput())

    def validate_ends(self, field):
        if field.data and self.starts.data and field.data <= self.starts.data:
            raise ValidationError("End time must be after the start time")


class PeopleForm(FlaskForm):
    """Naming people by staff number or email, one per line, to register or invite them."""

    people = TextAreaField(
        "Staff numbers or email addresses",
        description="One on each line.",
        widget=GovTextArea(),
        validators=[Length(max=20_000, message="Enter 1,000 people or fewer at a time")],
    )
    whole_audience = BooleanField(
        "Everyone this learning is for who has not completed it yet", widget=GovCheckboxInput()
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())

    def names(self) -> list[str]:
        return [line.strip() for line in (self.people.data or "").splitlines() if line.strip()]

    def validate_people(self, field):
        if not self.names() and not self.whole_audience.data:
            raise ValidationError("Enter at least one staff number or email address")


class FeedbackForm(FlaskForm):
    score = RadioChoiceField(
        "How useful was it?",
        choices=select_choices([("5", "5 – very useful"), ("4", "4"), ("3", "3"), ("2", "2"), ("1", "1 – not useful")]),
        widget=GovRadioInput(),
        message="Select how useful it was",
    )
    comment = TextAreaField(
        "Anything else you want to tell us? (optional)",
        widget=GovCharacterCount(),
        validators=[Optional(), Length(max=1000, message="Your comment must be 1,000 characters or fewer")],
    )
    submit = SubmitField("Send feedback", widget=GovSubmitInput())


class DisputeForm(FlaskForm):
    reason = TextAreaField(
        "Why is this record wrong?",
        description="For example, you did not take this learning, or not at this session.",
        widget=GovCharacterCount(),
        validators=[
            InputRequired(message="Enter why this record is wrong"),
            Length(max=500, message="Why this record is wrong must be 500 characters or fewer"),
        ],
    )
    submit = SubmitField("Dispute this record", widget=GovSubmitInput())

    def validate_reason(self, field):
        if not (field.data or "").strip():
            raise ValidationError("Enter why this record is wrong")


class ResolveForm(FlaskForm):
    resolution = RadioChoiceField(
        "How do you want to settle it?", widget=GovRadioInput(), message="Select how to settle the dispute"
    )
    submit = SubmitField("Settle the dispute", widget=GovSubmitInput())
