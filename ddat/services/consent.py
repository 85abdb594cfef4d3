"""What HR may see of a scheme member, and do with them, given their consent to share with HR.

One rule for the member page, nominations, imports and HR's decisions. While a person shares
their profile, HR sees it all. Once they stop, HR sees only assessments made before they
stopped, and may not add them to a scheme, change their place in one or record their progress
(milestones), only withdraw them, which closes their place and adds nothing about them. A
scheme the person applied to themselves is the exception: applying is sharing their profile
with that scheme.
"""

from sqlalchemy import ColumnElement, false, true

from ..models import Assessment, Person, SchemeMember


def applied_themselves(member: SchemeMember | None) -> bool:
    # Only the person's own application has a statement (HR's imports and invitations do not).
    return member is not None and member.statement is not None


# Closing a place records nothing new about the person, so HR may always do it.
HR_MAY_ALWAYS = ("withdrawn",)


def hr_may_act(person: Person, member: SchemeMember | None) -> bool:
    return person.shares_with_hr or applied_themselves(member)


def assessments_hr_may_see(person: Person, member: SchemeMember) -> ColumnElement[bool]:
    if hr_may_act(person, member):
        return true()
    if person.hr_consent_withdrawn_at is None:  # never shared, or withdrew before the time was kept
        return false()
    return Assessment.submitted_at < person.hr_consent_withdrawn_at


def refusal(person: Person) -> str:
    return (
        f"{person.display_name} has stopped sharing their profile with HR, so you cannot change their place in a scheme"
    )
