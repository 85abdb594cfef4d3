"""A person's profile: about you, their experience, the skills questions and sharing with HR."""

from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput, GovRadioInput, GovSelect, GovSubmitInput
from wtforms import SubmitField

from pathways.framework import in_sentence

from ..vocabulary import NO_CHANCE_CHOICE, NO_CHANCE_NAME, PROFESSION_NAMES, grade_name, level_choices
from .base import Form
from .fields import ChoiceField, MultiChoiceField, RadioChoiceField, select_choices, text


class AboutYouForm(Form):
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
    current_role = text("What is your current job title? (optional)", 200, optional=True, called="Job title")
    current_level = ChoiceField(
        "If you already work in a DDaT role, which role level? (optional)",
        widget=GovSelect(),
        choose_message="Select a DDaT role level from the list",
        optional=True,
    )
    submit = SubmitField("Save and continue", widget=GovSubmitInput())
    QUESTIONS = ("profession", "grade", "department", "current_role", "current_level")

    @classmethod
    def for_person(cls, person, *, grades, departments, levels: list[tuple[str, str]]) -> "AboutYouForm":
        """The form with this person's answers (None: someone new), offering these grades,
        departments (rows with an id and a name) and DDaT role levels."""
        data = {}
        if person is not None:
            data = {
                "profession": person.profession,
                "grade": person.grade,
                "department": str(person.department_id),
                "current_role": person.current_role,
                "current_level": person.current_level or "",
            }
        form = cls.showing(data)
        form.grade.choices = [("", "Choose your grade")] + [(g, grade_name(g)) for g in grades]
        form.department.choices = [("", "Choose a department")] + [(str(d.id), d.name) for d in departments]
        form.current_level.choices = [("", "I do not work in a DDaT role")] + levels
        return form

    def keep_hr_record(self, person) -> None:
        """Profession, grade and department as the HR system fed them (ddat/services/people_feed.py)."""
        self.profession.data, self.grade.data = person.profession, person.grade
        self.department.data = str(person.department_id)

    def answers(self) -> dict:
        return {name: self[name].data for name in self.QUESTIONS}


class ExperienceForm(Form):
    shown = MultiChoiceField(
        "Which of these have you shown in your work?",
        description=(
            "Select all that apply. We use them to suggest answers to the next questions;"
            " you can change every suggestion."
        ),
        widget=GovCheckboxesInput(),
    )
    submit = SubmitField("Save and continue", widget=GovSubmitInput())

    @classmethod
    def for_experience(cls, experience: list[tuple[str, ...]], choices: list[tuple[str, str]]) -> "ExperienceForm":
        """Ticked where the person has shown it: each piece of experience is its source's parts."""
        form = cls(data={"shown": ["/".join(parts) for parts in experience]})
        form.shown.choices = choices
        return form


class InterestsForm(Form):
    families = MultiChoiceField(
        "Which kinds of work interest you?",
        description="Select all that apply. We ask about the skills of those role families first.",
        widget=GovCheckboxesInput(),
    )
    submit = SubmitField("Save and continue", widget=GovSubmitInput())

    @classmethod
    def for_person(cls, interests: list[str], choices: list[tuple[str, str]]) -> "InterestsForm":
        form = cls(data={"families": interests})
        form.families.choices = choices
        return form


class MessagesForm(Form):
    optional_messages = RadioChoiceField(
        "Do you want emails inviting you to learning?",
        choices=select_choices([("yes", "Yes, email me invitations"), ("no", "No, I will look in the service")]),
        widget=GovRadioInput(),
        message="Select whether you want emails inviting you to learning",
    )
    submit = SubmitField("Save", widget=GovSubmitInput())

    PREFIX = "messages"  # on the same page as the sharing form: its fields need ids of their own

    @classmethod
    def for_user(cls, user) -> "MessagesForm":
        form = cls(prefix=cls.PREFIX, data={"optional_messages": "yes" if user.optional_messages else "no"})
        return form._asking(user)

    @classmethod
    def sent(cls, user) -> "MessagesForm":
        return cls(prefix=cls.PREFIX)._asking(user)

    def _asking(self, user) -> "MessagesForm":
        if user.role == "hr":  # the same choice covers HR's weekly digest: the question says so
            self.optional_messages.label.text = (
                "Do you want emails inviting you to learning, and your weekly digest of new scheme applications?"
            )
        return self


class ConsentForm(Form):
    shares_with_hr = RadioChoiceField(
        "Can HR see your profile when they look for people for cohort schemes?",
        choices=select_choices([("yes", "Yes, HR can see my profile"), ("no", "No, keep my profile private")]),
        widget=GovRadioInput(),
        message="Select whether HR can see your profile",
    )
    submit = SubmitField("Save", widget=GovSubmitInput())

    @classmethod
    def for_person(cls, person) -> "ConsentForm":
        return cls(data={"shares_with_hr": "yes" if person and person.shares_with_hr else "no"})

    def shares(self) -> bool:
        return self.shares_with_hr.data == "yes"


def field_name(skill: str) -> str:
    """Skill slugs use hyphens only, so this is reversible."""
    return "skill_" + skill.replace("-", "_")


def example_name(skill: str) -> str:
    return "example_" + skill.replace("-", "_")


EXAMPLE_LENGTH = 1000


def skills_form(
    questions: list[tuple[str, str, str]], levels: dict[str, int], optional=False, examples: dict | None = None
) -> Form:
    """A page of skill questions, (skill slug, question, short name), each with five levels,
    starting at the given level of each skill that has one, and a box for an example of it.

    Required questions are radios; optional ones (other DDaT skills) are compact selects
    that start at "Not yet".
    """

    class SkillsForm(Form):
        submit = SubmitField("Save and continue", widget=GovSubmitInput())

        def answers(self) -> dict[str, int]:
            """The level chosen for each skill asked about ("not had the chance" is level 0)."""
            return {
                skill: 0 if self[field_name(skill)].data == NO_CHANCE_CHOICE else int(self[field_name(skill)].data)
                for skill, _, _ in questions
            }

        def examples(self) -> dict[str, str]:
            """The example given for each skill asked about ("" for none)."""
            return {skill: self[example_name(skill)].data or "" for skill, _, _ in questions}

        def no_chance(self) -> set[str]:
            """The skills answered "not had the chance to show this"."""
            return {skill for skill, _, _ in questions if self[field_name(skill)].data == NO_CHANCE_CHOICE}

    for skill, question, name in questions:
        message = f"Select your level for {in_sentence(name)}"
        if optional:
            field = ChoiceField(
                question,
                choices=select_choices(level_choices()),
                default="0",
                widget=GovSelect(),
                choose_message=message,
            )
        else:
            choices = select_choices([*level_choices(), (NO_CHANCE_CHOICE, NO_CHANCE_NAME)])
            field = RadioChoiceField(question, choices=choices, widget=GovRadioInput(), message=message)
        setattr(SkillsForm, field_name(skill), field)
        example = text(
            f"An example of {in_sentence(name)} in your work (optional)",
            EXAMPLE_LENGTH,
            optional=True,
            called=f"Your example of {in_sentence(name)}",
            count=True,
        )
        setattr(SkillsForm, example_name(skill), example)
    data = {field_name(skill): str(level) for skill, level in levels.items()}
    data |= {example_name(skill): words for skill, words in (examples or {}).items()}
    return SkillsForm(data=data)
