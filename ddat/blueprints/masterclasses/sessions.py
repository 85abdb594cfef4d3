"""HR running sessions: adding them, registering and inviting people, recording attendance
and completion by hand or from a CSV file."""

from flask import flash, get_flashed_messages, redirect, render_template, request, url_for
from flask_login import current_user

from ... import current, db
from ...downloads import attachment
from ...forms.common import ConfirmForm, ImportForm
from ...forms.learning import CancelSessionForm, PeopleForm, ResolveForm, SessionForm
from ...imports.attendance_import import import_attendance
from ...imports.csv_import import nothing_imported
from ...limits import configured, limiter, user_key
from ...models import LearningSession
from ...paging import database_id
from ...permissions import RUN_LEARNING, department_scope, requires
from ...services import learning, learning_records, session_people
from ...viewmodels.session_people import session_people as people_table
from ...vocabulary import REGISTRATION_STATUS_NAMES, audience_name
from ..viewing import record_view
from . import bp
from .common import item_or_404, may_change, owned_item_or_403, session_or_404, still_on

MAX_PROBLEMS_LISTED = 20


@bp.route("/<slug>/sessions/new", methods=["GET", "POST"])
@requires(RUN_LEARNING)
def new_session(slug: str):
    item = owned_item_or_403(slug)
    form = SessionForm.for_session(None)
    if form.validate_on_submit():
        learning_session = LearningSession(item_id=item.id, **form.answers())
        learning.save_session(db.session(), learning_session, {}, current_user)
        flash("Session added.", "success")
        return redirect(url_for("masterclasses.session_page", slug=slug, session_id=learning_session.id))
    return render_template("masterclasses/session_form.html", form=form, item=item, learning_session=None)


@bp.route("/<slug>/sessions/<int:session_id>/edit", methods=["GET", "POST"])
@requires(RUN_LEARNING)
def edit_session(slug: str, session_id: int):
    item = owned_item_or_403(slug)
    learning_session = still_on(item, session_or_404(item, session_id))
    form = SessionForm.for_session(learning_session)
    if form.validate_on_submit():
        answers = form.answers()
        confirmation = _move_to_confirm(item, learning_session, answers)
        if confirmation:
            return confirmation
        try:
            learning.save_session(db.session(), learning_session, answers, current_user)
        except learning.SessionCannotChange as refused:  # cancelled while the form was being sent
            flash(f"{refused}. Nothing was saved.", "problem")
        else:
            flash("Session changed.", "success")
        return redirect(url_for("masterclasses.session_page", slug=slug, session_id=learning_session.id))
    return render_template("masterclasses/session_form.html", form=form, item=item, learning_session=learning_session)


def _move_to_confirm(item, learning_session, answers: dict):
    """The page asking HR to confirm moving a session people are booked on, or None to save at
    once: nothing moves, no one is booked, or HR confirmed these very numbers. If they change
    before HR continue, HR are asked again with the new ones, so the number shown is true."""
    booked, waiting = learning.people_booked(db.session(), learning_session.id)
    seen = f"{booked}/{waiting}"
    if not learning.moves(learning_session, answers) or not booked + waiting or request.form.get("booked") == seen:
        return None
    return render_template(
        "masterclasses/move_session.html",
        form=ConfirmForm(formdata=None),
        item=item,
        learning_session=learning_session,
        moved_to=answers,
        booked=booked,
        waiting=waiting,
        seen=seen,
        answered=[(k, v) for k, v in request.form.items(multi=True) if k not in ("csrf_token", "submit", "booked")],
    )


@bp.route("/<slug>/sessions/<int:session_id>/cancel", methods=["GET", "POST"])
@requires(RUN_LEARNING)
def cancel_session(slug: str, session_id: int):
    """Cancelling a session that has not started, after seeing how many people it affects."""
    item = owned_item_or_403(slug)
    learning_session = still_on(item, session_or_404(item, session_id))
    if learning.has_started(learning_session):
        flash("This session has started, so it cannot be cancelled.", "problem")
        return redirect(url_for("masterclasses.session_page", slug=slug, session_id=session_id))
    form = CancelSessionForm()
    if form.validate_on_submit():
        try:
            told = learning.cancel_session(db.session(), learning_session, form.reason.data or "", current_user)
        except learning.SessionCannotChange as refused:
            flash(f"{refused}. Nothing was changed.", "problem")
        else:
            flash(f"Session cancelled. {_people(told)} told by email." if told else "Session cancelled.", "success")
        return redirect(url_for("masterclasses.session_page", slug=slug, session_id=session_id))
    booked, waiting = learning.people_booked(db.session(), learning_session.id)
    return render_template(
        "masterclasses/cancel_session.html", form=form, item=item, learning_session=learning_session,
        booked=booked, waiting=waiting,
    )  # fmt: skip


def _people(count: int) -> str:
    return "1 person was" if count == 1 else f"{count:,} people were"


@bp.get("/<slug>/sessions/<int:session_id>")
@requires(RUN_LEARNING)
def session_page(slug: str, session_id: int):
    item = item_or_404(slug)
    learning_session = session_or_404(item, session_id)
    if request.args.get("format") == "csv":
        record_view("learning.session_exported", learning_session)
        body = session_people.registrations_csv(
            session_people.registrations(db.session(), learning_session, current_user)
        )
        return attachment(body, f"{item.slug}-{learning.to_uk(learning_session.starts_at):%Y-%m-%d}.csv")
    record_view("learning.session_viewed", learning_session)
    return _render_session(
        item,
        learning_session,
        PeopleForm(),
        get_flashed_messages(category_filter=["problem"]),
        get_flashed_messages(category_filter=["given_up"]),
    )


def _render_session(item, learning_session, people_form: PeopleForm, problems=(), given_up=()):
    started = learning.has_started(learning_session)
    rows = session_people.registrations(db.session(), learning_session, current_user)
    return render_template(
        "masterclasses/session.html",
        item=item,
        learning_session=learning_session,
        people=people_table(rows, started),
        scoped=department_scope(current_user) is not None,
        taken=learning.places_taken(db.session(), learning_session.id),
        walk_ins=session_people.walk_ins(db.session(), learning_session.id),
        walk_ins_open=session_people.walk_ins_open(learning_session),
        walk_ins_up_to=session_people.WALK_INS_UP_TO.days,
        started=started,
        status_names=REGISTRATION_STATUS_NAMES,
        outcomes=learning.OUTCOMES,
        people_form=people_form,
        may_change=may_change(item),
        disputes=learning_records.open_disputes(db.session(), learning_session, current_user),
        resolve_form=ResolveForm(),
        form=people_form,
        problems=problems,
        given_up=given_up,
    )


@bp.post("/<slug>/sessions/<int:session_id>/attendance")
@requires(RUN_LEARNING)
def record_attendance(slug: str, session_id: int):
    item = item_or_404(slug)
    learning_session = still_on(item, session_or_404(item, session_id))
    chosen = {
        database_id(key.removeprefix("status-")): status
        for key, status in request.form.items()
        if key.startswith("status-") and database_id(key.removeprefix("status-")) is not None
    }
    framework = current.framework()
    outcome = session_people.record_attendance(db.session(), framework, learning_session, current_user, chosen)
    for problem in outcome.problems:
        flash(problem, "problem")
    for given_up in outcome.given_up:
        flash(given_up, "given_up")
    if outcome.started:
        flash("Attendance saved.", "success")
    elif outcome.cancelled:
        flash("Place cancelled." if outcome.cancelled == 1 else "Places cancelled.", "success")
    return redirect(url_for("masterclasses.session_page", slug=slug, session_id=session_id))


@bp.post("/<slug>/sessions/<int:session_id>/disputes/<int:registration_id>")
@requires(RUN_LEARNING)
def resolve_dispute(slug: str, session_id: int, registration_id: int):
    item = item_or_404(slug)
    learning_session = session_or_404(item, session_id)
    disputed = {r.id: (r, p) for r, p in learning_records.open_disputes(db.session(), learning_session, current_user)}
    url = url_for("masterclasses.session_page", slug=slug, session_id=session_id)
    if registration_id not in disputed:
        flash("That dispute has already been settled, or is not one you can see", "problem")
        return redirect(url)
    registration, person = disputed[registration_id]
    form = ResolveForm()
    if not form.validate_on_submit():
        flash(f"{person.display_name}: select how to settle the dispute", "problem")
        return redirect(url)
    framework = current.framework()
    learning_records.resolve(db.session(), framework, registration, form.resolution.data, current_user)
    flash("Dispute settled.", "success")
    return redirect(url_for("masterclasses.session_page", slug=slug, session_id=session_id))


@bp.post("/<slug>/sessions/<int:session_id>/register")
@requires(RUN_LEARNING)
def register_people(slug: str, session_id: int):
    item = item_or_404(slug)
    learning_session = still_on(item, session_or_404(item, session_id))
    form = PeopleForm()
    if not form.validate_on_submit():
        return _render_session(item, learning_session, form)
    url = url_for("masterclasses.session_page", slug=slug, session_id=session_id)
    if learning.has_started(learning_session):
        flash("This session has already taken place: no one can be registered for it", "problem")
        return redirect(url)
    people, unknown = session_people.named_people(db.session(), current_user, form.names())
    problems = [f"{name}: no one with this staff number or email address was found" for name in unknown]
    saved, refused = session_people.register_people(db.session(), learning_session, people, current_user)
    problems += refused
    for problem in problems[:MAX_PROBLEMS_LISTED]:
        flash(problem, "problem")
    if len(problems) > MAX_PROBLEMS_LISTED:
        flash(f"… and {len(problems) - MAX_PROBLEMS_LISTED:,} more", "problem")
    if not saved:
        return redirect(url)
    flash("Registrations saved.", "success")
    return redirect(url_for("masterclasses.session_page", slug=slug, session_id=session_id))


@bp.route("/<slug>/sessions/<int:session_id>/import", methods=["GET", "POST"])
@requires(RUN_LEARNING)
@limiter.limit(configured("RATELIMIT_IMPORTS"), key_func=user_key, methods=["POST"])
def import_page(slug: str, session_id: int):
    item = item_or_404(slug)
    learning_session = still_on(item, session_or_404(item, session_id))
    form = ImportForm()
    result = None
    content = form.content() if form.validate_on_submit() else None
    if content is not None:
        framework = current.framework()
        result = import_attendance(
            db.session(), framework, learning_session, current_user, content, department_scope(current_user)
        )
        if result.ok:
            return render_template(
                "masterclasses/imported.html", item=item, learning_session=learning_session, result=result
            )
        form.file.errors.append(nothing_imported(len(result.errors)))
    return render_template(
        "masterclasses/import.html", item=item, learning_session=learning_session, form=form, result=result
    )


@bp.route("/<slug>/invite", methods=["GET", "POST"])
@requires(RUN_LEARNING)
def invite(slug: str):
    item = item_or_404(slug)
    form = PeopleForm()
    unknown: list[str] = []
    if form.whole_audience.data and not item.audience:
        form.whole_audience.errors = ["This learning is for everyone: name the people to invite"]
    elif form.validate_on_submit():
        people, unknown = session_people.named_people(db.session(), current_user, form.names())
        if form.whole_audience.data:
            people += session_people.audience_without_a_place(db.session(), item, current_user)
        outside = learning.outside_audience(item, people)
        if unknown:
            form.people.errors.append(f"No one was found for: {_first_few(unknown)}")
        elif outside:  # they could not book, so the invitation would be a dead end
            form.people.errors.append(
                f"This learning is for {audience_name(item.audience)} only, so these people could not book it: "
                f"{_first_few([p.display_name for p in outside])}. Remove them, or change who the learning is for"
            )
        else:
            added = learning.invite(db.session(), item, people, current_user)
            return render_template("masterclasses/invited.html", item=item, added=added, named=len(people))
    return render_template("masterclasses/invite.html", item=item, form=form)


def _first_few(names: list[str]) -> str:
    return ", ".join(names[:10]) + (" and others" if len(names) > 10 else "")
