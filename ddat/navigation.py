"""The service navigation: which sections a person sees, and which one they are in.

Built here rather than in the layout template so the rule "people only see links to pages
they may open" sits beside the capabilities it uses.
"""

from collections.abc import Callable
from dataclasses import dataclass

from flask import g, url_for

from . import db
from .permissions import ADMINISTER, RUN_SCHEMES, SEE_AGGREGATES, Capability
from .services.line_managers import manages_or_is_asked


@dataclass(frozen=True)
class Section:
    text: str
    endpoint: str
    # Active when the request's endpoint is one of these, or its blueprint is `blueprint`.
    active_endpoints: tuple[str, ...] = ()
    blueprint: str | None = None
    needs: Capability | None = None  # None: anyone who sees this group of sections
    # Shown only to people this says yes for (line managers), when a capability cannot say it.
    shown_to: Callable[[object], bool] | None = None

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
    Section("Your team", "team.index", blueprint="team", shown_to=lambda user: is_line_manager(user)),
    Section("Schemes", "schemes.index", blueprint="schemes", needs=RUN_SCHEMES),
    Section("Dashboards", "dashboards.index", blueprint="dashboards", needs=SEE_AGGREGATES),
    Section("Audit log", "admin.audit_log", blueprint="admin", needs=ADMINISTER),
)
SIGNED_OUT_SECTIONS = (Section("Sign in", "auth.sign_in", ("auth.sign_in", "auth.register")),)


def sections_for(user) -> list[Section]:
    """The sections this user sees, in order."""
    if not user.is_authenticated:
        return [*PUBLIC_SECTIONS, *SIGNED_OUT_SECTIONS]
    return [
        *PUBLIC_SECTIONS,
        *(
            s
            for s in SIGNED_IN_SECTIONS
            if (s.needs is None or s.needs.held_by(user)) and (s.shown_to is None or s.shown_to(user))
        ),
    ]


def is_line_manager(user) -> bool:
    """Whether someone manages anyone, or is asked to: one small query, once per request."""
    if g.get("without_database"):  # an error page drawn from memory: the link can wait
        return False
    if "is_line_manager" not in g:
        g.is_line_manager = manages_or_is_asked(db.session(), user)
    return g.is_line_manager


def service_navigation(user, endpoint: str | None, blueprint: str | None) -> list[dict]:
    """The `navigation` items of GOV.UK Frontend's service navigation component."""
    return [
        {"href": url_for(s.endpoint), "text": s.text, "active": s.is_active(endpoint, blueprint)}
        for s in sections_for(user)
    ]
