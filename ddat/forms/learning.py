"""Forms for the learning catalogue, its sessions, registrations and feedback."""

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import BooleanField, SubmitField
from wtforms.validators import InputRequired, NumberRange, ValidationError

from ..services.learning import to_uk, uk_time
from ..vocabulary import FORMAT_NAMES, RESOLUTION_NAMES, grade_name, level_choices
from .base import Form
from .fields import (
    After,
    ChoiceField,
    GovDateField,
    HoursField,
    MultiChoiceField,
    RadioChoiceField,
    TimeField,
    WholeNumberField,
    select_choices,
    text,
)

SKILLS_PER_ITEM = 3
MAX_DURATION_HOURS = 1000


class ItemForm(Form):
    name = text("Name", 200, required="Enter a name")
    provider = text(
        "Provider", 120, required="Enter the provider", description="For example, Office for National Statistics"
    )
    description = text("Description (optional)", 2000, optional=True, area=True)
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
            getattr(self, f"level_{n}").choices = select_choices(
                [("", "Choose a level"), *level_choices(held_only=True)]
            )

    @classmethod
    def for_item(cls, item, *, grades, skills) -> "ItemForm":
        """The form for a new item (None) or with this item's answers, offering these grades
        as its audience and these skills (the framework's) to evidence."""
        data = {}
        if item is not None:
            data = {
                "name": item.name,
                "provider": item.provider,
                "description": item.description,
                "audience": item.audience,
                "format": item.format,
                "duration_hours": item.duration_hours,
            }
            for n, (skill, level) in enumerate(item.skills[:SKILLS_PER_ITEM], start=1):
                data[f"skill_{n}"], data[f"level_{n}"] = skill, str(level)
        form = cls.showing(data)
        form.audience.choices = select_choices((g, grade_name(g)) for g in grades)
        by_name = sorted(((s.slug, s.name) for s in skills), key=lambda pair: pair[1])
        for n in range(1, SKILLS_PER_ITEM + 1):
            getattr(form, f"skill_{n}").choices = select_choices([("", "No skill"), *by_name])
        return form

    def answers(self) -> dict:
        """What `learning.save_item` needs."""
        return {
            "name": self.name.data,
            "provider": self.provider.data,
            "description": self.description.data or "",
            "audience": self.audience.data or [],
            "format": self.format.data,
            "duration_hours": self.duration_hours.data,
            "skills": self.skills(),
        }

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


class SessionForm(Form):
    day = GovDateField("Date", "the date of the session", description="For example, 27 3 2027")
    starts = TimeField(
        "Start time",
        description="For example, 10:00 or 2pm",
        widget=GovTextInput(),
        validators=[InputRequired(message="Enter the start time")],
    )
    ends = TimeField(
        "End time",
        widget=GovTextInput(),
        validators=[
            InputRequired(message="Enter the end time"),
            After("starts", "End time must be after the start time"),
        ],
    )
    online = RadioChoiceField(
        "Where is it?",
        choices=select_choices([("no", "In person"), ("yes", "Online")]),
        widget=GovRadioInput(),
        message="Select in person or online",
    )
    location = text(
        "Place or joining details",
        200,
        required="Enter the place or joining details",
        description="An address for in person, or how people will join online",
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

    @classmethod
    def for_session(cls, learning_session) -> "SessionForm":
        """The form for a new session (None) or with this session's answers, in UK time."""
        data = {}
        if learning_session is not None:
            starts, ends = to_uk(learning_session.starts_at), to_uk(learning_session.ends_at)
            data = {
                "day": starts.date(),
                "starts": starts.time(),
                "ends": ends.time(),
                "online": "yes" if learning_session.online else "no",
                "location": learning_session.location,
                "capacity": learning_session.capacity,
            }
        return cls.showing(data)

    def answers(self) -> dict:
        """What `learning.save_session` needs, the times in UTC."""
        return {
            "starts_at": uk_time(self.day.data, self.starts.data),
            "ends_at": uk_time(self.day.data, self.ends.data),
            "online": self.online.data == "yes",
            "location": self.location.data,
            "capacity": self.capacity.data,
        }


class PeopleForm(Form):
    """Naming people by staff number or email, one per line, to register or invite them."""

    people = text(
        "Staff numbers or email addresses",
        20_000,
        too_long="Enter 1,000 people or fewer at a time",
        area=True,
        description="One on each line.",
    )
    whole_audience = BooleanField(
        "Everyone this learning is for who has not booked, attended or completed it", widget=GovCheckboxInput()
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())

    def names(self) -> list[str]:
        return [line.strip() for line in (self.people.data or "").splitlines() if line.strip()]

    def validate_people(self, field):
        if not self.names() and not self.whole_audience.data:
            raise ValidationError("Enter at least one staff number or email address")


class FeedbackForm(Form):
    score = RadioChoiceField(
        "How useful was it?",
        choices=select_choices([("5", "5 – very useful"), ("4", "4"), ("3", "3"), ("2", "2"), ("1", "1 – not useful")]),
        widget=GovRadioInput(),
        message="Select how useful it was",
    )
    comment = text(
        "Anything else you want to tell us? (optional)", 1000, optional=True, called="Your comment", count=True
    )
    submit = SubmitField("Send feedback", widget=GovSubmitInput())

    @classmethod
    def for_registration(cls, registration) -> "FeedbackForm":
        """With the feedback already given for this registration, if any."""
        return cls.showing(
            {"score": str(registration.feedback_score or ""), "comment": registration.feedback_comment or ""}
        )

    def answers(self) -> dict:
        """What `learning_outcomes.save_feedback` needs."""
        return {"score": int(self.score.data), "comment": self.comment.data or ""}


class DisputeForm(Form):
    reason = text(
        "Why is this record wrong?",
        500,
        required="Enter why this record is wrong",
        called="Why this record is wrong",
        count=True,
        description="For example, you did not take this learning, or not at this session.",
    )
    submit = SubmitField("Dispute this record", widget=GovSubmitInput())

    def validate_reason(self, field):
        if not field.data:
            raise ValidationError("Enter why this record is wrong")


class ResolveForm(Form):
    resolution = RadioChoiceField(
        "How do you want to settle it?",
        choices=select_choices(RESOLUTION_NAMES.items()),
        widget=GovRadioInput(),
        message="Select how to settle the dispute",
    )
    submit = SubmitField("Settle the dispute", widget=GovSubmitInput())


class WalkInForm(Form):
    """Someone who came to a session without booking, named by staff number or email."""

    person = text(
        "Staff number or email address",
        254,
        required="Enter a staff number or email address",
        called="Staff number or email address",
        description="For example, CS0001234 or name@example.gov.uk",
    )
    submit = SubmitField("Add and record as attended", widget=GovSubmitInput())


class CorrectionForm(Form):
    """What really happened instead of the completion recorded."""

    status = RadioChoiceField(
        "What happened?",
        choices=select_choices([("attended", "Attended, but did not complete it"), ("no_show", "Did not attend")]),
        widget=GovRadioInput(),
        message="Select what happened",
    )
    submit = SubmitField("Correct the record", widget=GovSubmitInput())


class CancelSessionForm(Form):
    reason = text(
        "Why is it cancelled? (optional)",
        500,
        optional=True,
        called="The reason",
        area=True,
        description="Everyone with a place, or on the waiting list, gets an email with this.",
    )
    submit = SubmitField("Cancel the session", widget=GovSubmitInput())
