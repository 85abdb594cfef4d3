"""The one field layer every form is built from: GOV.UK widgets, and GOV.UK messages for a
missing, too long, impossible or tampered answer."""

import re
from datetime import time

from govuk_frontend_wtf.wtforms_widgets import GovCharacterCount, GovDateInput, GovTextArea, GovTextInput
from wtforms import DateField, IntegerField, RadioField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional, ValidationError

TIME_PATTERN = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?$")


def text(
    label: str,
    max_length: int,
    *,
    required: str | None = None,
    optional: bool = False,
    called: str | None = None,
    too_long: str | None = None,
    area: bool = False,
    count: bool = False,
    validators=(),
    **kwargs,
) -> StringField:
    """A text box (`area` for a text area, `count` for one with a character count) whose
    answer is `required` (the message for a missing one) or `optional`, and at most
    `max_length` characters: "<called> must be <max_length> characters or fewer", where
    what it is `called` is the label without "(optional)" unless given."""
    called = called or label.removesuffix(" (optional)")
    too_long = too_long or f"{called} must be {max_length:,} characters or fewer"
    first = [InputRequired(message=required)] if required else [Optional()] if optional else []
    if count:
        field, widget = TextAreaField, GovCharacterCount()
    elif area:
        field, widget = TextAreaField, GovTextArea()
    else:
        field, widget = StringField, GovTextInput()
    return field(
        label, widget=widget, validators=[*first, Length(max=max_length, message=too_long), *validators], **kwargs
    )


class After:
    """The answer comes after another field's (or on the same day, `or_same`). A missing
    answer on either side is left to the other checks."""

    def __init__(self, other: str, message: str, *, or_same: bool = False):
        self.other, self.message, self.or_same = other, message, or_same

    def __call__(self, form, field):
        earlier = form[self.other].data
        if field.data and earlier and (field.data < earlier if self.or_same else field.data <= earlier):
            raise ValidationError(self.message)


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


class LevelSelectField(ChoiceField):
    """A role level from the list. An empty answer is left to the field's own validators,
    so each box can say which role level is missing."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, choose_message="Select a role level from the list", **kwargs)

    def pre_validate(self, form):
        if self.data:
            super().pre_validate(form)


class RadioChoiceField(RadioField):
    """Radios whose missing or tampered value gets a GOV.UK message."""

    def __init__(self, *args, message: str, **kwargs):
        super().__init__(*args, validators=[InputRequired(message=message)], **kwargs)
        self.message = message

    def pre_validate(self, form):
        if self.data not in choice_values(self.choices):
            raise ValidationError(self.message)


class MultiChoiceField(SelectMultipleField):
    def pre_validate(self, form):
        known = choice_values(self.choices)
        if any(value not in known for value in self.data or []):
            raise ValidationError("Select from the options shown")


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
