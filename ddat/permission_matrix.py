"""Who may use every route: one table, checked by a test that requests every route as every
role (tests/web/test_permission_matrix.py) and copied into docs/security.md.

Outcomes: "ok" (the page or action, or a redirect within the service), "sign in" (sent to
the sign-in page), "403" (not allowed), "404" (not theirs: another person's record, another
department's scheme, or a page for people with a profile), "400" (a request that only makes
sense in the middle of something, such as coming back from single sign-on).
"""

ROLES = ("anonymous", "civil_servant", "hr_department", "hr_central", "leader", "admin")


def _rule(anonymous, civil_servant, hr_department, hr_central, leader, admin) -> dict[str, str]:
    return dict(zip(ROLES, (anonymous, civil_servant, hr_department, hr_central, leader, admin), strict=True))


PUBLIC = _rule("ok", "ok", "ok", "ok", "ok", "ok")
SIGNED_IN = _rule("sign in", "ok", "ok", "ok", "ok", "ok")
HR = _rule("sign in", "403", "ok", "ok", "403", "ok")
VIEWERS = _rule("sign in", "403", "ok", "ok", "ok", "ok")
ADMIN = _rule("sign in", "403", "403", "403", "403", "ok")
# Changing learning: its owners and central HR. The matrix's item is central HR's, so
# departmental HR may not change it (they can still run its sessions for their own people).
LEARNING_OWNERS = _rule("sign in", "403", "403", "ok", "403", "ok")
# Something asked of a line manager (a request, a report's profile): nobody else, HR included,
# can tell it exists.
NOT_ASKED = _rule("sign in", "404", "404", "404", "404", "404")
# Only an API client's token will do: a browser's session, whoever it is, gets 401.
API_CLIENT = _rule(*["401"] * 6)
# A civil servant's own record; everyone else, including HR, gets "not found".
OWN_RECORD = _rule("sign in", "ok", "404", "404", "404", "404")

MATRIX: dict[str, dict[str, str]] = {
    "pages.home": PUBLIC,  # signed in: a redirect to where their work starts
    "pages.landing": SIGNED_IN,
    "pages.accessibility": PUBLIC,
    "pages.privacy": PUBLIC,
    "pages.cookies": PUBLIC,
    "pages.status": PUBLIC,
    "health.healthz": PUBLIC,
    "static": PUBLIC,
    "framework.index": PUBLIC,
    "framework.compare": PUBLIC,
    "framework.role": PUBLIC,
    "framework.role_level": PUBLIC,
    "framework.search": PUBLIC,
    "framework.skills": PUBLIC,
    "framework.skill": PUBLIC,
    "auth.sign_in": PUBLIC,
    "auth.sign_out": PUBLIC,
    "auth.register": PUBLIC,
    "auth.forgot_password": PUBLIC,
    "auth.confirm_email": _rule(*["404"] * 6),  # a link that was never sent: "This link has expired"
    "auth.reset_password": _rule(*["404"] * 6),  # a link that was never sent: "This link has expired"
    "account.index": SIGNED_IN,
    "account.change_password": SIGNED_IN,  # accounts that sign in through their organisation go to /account
    "account.sign_out_everywhere": SIGNED_IN,
    "sso.start": PUBLIC,  # on to the organisation's sign-in service
    "sso.callback": _rule(*["400"] * 6),  # without a sign-in under way: "You could not be signed in"
    "profile.account_deleted": PUBLIC,
    "profile.index": SIGNED_IN,
    "profile.about_you": SIGNED_IN,
    "profile.experience": SIGNED_IN,
    "profile.skills_page": SIGNED_IN,
    "profile.other_skills": SIGNED_IN,
    "profile.other_skills_family": SIGNED_IN,
    "profile.check_answers": SIGNED_IN,
    "profile.submitted": SIGNED_IN,
    "profile.assessment": OWN_RECORD,  # only the person's own submitted versions
    "profile.matches": SIGNED_IN,
    "profile.match_detail": SIGNED_IN,
    "profile.pathway": SIGNED_IN,
    "profile.save_target": OWN_RECORD,  # needs a profile: people without one get 404
    "profile.my_data_page": SIGNED_IN,
    "profile.message_choices": SIGNED_IN,
    "profile.download_csv": SIGNED_IN,
    "profile.download_json": SIGNED_IN,
    "profile.delete_account": SIGNED_IN,
    "profile.line_manager": SIGNED_IN,  # people without a profile start with About you
    "profile.manager_sharing": SIGNED_IN,
    "profile.remove_line_manager": SIGNED_IN,  # nobody to remove redirects back
    "profile.confirmation": SIGNED_IN,
    "profile.ask_for_confirmation": SIGNED_IN,  # refused without a line manager: back to the page
    "profile.withdraw_confirmation": SIGNED_IN,
    "profile.reply_to_confirmation": SIGNED_IN,  # only the person's own answered request; others redirect
    "team.index": SIGNED_IN,  # their own direct reports only; nobody's, for people who manage no one
    "team.skills": SIGNED_IN,
    "team.answer_request": NOT_ASKED,
    "team.confirm": NOT_ASKED,
    "team.report_profile": NOT_ASKED,
    "people.set_line_manager": HR,
    "people.import_page": HR,  # departmental HR: their own department's people
    "schemes.index": HR,
    "schemes.new": HR,
    "schemes.overview": HR,
    "schemes.edit": HR,
    "schemes.candidates": HR,
    "schemes.invite": HR,
    "schemes.act_on_selected": HR,
    "schemes.member_list": HR,
    "schemes.member": HR,
    "schemes.import_page": HR,
    "schemes.dashboard": HR,
    "schemes.apply_to": OWN_RECORD,  # open schemes the person is eligible for; others 404
    "schemes.my_applications": SIGNED_IN,
    "schemes.withdraw": OWN_RECORD,  # only a scheme the person is in; others 404
    "masterclasses.index": PUBLIC,
    "masterclasses.item": PUBLIC,
    "masterclasses.new_item": HR,
    "masterclasses.edit_item": LEARNING_OWNERS,
    "masterclasses.invite": HR,
    "masterclasses.new_session": LEARNING_OWNERS,
    "masterclasses.session_page": HR,
    "masterclasses.edit_session": LEARNING_OWNERS,
    "masterclasses.cancel_session": LEARNING_OWNERS,
    "masterclasses.record_attendance": HR,
    "masterclasses.register_people": HR,
    "masterclasses.import_page": HR,
    "masterclasses.resolve_dispute": HR,  # their own people's disputes; none open redirects back
    "masterclasses.walk_in": HR,  # their own people; before the session starts it redirects to it
    "masterclasses.correct_completion": HR,  # their own people's; a record that is not a completion redirects
    "masterclasses.uptake": VIEWERS,
    "masterclasses.book": SIGNED_IN,
    "masterclasses.my_learning": SIGNED_IN,
    "masterclasses.my_registration": OWN_RECORD,
    "masterclasses.cancel": OWN_RECORD,
    "masterclasses.calendar_file": OWN_RECORD,  # a cancelled place's file cancels the event; a waiting one 404s
    "masterclasses.feedback": OWN_RECORD,
    "masterclasses.dispute": OWN_RECORD,  # a record that is not a completion redirects to the registration
    "dashboards.index": VIEWERS,
    "dashboards.skills": VIEWERS,
    "dashboards.capability_gaps": VIEWERS,
    "dashboards.pipeline": VIEWERS,
    "dashboards.learning": VIEWERS,
    "admin.audit_log": ADMIN,
    "admin.mailbox": ADMIN,
    "admin.api_clients_list": ADMIN,
    "admin.new_api_client": ADMIN,
    "admin.api_client_created": ADMIN,
    "admin.revoke_api_client": ADMIN,
    # The API: the framework and its documentation are public; the rest needs an API client's
    # token, whoever is signed in (tests/web/test_api_clients.py checks each scope).
    "api-docs.openapi_json": PUBLIC,
    "api_docs.docs": PUBLIC,
    "api_framework.framework": PUBLIC,
    "api_framework.versions": PUBLIC,
    "api_framework.case": PUBLIC,
    "api_framework.changes": _rule(*["422"] * 6),  # without ?from=: a problem naming the missing field
    "api_people.feed": API_CLIENT,
    "api_learning.completions": API_CLIENT,
    "api_reads.scheme_members": API_CLIENT,
    "api_reads.skills_figures": API_CLIENT,
    "api_reads.me": _rule("401", "ok", "ok", "ok", "ok", "ok"),  # the browser's session, not a token
}

# Another department's scheme (or its members) is "not found" for departmental HR.
OTHER_DEPARTMENT = {
    "schemes.overview",
    "schemes.edit",
    "schemes.candidates",
    "schemes.member_list",
    "schemes.dashboard",
    "schemes.import_page",
}


# Learning another department owns (or central HR's): departmental HR may not change it.
LEARNING_ITEM_CHANGES = {
    "masterclasses.edit_item",
    "masterclasses.new_session",
    "masterclasses.edit_session",
    "masterclasses.cancel_session",
}


def as_markdown(rules: dict[str, str]) -> str:
    """The matrix as a Markdown table, with each route's address."""
    lines = ["| Route | " + " | ".join(ROLES) + " |", "| --- | " + " | ".join("---" for _ in ROLES) + " |"]
    for endpoint in sorted(MATRIX, key=lambda e: rules.get(e, e)):
        row = MATRIX[endpoint]
        lines.append(f"| `{rules.get(endpoint, endpoint)}` | " + " | ".join(row[r] for r in ROLES) + " |")
    return "\n".join(lines)
