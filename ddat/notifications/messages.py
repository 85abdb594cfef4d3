"""Every message the service sends, in the words a person reads. Each is a template in GOV.UK
Notify (its id in NOTIFY_TEMPLATE_<NAME>), written with the same ((placeholders)); the local
mailbox renders these words itself. docs/notifications.md lists them."""

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Message:
    subject: str
    body: str
    # Essential messages (about the account, or a place the person asked for) always go;
    # people can turn the others off on /profile/data.
    essential: bool = True
    # Holds a link that signs someone in or sets a password: its words are cleared once Notify
    # has it, and never shown on the admin mailbox except on a laptop with no Notify key.
    secret: bool = False

    @property
    def placeholders(self) -> list[str]:
        return sorted(set(re.findall(r"\(\((\w+)\)\)", self.subject + self.body)))

    def render(self, personalisation: dict) -> tuple[str, str]:
        return fill(self.subject, personalisation), fill(self.body, personalisation)


def fill(text: str, personalisation: dict) -> str:
    """Text with its ((placeholders)) filled in, as Notify fills them."""
    return re.sub(r"\(\((\w+)\)\)", lambda m: str(personalisation.get(m.group(1), "")), text)


MESSAGES = {
    "confirm_email": Message(
        "Confirm your email address for DDaT Pathways",
        "Someone asked to create a DDaT Pathways account with this email address. If it was you, confirm "
        "your address and choose your password here:\n((link))\n\nThe link works once, for 24 hours. If you "
        "asked more than once, use the newest email: only its link works.\n\n"
        "If it was not you, you do not need to do anything: without the link, nobody can use the account.\n\n"
        "DDaT Pathways",
        secret=True,
    ),
    "account_exists": Message(
        "You already have a DDaT Pathways account",
        "Dear ((name)),\n\nSomeone tried to create a DDaT Pathways account with this email address, but you "
        "already have one.\n\nSign in:\n((link))\n\nIf you have forgotten your password, reset it:\n"
        "((reset_link))\n\nIf it was not you, you do not need to do anything.\n\nDDaT Pathways",
    ),
    "password_reset": Message(
        "Reset your DDaT Pathways password",
        "Dear ((name)),\n\nSomeone asked to reset the password for your DDaT Pathways account. If it was you, "
        "choose a new password here within 1 hour:\n((link))\n\nThe link works once. Resetting your password "
        "signs you out everywhere.\n\nIf it was not you, you do not need to do anything: your password has "
        "not changed.\n\nDDaT Pathways",
        secret=True,
    ),
    "learning_invitation": Message(
        "You are invited to ((learning))",
        "Dear ((name)),\n\nYou are invited to take ((learning)), run by ((provider)).\n\n"
        "((next_step))\n((link))\n\nDDaT Pathways",
        essential=False,
    ),
    "session_for_invitation": Message(
        "You can now book ((learning))",
        "Dear ((name)),\n\nYou were invited to take ((learning)), and a session is now open for booking.\n\n"
        "When: ((when))\nWhere: ((where))\n\nBook your place:\n((link))\n\nDDaT Pathways",
        essential=False,
    ),
    "place_confirmed": Message(
        "Your place on ((learning)) is confirmed",
        "Dear ((name)),\n\nYour place is confirmed.\n\nLearning: ((learning))\nWhen: ((when))\nWhere: ((where))\n\n"
        "Add it to your calendar, or cancel your place:\n((link))\n\nDDaT Pathways",
    ),
    "waiting_list": Message(
        "You are on the waiting list for ((learning))",
        "Dear ((name)),\n\nThe session of ((learning)) on ((when)) is full, so you are on its waiting list. "
        "We will email you if a place comes free.\n\n((link))\n\nDDaT Pathways",
    ),
    "promoted": Message(
        "A place on ((learning)) has come free for you",
        "Dear ((name)),\n\nA place came free and it is yours.\n\nLearning: ((learning))\nWhen: ((when))\n"
        "Where: ((where))\n\nAdd it to your calendar, or cancel your place:\n((link))\n\nDDaT Pathways",
    ),
    "session_changed": Message(
        "Your session of ((learning)) has changed",
        "Dear ((name)),\n\nThe session of ((learning)) you are booked on has changed.\n\nWhen: ((when))\n"
        "Where: ((where))\n\nIt was: ((was))\n\nCheck your booking, download the updated calendar file, or "
        "cancel your place:\n((link))\n\nDDaT Pathways",
    ),
    "waiting_session_changed": Message(
        "The session of ((learning)) you are waiting for has changed",
        "Dear ((name)),\n\nThe session of ((learning)) whose waiting list you are on has changed. You are still "
        "on the waiting list: we will email you if a place comes free.\n\nWhen: ((when))\nWhere: ((where))\n\n"
        "It was: ((was))\n\n"
        "If you no longer want a place, leave the waiting list:\n((link))\n\nDDaT Pathways",
    ),
    "session_cancelled": Message(
        "Your session of ((learning)) on ((when)) is cancelled",
        "Dear ((name)),\n\nThe session of ((learning)) on ((when)) has been cancelled, so your place has "
        "ended.\n\n((reason))\n\nIf you added it to your calendar, download the calendar file again from your "
        "booking page to take it out:\n((link))\n\nFind another session:\n((item_link))\n\nDDaT Pathways",
    ),
    "waiting_session_cancelled": Message(
        "The session of ((learning)) on ((when)) you were waiting for is cancelled",
        "Dear ((name)),\n\nThe session of ((learning)) on ((when)) has been cancelled, so you are no longer on "
        "its waiting list.\n\n((reason))\n\nFind another session:\n((item_link))\n\nDDaT Pathways",
    ),
    "session_reminder": Message(
        "Reminder: ((learning)) on ((when))",
        "Dear ((name)),\n\nThis is a reminder that you have a place on ((learning)).\n\nWhen: ((when))\n"
        "Where: ((where))\n\nIf you can no longer go, cancel your place so someone on the waiting list can "
        "have it:\n((link))\n\nDDaT Pathways",
    ),
    "application_received": Message(
        "We have your application to ((scheme))",
        "Dear ((name)),\n\nThank you for applying to ((scheme)). Applications close on ((closes_on)); the HR team "
        "running it may decide on yours before then, and we will email you when they do.\n\n"
        "See where your application has got to:\n((link))\n\nDDaT Pathways",
    ),
    "scheme_decision": Message(
        "Your application to ((scheme)): ((decision))",
        "Dear ((name)),\n\n((decision_sentence))\n\nSee your applications:\n((link))\n\nDDaT Pathways",
    ),
    "hr_weekly_digest": Message(
        "New scheme applications this week: ((count))",
        "Dear ((name)),\n\nThese applications to schemes you run came in over the last 7 days:\n\n((summary))\n\n"
        "Review them:\n((link))\n\nDDaT Pathways",
        essential=False,
    ),
    "line_manager_named": Message(
        "((report)) has named you as their line manager",
        "Dear ((name)),\n\n((report)) has named you as their line manager in DDaT Pathways. If you are, accept; "
        "if you are not, refuse:\n((link))\n\nOnce you accept, they can ask you to confirm their skills, and you "
        "will see only what they ask you to confirm or choose to share with you.\n\nDDaT Pathways",
    ),
    "confirmation_requested": Message(
        "((report)) has asked you to confirm their skills",
        "Dear ((name)),\n\n((report)) has asked you to confirm the ((skills)) skills in their self-assessment. "
        "For each one you can confirm it, change the level with a reason, or say you cannot judge it.\n\n"
        "Confirm their skills:\n((link))\n\nDDaT Pathways",
    ),
    "confirmation_completed": Message(
        "Your line manager has answered your request to confirm your skills",
        "Dear ((name)),\n\n((manager)) has answered your request: ((summary)). Confirmed skills now count as "
        "confirmed in your matches and pathways.\n\nSee what they said, and reply if you want to:\n((link))"
        "\n\nDDaT Pathways",
    ),
    "confirmation_replied": Message(
        "((report)) has replied to your answers about their skills",
        "Dear ((name)),\n\n((report)) has replied to the answers you gave about their skills. Read their "
        "reply in your team view:\n((link))\n\nDDaT Pathways",
    ),
    "line_manager_recorded": Message(
        "HR have recorded your line manager",
        "Dear ((name)),\n\nHR have recorded ((manager)) as your line manager in DDaT Pathways. They can "
        "confirm the skills in your self-assessment when you ask them to.\n\nIf this is wrong, contact your "
        "HR team. See your line manager:\n((link))\n\nDDaT Pathways",
    ),
    "confirmation_due": Message(
        "Your skills confirmation is due",
        "Dear ((name)),\n\n((count)) of your skills were confirmed by your line manager on ((confirmed_on)). "
        "A confirmation is current for 2 years, so they now count as your own rating again.\n\n"
        "Ask your line manager to confirm them again:\n((link))\n\nDDaT Pathways",
    ),
}

# What HR's decision says to the person, by the status it moves them to.
DECISION_SENTENCES = {
    "shortlisted": ("shortlisted", "You have been shortlisted for ((scheme)). The HR team will be in touch."),
    "enrolled": ("you have a place", "You have a place on ((scheme)). It starts on ((starts_on))."),
    "declined": ("not successful", "Your application to ((scheme)) has not been successful this time."),
    "placed": ("placed in a role", "Congratulations: you have been placed as ((placed_in)) through ((scheme))."),
    "completed": ("completed", "You have completed ((scheme)). The HR team will talk to you about what comes next."),
    "withdrawn": ("withdrawn", "The HR team running ((scheme)) have withdrawn your application."),
}


def as_markdown() -> str:
    """Every message as docs/notifications.md lists it, for setting up the Notify templates."""
    parts = []
    for name, message in MESSAGES.items():
        kind = "essential" if message.essential else "optional (people can turn it off)"
        parts.append(
            f"### `{name}`: {kind}\n\nSetting: `NOTIFY_TEMPLATE_{name.upper()}`. "
            f"Personalisation: {', '.join(f'`{p}`' for p in message.placeholders)}.\n\n"
            f"Subject: {message.subject}\n\n```\n{message.body}\n```"
        )
    return "\n\n".join(parts)
