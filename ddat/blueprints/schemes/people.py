"""Individual-level pages: the candidate pool and the members. Each view and export is audited."""

from flask import abort, flash, get_flashed_messages, redirect, render_template, request, url_for
from flask_login import current_user

from ... import current, db
from ...csv_files import csv_text
from ...downloads import attachment
from ...forms.schemes import DecisionForm, MilestoneForm, NoteForm
from ...paging import database_id, page_number
from ...permissions import RUN_SCHEMES, requires
from ...services import consent
from ...services import scheme_members as members
from ...services.eligibility import Eligibility
from ...services.schemes import not_open_warning, person_in_scope
from ...viewmodels import candidate_pool as pool
from ...viewmodels import explorer
from ...viewmodels.results import READINESS
from ...vocabulary import MEMBER_STATUS_NAMES, grade_name
from ..viewing import record_view
from . import bp
from .common import my_scheme


def _pool_filter(scheme, framework) -> pool.PoolFilter:
    """The filter from the query string; anything not on offer is ignored, except a target
    the scheme does not have, which is not found."""
    target = request.args.get("target") or scheme.target_levels[0]
    if target not in scheme.target_levels:
        abort(404)
    readiness = request.args.get("readiness") or None
    department = request.args.get("department", "")
    grade = request.args.get("grade") or None
    return pool.PoolFilter(
        target=target,
        readiness=readiness if readiness in READINESS else None,
        department_id=database_id(department),
        grade=grade if grade in framework.grade_codes else None,
        search=(request.args.get("q") or "").strip()[:100],
        confirmed_only=request.args.get("evidence") == "confirmed",
        sort="confirmed" if request.args.get("sort") == "confirmed" else "fit",
    )


@bp.get("/<int:scheme_id>/candidates")
@requires(RUN_SCHEMES)
def candidates(scheme_id: int):
    scheme = my_scheme(scheme_id)
    framework = current.framework()
    chosen = _pool_filter(scheme, framework)
    if request.args.get("format") == "csv":
        record_view("scheme.candidates_exported", scheme)
        body = pool.pool_csv(db.session(), framework, scheme, current_user, chosen)
        return attachment(body, f"scheme-{scheme.id}-candidates.csv")
    view = pool.pool_page(db.session(), framework, scheme, current_user, chosen, page_number(request.args.get("page")))
    record_view("scheme.candidates_viewed", scheme)
    return render_template(
        "schemes/candidates.html",
        scheme=scheme,
        chosen=chosen,
        targets=[framework.role_levels[t] for t in scheme.target_levels],
        readiness_options=READINESS,
        department_options=pool.department_options(db.session(), scheme, current_user),
        grade_options=[(g, grade_name(g)) for g in Eligibility.of(framework, scheme).grades],
        status_names=MEMBER_STATUS_NAMES,
        problems=get_flashed_messages(category_filter=["problem"]),
        not_open=not_open_warning(scheme),
        **view,
    )


@bp.post("/<int:scheme_id>/candidates/<int:person_id>/invite")
@requires(RUN_SCHEMES)
def invite(scheme_id: int, person_id: int):
    scheme = my_scheme(scheme_id)
    person = person_in_scope(db.session(), current_user, person_id)
    if person is None:
        abort(404)
    already = members.membership(db.session(), scheme, person)
    if already is not None:
        flash(f"Already in the scheme: {MEMBER_STATUS_NAMES[already.status].lower()}", "success")
        return redirect(url_for("schemes.member", scheme_id=scheme.id, member_id=already.id))
    member, problem = members.nominate(db.session(), current.framework(), scheme, person, current_user)
    if member is None:
        flash(problem, "problem")
        return redirect(url_for("schemes.candidates", scheme_id=scheme.id, **_kept_filter()))
    warning = not_open_warning(scheme)
    flash("Invitation recorded." + (f" {warning}" if warning else ""), "success")
    return redirect(url_for("schemes.member", scheme_id=scheme.id, member_id=member.id))


@bp.post("/<int:scheme_id>/candidates/selected")
@requires(RUN_SCHEMES)
def act_on_selected(scheme_id: int):
    """Invite, or shortlist, every person ticked on a page of the pool at once."""
    scheme = my_scheme(scheme_id)
    back = url_for("schemes.candidates", scheme_id=scheme.id, **_kept_filter())
    chosen_ids = [i for i in map(database_id, request.form.getlist("person")) if i is not None]
    action = request.form.get("action")
    if action not in ("invite", "shortlist") or not chosen_ids:
        flash("Select at least one person" if chosen_ids == [] else "Choose what to do", "problem")
        return redirect(back)
    done, problems = members.act_on_many(
        db.session(), current.framework(), scheme, current_user, chosen_ids[: pool.PER_PAGE * 4], action
    )
    for problem in problems[:20]:
        flash(problem, "problem")
    if done:
        what = "invited" if action == "invite" else "shortlisted"
        warning = not_open_warning(scheme) if action == "invite" else None
        flash(f"{done} {'person' if done == 1 else 'people'} {what}." + (f" {warning}" if warning else ""), "success")
    return redirect(back)


def _kept_filter() -> dict[str, str]:
    """The pool's filter, sent back with a form so the page HR return to is the one they left."""
    names = ("target", "readiness", "department", "grade", "q", "evidence", "sort", "page")
    return {k: v[:100] for k in names if (v := request.form.get(k))}  # no longer than the pool reads


@bp.get("/<int:scheme_id>/members")
@requires(RUN_SCHEMES)
def member_list(scheme_id: int):
    scheme = my_scheme(scheme_id)
    status = request.args.get("status") or None
    status = status if status in MEMBER_STATUS_NAMES else None
    if request.args.get("format") == "csv":
        record_view("scheme.members_exported", scheme)
        rows = members.all_members(db.session(), scheme, current_user)
        body = members_csv(rows, current.framework())
        return attachment(body, f"scheme-{scheme.id}-members.csv")
    view = members.members_page(db.session(), scheme, current_user, status, page_number(request.args.get("page")))
    record_view("scheme.members_viewed", scheme)
    return render_template(
        "schemes/members.html",
        scheme=scheme,
        status=status,
        status_names=MEMBER_STATUS_NAMES,
        taken=members.places_taken(db.session(), scheme),
        **view,
    )


@bp.route("/<int:scheme_id>/members/<int:member_id>", methods=["GET", "POST"])
@requires(RUN_SCHEMES)
def member(scheme_id: int, member_id: int):
    scheme = my_scheme(scheme_id)
    db_session = db.session()
    member = members.member_for(db_session, current_user, scheme, member_id)
    if member is None:
        abort(404)
    framework = current.framework()
    action = request.form.get("action") if request.method == "POST" else None
    person = members.person_of(db_session, member)
    may_act = consent.hr_may_act(person, member)
    decision = DecisionForm.for_statuses(members.NEXT_STATUSES[member.status], explorer.level_choices(framework))
    note, milestone = NoteForm(), MilestoneForm()
    if action == "decision" and decision.validate_on_submit():
        problem = members.move(db_session, framework, scheme, member, **decision.answers(), actor=current_user)
        if problem is None:
            flash("Decision saved.", "success")
            return redirect(url_for("schemes.member", scheme_id=scheme.id, member_id=member.id))
        decision.status.errors.append(problem)
    elif action == "note" and note.validate_on_submit():
        members.add_note(db_session, member, current_user, note.text.data)
        flash("Note added.", "success")
        return redirect(url_for("schemes.member", scheme_id=scheme.id, member_id=member.id))
    elif action == "milestone" and may_act and milestone.validate_on_submit():
        members.add_milestone(db_session, member, current_user, milestone.name.data, milestone.achieved_on.data)
        flash("Milestone added.", "success")
        return redirect(url_for("schemes.member", scheme_id=scheme.id, member_id=member.id))
    if not may_act:  # only what HR may still do is offered (a decision sent anyway is refused by `move`)
        decision.status.choices = [c for c in decision.status.choices if c.value in consent.HR_MAY_ALWAYS]
    record_view("scheme.member_viewed", member)
    return render_template(
        "schemes/member.html",
        scheme=scheme,
        member=member,
        person=person,
        department=members.department_of(db_session, person),
        target=framework.role_levels.get(member.target_level) if member.target_level else None,
        placed=framework.role_levels.get(member.placed_level) if member.placed_level else None,
        progress=members.readiness_over_time(db_session, framework, member),
        notes=members.notes_of(db_session, member),
        milestones=members.milestones_of(db_session, member),
        status_names=MEMBER_STATUS_NAMES,
        decision=decision if decision.status.choices else None,  # none for a placed member
        stopped_sharing=not may_act,
        note=note,
        milestone=milestone,
        form=next((f for f in (decision, note, milestone) if f.errors), None),
    )


def members_csv(rows, framework) -> str:
    """Names and levels as the members page shows them, with the codes in the last columns."""

    def level(slug):
        return framework.role_levels[slug].name if slug in framework.role_levels else slug or ""

    return csv_text(
        ["Staff number", "Name", "Department", "Grade", "Status", "Target", "Fit at enrolment", "Placed in"]
        + ["Placed on", "Reason", "Grade code", "Status code", "Target code", "Placed in code"],
        (
            [p.staff_number, p.display_name, d.name, grade_name(p.grade), MEMBER_STATUS_NAMES[m.status]]
            + [level(m.target_level), m.fit_at_enrolment, level(m.placed_level), m.placed_on, m.reason]
            + [p.grade, m.status, m.target_level, m.placed_level]
            for m, p, d in rows
        ),
    )
