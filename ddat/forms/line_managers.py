"""Forms for line managers: naming one, sharing with them, their answers about a report's skills,
and HR recording who manages whom."""

from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSelect, GovSubmitInput
from wtforms import HiddenField, SubmitField
from wtforms.validators import Email

from pathways.framework import in_sentence

from ..vocabulary import LEVEL_NAMES
from .account import plain_email
from .base import Form
from .fields import ChoiceField, RadioChoiceField, select_choices, text

YES_NO = {"yes", "no"}


class NameManagerForm(Form):
    email = text(
        "Your line manager’s work email address",
        254,
        required="Enter your line manager’s work email address",
        called="Email address",
        validators=[
            plain_email,
            Email(message="Enter an email address in the correct format, like name@example.gov.uk",
                  check_deliverability=False),
        ],
    )  # fmt: skip
    submit = SubmitField("Send request", widget=GovSubmitInput())


class ManagerSharingForm(Form):
    shares = RadioChoiceField(
        "Can your line manager see your profile and skills when you have not asked them to confirm them?",
        choices=select_choices(
            [("yes", "Yes, my line manager can see my profile"), ("no", "No, only what I ask them to confirm")]
        ),
        widget=GovRadioInput(),
        message="Select whether your line manager can see your profile",
    )
    submit = SubmitField("Save", widget=GovSubmitInput())
    PREFIX = "sharing"  # on the same page as the naming form

    @classmethod
    def for_person(cls, person) -> "ManagerSharingForm":
        return cls(prefix=cls.PREFIX, data={"shares": "yes" if person.shares_with_manager else "no"})

    @classmethod
    def sent(cls) -> "ManagerSharingForm":
        return cls(prefix=cls.PREFIX)


class AnswerLinkForm(Form):
    answer = RadioChoiceField(
        "Are you their line manager?",
        choices=select_choices([("yes", "Yes, I am their line manager"), ("no", "No, I am not")]),
        widget=GovRadioInput(),
        message="Select whether you are their line manager",
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())


class ReplyForm(Form):
    reply = text("Reply to your line manager (optional)", 1000, optional=True, called="Your reply",
                 count=True)  # fmt: skip
    submit = SubmitField("Send", widget=GovSubmitInput())


class SetManagerForm(Form):
    report = text("Staff number of the person", 20, required="Enter the staff number of the person")
    manager = text("Staff number of their line manager", 20, required="Enter the staff number of their line manager")
    # "yes" once HR have seen the check page (who the person has now, anything unusual).
    checked = HiddenField()
    submit = SubmitField("Continue", widget=GovSubmitInput())


DECISION_CHOICES = [
    ("confirmed", "Confirm this level"),
    ("adjusted", "Change the level"),
    ("cannot_judge", "I cannot judge this"),
]


def decision_name(skill: str) -> str:
    return "decision_" + skill.replace("-", "_")


def level_field_name(skill: str) -> str:
    return "level_" + skill.replace("-", "_")


def reason_name(skill: str) -> str:
    return "reason_" + skill.replace("-", "_")


def confirm_form(
    ratings: list[tuple[str, str, int]], confirming: set[str] = frozenset(), version: int = 0, fresh: bool = False
) -> Form:
    """The manager's answer about each rated skill, (slug, name, the person's level): confirm,
    change it (to a different level, with a reason) or cannot judge. Skills in `confirming`
    (this manager's own confirmation, still current) start at "Confirm this level"."""

    class ConfirmSkillsForm(Form):
        # The version of the assessment the page showed: answers about an older one are refused.
        shown = HiddenField()
        submit = SubmitField("Send your answers", widget=GovSubmitInput())

        def shown_version(self) -> int:
            return int(self.shown.data) if (self.shown.data or "").isdigit() else 0

        def validate(self, extra_validators=None) -> bool:
            valid = super().validate(extra_validators)
            for skill, name, held in ratings:
                if self[decision_name(skill)].data != "adjusted":
                    continue
                level, reason = self[level_field_name(skill)], self[reason_name(skill)]
                if not level.data:
                    level.errors = [*level.errors, f"Select the level you think {in_sentence(name)} is at"]
                    valid = False
                elif level.data == str(held):
                    level.errors = [*level.errors, f"Select a level other than {LEVEL_NAMES[held].lower()}, or "
                                                   "choose ‘Confirm this level’"]  # fmt: skip
                    valid = False
                if not reason.data:
                    reason.errors = [*reason.errors, f"Say why you changed the level of {in_sentence(name)}"]
                    valid = False
            return valid

        def decisions(self) -> dict[str, tuple[str, int | None, str]]:
            found = {}
            for skill, _, _ in ratings:
                decision = self[decision_name(skill)].data
                adjusted = decision == "adjusted"
                level = int(self[level_field_name(skill)].data) if adjusted else None
                found[skill] = (decision, level, self[reason_name(skill)].data or "" if adjusted else "")
            return found

    for skill, name, _ in ratings:
        lower = in_sentence(name)
        setattr(ConfirmSkillsForm, decision_name(skill), RadioChoiceField(
            name, choices=select_choices(DECISION_CHOICES), widget=GovRadioInput(),
            message=f"Select whether you confirm the level of {lower}"))  # fmt: skip
        setattr(ConfirmSkillsForm, level_field_name(skill), ChoiceField(
            "The level you think it is at", widget=GovSelect(), optional=True,
            choices=select_choices([("", "Choose a level")] + [(str(k), v) for k, v in LEVEL_NAMES.items() if k]),
            choose_message=f"Select the level you think {lower} is at"))  # fmt: skip
        setattr(ConfirmSkillsForm, reason_name(skill), text(
            "Why you changed it", 500, optional=True, called=f"The reason for {lower}", area=True))  # fmt: skip
    form = ConfirmSkillsForm(data={decision_name(skill): "confirmed" for skill in confirming})
    if fresh or not form.is_submitted():  # what this page shows; a sent form keeps what it was shown
        form.shown.data = str(version)
    return form
