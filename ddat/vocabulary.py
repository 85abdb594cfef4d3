"""What the service calls things: the display name of each profession, skill level, learning
format and status, for pages, forms and downloads alike. Plain data, so services, forms and
templates all read the same words from here."""

PROFESSION_NAMES = {
    "policy": "Policy",
    "operational_delivery": "Operational Delivery",
    "ddat": "Digital, data and technology",
    "other": "Another profession",
}

# Civil Service grades in words, as people know them; the code in brackets where people use it.
GRADE_NAMES = {
    "AA": "Administrative Assistant (AA)",
    "AO": "Administrative Officer (AO)",
    "EO": "Executive Officer (EO)",
    "HEO": "Higher Executive Officer (HEO)",
    "SEO": "Senior Executive Officer (SEO)",
    "G7": "Grade 7",
    "G6": "Grade 6",
    "SCS1": "Deputy Director (SCS1)",
    "SCS2": "Director (SCS2)",
    "SCS3": "Director General (SCS3)",
    "PS": "Permanent Secretary",
}
NOT_GIVEN = "Not given"

# Skill levels by rank: 0 is a skill not held, then the framework's four proficiencies.
LEVEL_NAMES = {0: "Not yet", 1: "Awareness", 2: "Working", 3: "Practitioner", 4: "Expert"}
# "Not had the chance to show this": an answer that is neither "not yet" nor a guess. It is
# kept as level 0 (nothing is held) with this evidence, so the person and HR see it for what it is.
NO_CHANCE = "no_chance"
NO_CHANCE_CHOICE = "chance"  # its value in a form
NO_CHANCE_NAME = "Not had the chance"
NO_CHANCE_HINT = "My work has not given me the chance to show this yet"

LEVEL_HINTS = {
    0: "I have not done this yet",
    1: "I know the basics and when it matters",
    2: "I can do it with some support",
    3: "I do it on my own and can help others",
    4: "I lead it and others come to me for advice",
}

FORMAT_NAMES = {"in_person": "In person", "online": "Online", "blended": "Blended"}

SCHEME_STATUS_NAMES = {"draft": "Draft", "open": "Open for applications", "running": "Running", "closed": "Closed"}
MEMBER_STATUS_NAMES = {
    "invited": "Invited",
    "applied": "Applied",
    "shortlisted": "Shortlisted",
    "enrolled": "Enrolled",
    "declined": "Declined",
    "completed": "Completed",
    "placed": "Placed in a DDaT role",
    "withdrawn": "Withdrawn",
}
REGISTRATION_STATUS_NAMES = {
    "invited": "Invited",
    "registered": "Registered",
    "waiting": "On the waiting list",
    "cancelled": "Cancelled",
    "attended": "Attended",
    "no_show": "Did not attend",
    "completed": "Completed",
}
# How HR can settle a disputed completion: it stands, or what really happened instead.
RESOLUTION_NAMES = {
    "confirmed": "The completion is right: it counts again",
    "attended": "They attended but did not complete it",
    "no_show": "They did not attend",
}


def grade_name(code: str | None) -> str:
    return GRADE_NAMES.get(code, code) if code else NOT_GIVEN


def audience_name(grades: list[str] | tuple[str, ...]) -> str:
    """Who learning is for, in words: "Director (SCS2) and Permanent Secretary"; none is everyone."""
    names = [grade_name(g) for g in grades]
    if not names:
        return "Everyone"
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def profession_name(code: str | None) -> str:
    return PROFESSION_NAMES.get(code, code) if code else NOT_GIVEN


def level_name(level: int | None) -> str:
    return LEVEL_NAMES[level or 0]


def level_choices(*, held_only: bool = False) -> list[tuple[str, str]]:
    """(value, name) pairs for a form: every level, or only the levels of a skill held."""
    return [(str(rank), name) for rank, name in LEVEL_NAMES.items() if rank or not held_only]


def named(names: dict[str, str], codes) -> list[tuple[str, str]]:
    """(code, display name) pairs for these codes, in their order."""
    return [(code, names[code]) for code in codes]
