"""The service navigation: which sections a person sees, and which one they are in.

Built here rather than in the layout template so the rule "people only see links to pages
they may open" sits beside the capabilities it uses.
"""

from dataclasses import dataclass

from flask import url_for

from .permissions import ADMINISTER, RUN_SCHEMES, SEE_AGGREGATES, Capability


@dataclass(frozen=True)
class Section:
    text: str
    endpoint: str
    # Active when the request's endpoint is one of these, or its blueprint is `blueprint`.
    active_endpoints: tuple[str, ...] = ()
    blueprint: str | None = None
    needs: Capability | None = None  # None: anyone who sees this group of sections

    def is_active(self, endpoint: str | None, blueprint: str | None) -> bool:
        return endpoint in self.active_endpoints or (self.blueprint is not None and blueprint == self.blueprint)


# Few sections, so HR's and leaders' longer lists fit on one line at desktop width; the
# framework's skills list and level comparison are linked from its pages.
PUBLIC_SECTIONS = (
    Section(
        "Framework",
        "framework.index",
        ("framework.index", "framework.role", "framework.role_level", "framework.skills", "framework.skill"),
    ),
    Section("Search", "framework.search", ("framework.search",)),
    Section("Learning", "masterclasses.index", blueprint="masterclasses"),
)
SIGNED_IN_SECTIONS = (
    Section("Your profile", "profile.index", blueprint="profile"),
    Section("Schemes", "schemes.index", blueprint="schemes", needs=RUN_SCHEMES),
    Section("Dashboards", "dashboards.index", blueprint="dashboards", needs=SEE_AGGREGATES),
    Section("Audit log", "admin.audit_log", blueprint="admin", needs=ADMINISTER),
)
SIGNED_OUT_SECTIONS = (Section("Sign in", "auth.sign_in", ("auth.sign_in", "auth.register")),)


def sections_for(user) -> list[Section]:
    """The sections this user sees, in order."""
    if not user.is_authenticated:
        return [*PUBLIC_SECTIONS, *SIGNED_OUT_SECTIONS]
    return [*PUBLIC_SECTIONS, *(s for s in SIGNED_IN_SECTIONS if s.needs is None or s.needs.held_by(user))]


def service_navigation(user, endpoint: str | None, blueprint: str | None) -> list[dict]:
    """The `navigation` items of GOV.UK Frontend's service navigation component."""
    return [
        {"href": url_for(s.endpoint), "text": s.text, "active": s.is_active(endpoint, blueprint)}
        for s in sections_for(user)
    ]
