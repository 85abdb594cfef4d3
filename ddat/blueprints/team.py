"""A line manager's team: requests to be someone's manager, requests to confirm skills, and the
team's skills. Everything here is scoped to the signed-in person's own direct reports, and to
those of them who asked for a confirmation or chose to share with their manager."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from .. import current, db
from ..forms.line_managers import AnswerLinkForm, confirm_form, decision_name, level_field_name, reason_name
from ..permissions import signed_in
from ..services import audit, confirmations, line_managers
from ..services.profiles import person_for
from ..viewmodels import confirmation_views as views
from ..viewmodels.explorer import level_choices

bp = Blueprint("team", __name__, url_prefix="/team")


def _me():
    return person_for(db.session(), current_user)


@bp.get("")
@signed_in
def index():
    session, me = db.session(), _me()
    waiting = line_managers.waiting_for(session, current_user, me)
    if me is None:
        return render_template("team/index.html", me=None, waiting=waiting, asked=[], team=[])
    return render_template(
        "team/index.html",
        me=me,
        waiting=waiting,
        asked=confirmations.asked_of(session, me),
        team=views.team(session, me),
    )


@bp.route("/requests/<int:link_id>", methods=["GET", "POST"])
@signed_in
def answer_request(link_id: int):
    session, me = db.session(), _me()
    found = next(((f, p) for f, p in line_managers.waiting_for(session, current_user, me) if f.id == link_id), None)
    if found is None:
        abort(404)  # not asked of them, or answered already
    if me is None:
        flash("Tell us about yourself first: line managers need a profile too.", "success")
        return redirect(url_for("profile.about_you"))
    form = AnswerLinkForm()
    if form.validate_on_submit():
        accepted = form.answer.data == "yes"
        try:
            done = line_managers.answer(session, current_user, me, link_id, accepted)
        except line_managers.LinkRefused as refused:
            form.answer.errors = [str(refused)]
            return render_template("team/answer_request.html", form=form, report=found[1])
        if done is None:
            abort(404)
        flash(
            f"You are now {found[1].display_name}’s line manager." if accepted
            else f"You have told {found[1].display_name} you are not their line manager.",
            "success",
        )  # fmt: skip
        return redirect(url_for("team.index"))
    return render_template("team/answer_request.html", form=form, report=found[1])


NAMES = {"decision": decision_name, "level": level_field_name, "reason": reason_name}


def _request_form(rows, asked, fresh: bool = False):
    ratings = [(r["slug"], r["skill"], r["level"]) for r in rows]
    return confirm_form(ratings, {r["slug"] for r in rows if r["mine"]}, asked.assessment_id, fresh)


@bp.route("/confirmations/<int:request_id>", methods=["GET", "POST"])
@signed_in
def confirm(request_id: int):
    session, me, framework = db.session(), _me(), current.framework()
    found = confirmations.asked_of_me(session, me, request_id) if me else None
    if found is None:
        closed = confirmations.closed_for_me(session, me, request_id) if me else None
        if closed is None:
            abort(404)  # not theirs, or no longer their report: the same answer
        return render_template("team/request_closed.html", asked=closed[0], report=closed[1])
    asked, report = found
    rows = views.request_rows(session, framework, asked, me)
    form = _request_form(rows, asked)

    def answers_changed():
        asked_now, _ = confirmations.asked_of_me(session, me, request_id)
        rows_now = views.request_rows(session, framework, asked_now, me)
        again = _request_form(rows_now, asked_now, fresh=True)
        return render_template("team/confirm.html", form=again, report=report, asked=asked_now, rows=rows_now,
                               changed=True, names=NAMES)  # fmt: skip

    # Answers about a version the person has since replaced are never taken, valid or not.
    if form.is_submitted() and form.shown_version() != asked.assessment_id:
        return answers_changed()
    if form.validate_on_submit():
        decisions = {
            skill: confirmations.Decision(decision, level, reason)
            for skill, (decision, level, reason) in form.decisions().items()
        }
        try:
            decided = confirmations.decide(session, current_user, me, request_id, decisions, form.shown_version())
        except confirmations.AnswersChanged:  # submitted between this check and the decision
            return answers_changed()
        if decided is None:
            closed = confirmations.closed_for_me(session, me, request_id)
            if closed is None:
                abort(404)
            return render_template("team/request_closed.html", asked=closed[0], report=closed[1])
        flash(f"Your answers have been sent to {report.display_name}.", "success")
        return redirect(url_for("team.index"))
    return render_template(
        "team/confirm.html",
        form=form,
        report=report,
        asked=asked,
        rows=rows,
        names=NAMES,
    )


def _visible_report(person_id: int):
    session, me = db.session(), _me()
    report = next((p for p in views.visible_reports(session, me) if p.id == person_id), None) if me else None
    if report is None:
        abort(404)
    return me, report


@bp.get("/people/<int:person_id>")
@signed_in
def report_profile(person_id: int):
    _, report = _visible_report(person_id)
    session = db.session()
    audit.record_now(session, "confirmation.team_viewed", actor=current_user, subject=report)
    return render_template(
        "team/person.html",
        report=report,
        ratings=views.report_profile(session, current.framework(), report),
        standing=views.standing(session, report),
    )


@bp.get("/skills")
@signed_in
def skills():
    session, me, framework = db.session(), _me(), current.framework()
    reports = views.visible_reports(session, me) if me else []
    level = request.args.get("level", "")
    level = level if level in framework.role_levels else ""
    return render_template(
        "team/skills.html",
        matrix=views.skills_matrix(session, framework, reports),
        gaps=views.team_gaps(session, framework, reports, level) if level else [],
        level=framework.role_levels.get(level),
        chosen=level,
        levels=level_choices(framework),
        hidden=sum(1 for row in views.team(session, me) if not row["visible"]) if me else 0,
    )
