"""HR running sessions: adding them, registering and inviting people, recording attendance
and completion by hand or from a CSV file."""

from flask import current_app, flash, get_flashed_messages, redirect, render_template, request, url_for
from flask_login import current_user
from sqlmodel import select

from ... import db
from ...downloads import attachment
from ...forms.common import ImportForm
from ...forms.learning import PeopleForm, ResolveForm, SessionForm
from ...limits import configured, limiter, user_key
from ...models import Department, LearningSession, Person, Registration
from ...permissions import role_required
from ...services import audit, learning, learning_records
from ...services.attendance_import import import_attendance
from ...services.csv_files import csv_text
from ...services.csv_import import find_people, nothing_imported
from ...services.framework import current_framework
from ...services.schemes import department_scope, people_in_scope
from ...vocabulary import REGISTRATION_STATUS_NAMES
from . import bp
from .common import HR, item_or_404, may_change, owned_item_or_403, session_or_404

MAX_PROBLEMS_LISTED = 20


@bp.route("/<slug>/sessions/new", methods=["GET", "POST"])
@role_required(*HR)
def new_session(slug: str):
    item = owned_item_or_403(slug)
    form = SessionForm.for_session(None)
    if form.validate_on_submit():
        session = LearningSession(item_id=item.id, **form.answers())
        learning.save_session(db.session(), session, {}, current_user)
        return redirect(url_for("masterclasses.session_page", slug=slug, session_id=session.id, saved="created"))
    return render_template("masterclasses/session_form.html", form=form, item=item, session=None)


@bp.route("/<slug>/sessions/<int:session_id>/edit", methods=["GET", "POST"])
@role_required(*HR)
def edit_session(slug: str, session_id: int):
    item = owned_item_or_403(slug)
    session = session_or_404(item, session_id)
    form = SessionForm.for_session(session)
    if form.validate_on_submit():
        learning.save_session(db.session(), session, form.answers(), current_user)
        return redirect(url_for("masterclasses.session_page", slug=slug, session_id=session.id, saved="updated"))
    return render_template("masterclasses/session_form.html", form=form, item=item, session=session)


def _registrations(session: LearningSession) -> list[tuple[Registration, Person, str]]:
    """The session's registrations the user may see: departmental HR see their own people."""
    return list(
        db.session().exec(
            select(Registration, Person, Department.name)
            .join(Person, Person.id == Registration.person_id)
            .join(Department, Department.id == Person.department_id)
            .where(Registration.session_id == session.id, people_in_scope(current_user))
            .order_by(Registration.status, Person.display_name)
        )
    )


def _record_view(action: str, session: LearningSession) -> None:
    audit.record(db.session(), action, current_user.id, current_user.role, "learning_session", str(session.id))
    db.session().commit()


@bp.get("/<slug>/sessions/<int:session_id>")
@role_required(*HR)
def session_page(slug: str, session_id: int):
    item = item_or_404(slug)
    session = session_or_404(item, session_id)
    registrations = _registrations(session)
    if request.args.get("format") == "csv":
        _record_view("learning.session_exported", session)
        rows = [
            [p.display_name, p.staff_number or "", dept, p.grade, REGISTRATION_STATUS_NAMES[r.status]]
            for r, p, dept in registrations
        ]
        body = csv_text(["Name", "Staff number", "Department", "Grade", "Status"], rows)
        return attachment(body, f"{item.slug}-{learning.to_uk(session.starts_at):%Y-%m-%d}.csv")
    _record_view("learning.session_viewed", session)
    return _render_session(
        item,
        session,
        PeopleForm(),
        request.args.get("saved"),
        get_flashed_messages(category_filter=["problem"]),
        get_flashed_messages(category_filter=["given_up"]),
    )


def _render_session(item, session, people_form: PeopleForm, saved=None, problems=(), given_up=()):
    return render_template(
        "masterclasses/session.html",
        item=item,
        session=session,
        registrations=_registrations(session),
        taken=learning.places_taken(db.session(), session.id),
        started=session.starts_at <= learning.uk_now(),
        status_names=REGISTRATION_STATUS_NAMES,
        outcomes=learning.OUTCOMES,
        people_form=people_form,
        may_change=may_change(item),
        disputes=learning_records.open_disputes(db.session(), session, current_user),
        resolve_form=ResolveForm(),
        form=people_form,
        saved=saved,
        problems=problems,
        given_up=given_up,
    )


@bp.post("/<slug>/sessions/<int:session_id>/attendance")
@role_required(*HR)
def record_attendance(slug: str, session_id: int):
    item = item_or_404(slug)
    session = session_or_404(item, session_id)
    fw = current_framework(db.session())
    started = session.starts_at <= learning.uk_now()
    allowed, signed_up_late = learning.who_may_be_recorded(db.session(), session)
    cancelled = 0
    for registration, person, _ in _registrations(session):
        status = request.form.get(f"status-{registration.id}")
        if status not in learning.OUTCOMES or status == registration.status:
            continue  # not on the form, or tampered, or unchanged: left as it is
        if status in ("attended", "no_show", "completed"):
            if not started:
                continue
            refusal = learning.why_not_recorded(person.id, allowed, signed_up_late)
            if refusal:
                flash(f"{person.display_name}: {refusal}", "problem")
                continue
        given_up: list[Registration] = []
        try:
            learning.set_outcome(db.session(), fw, registration, status, current_user, given_up=given_up)
        except learning.RegistrationRefused as refused:
            flash(f"{person.display_name}: {refused}", "problem")
            continue
        cancelled += status == "cancelled"
        for other in given_up:
            day = learning.to_uk(db.session().get(LearningSession, other.session_id).starts_at)
            flash(f"{person.display_name}: the session on {day:%-d %B %Y}", "given_up")
    audit.record(
        db.session(),
        "learning.attendance_recorded",
        current_user.id,
        current_user.role,
        "learning_session",
        str(session.id),
    )
    db.session().commit()
    if started:
        saved = "attendance"
    else:
        saved = {0: None, 1: "cancelled"}.get(cancelled, "cancelled_many")
    return redirect(url_for("masterclasses.session_page", slug=slug, session_id=session_id, saved=saved))


@bp.post("/<slug>/sessions/<int:session_id>/disputes/<int:registration_id>")
@role_required(*HR)
def resolve_dispute(slug: str, session_id: int, registration_id: int):
    item = item_or_404(slug)
    session = session_or_404(item, session_id)
    disputed = {r.id: (r, p) for r, p in learning_records.open_disputes(db.session(), session, current_user)}
    url = url_for("masterclasses.session_page", slug=slug, session_id=session_id)
    if registration_id not in disputed:
        flash("That dispute has already been settled, or is not one you can see", "problem")
        return redirect(url)
    registration, person = disputed[registration_id]
    form = ResolveForm()
    if not form.validate_on_submit():
        flash(f"{person.display_name}: select how to settle the dispute", "problem")
        return redirect(url)
    fw = current_framework(db.session())
    learning_records.resolve(db.session(), fw, registration, form.resolution.data, current_user)
    return redirect(url_for("masterclasses.session_page", slug=slug, session_id=session_id, saved="resolved"))


def _named_people(form: PeopleForm) -> tuple[list[Person], list[str]]:
    """People named one per line, within the user's scope, and the lines that named no one."""
    records = [{"email": n} if "@" in n else {"staff_number": n} for n in form.names()]
    found = find_people(db.session(), records, department_scope(current_user))
    people, unknown = [], []
    for name, record in zip(form.names(), records, strict=True):
        key = f"email:{name.lower()}" if "email" in record else f"staff:{name}"
        (people.append(found[key]) if key in found else unknown.append(name))
    return people, unknown


@bp.post("/<slug>/sessions/<int:session_id>/register")
@role_required(*HR)
def register_people(slug: str, session_id: int):
    item = item_or_404(slug)
    session = session_or_404(item, session_id)
    form = PeopleForm()
    if not form.validate_on_submit():
        return _render_session(item, session, form)
    url = url_for("masterclasses.session_page", slug=slug, session_id=session_id)
    if session.starts_at <= learning.uk_now():
        flash("This session has already taken place: no one can be registered for it", "problem")
        return redirect(url)
    people, unknown = _named_people(form)
    problems = [f"{name}: no one with this staff number or email address was found" for name in unknown]
    saved = 0
    for person in people:
        try:
            learning.register(db.session(), session, person, source="hr", actor=current_user)
            saved += 1
        except learning.RegistrationRefused as refused:
            problems.append(f"{person.display_name}: {refused}")
    for problem in problems[:MAX_PROBLEMS_LISTED]:
        flash(problem, "problem")
    if len(problems) > MAX_PROBLEMS_LISTED:
        flash(f"… and {len(problems) - MAX_PROBLEMS_LISTED:,} more", "problem")
    if not saved:
        return redirect(url)
    return redirect(url_for("masterclasses.session_page", slug=slug, session_id=session_id, saved="registered"))


@bp.route("/<slug>/sessions/<int:session_id>/import", methods=["GET", "POST"])
@role_required(*HR)
@limiter.limit(configured("RATELIMIT_IMPORTS"), key_func=user_key, methods=["POST"])
def import_page(slug: str, session_id: int):
    item = item_or_404(slug)
    session = session_or_404(item, session_id)
    form = ImportForm()
    result = None
    content = form.content(current_app.config["MAX_IMPORT_BYTES"]) if form.validate_on_submit() else None
    if content is not None:
        fw = current_framework(db.session())
        result = import_attendance(db.session(), fw, session, current_user, content)
        if result.ok:
            return render_template("masterclasses/imported.html", item=item, session=session, result=result)
        db.session().rollback()
        form.file.errors.append(nothing_imported(len(result.errors)))
    return render_template("masterclasses/import.html", item=item, session=session, form=form, result=result)


@bp.route("/<slug>/invite", methods=["GET", "POST"])
@role_required(*HR)
def invite(slug: str):
    item = item_or_404(slug)
    form = PeopleForm()
    unknown: list[str] = []
    if form.whole_audience.data and not item.audience:
        form.whole_audience.errors = ["This learning is for everyone: name the people to invite"]
    elif form.validate_on_submit():
        people, unknown = _named_people(form)
        if form.whole_audience.data:
            people += _audience_not_completed(item)
        if not unknown:
            added = learning.invite(db.session(), item, people, current_user)
            return render_template("masterclasses/invited.html", item=item, added=added, named=len(people))
        form.people.errors.append(
            "No one was found for: " + ", ".join(unknown[:10]) + (" and others" if len(unknown) > 10 else "")
        )
    return render_template("masterclasses/invite.html", item=item, form=form)


def _audience_not_completed(item) -> list[Person]:
    completed = select(Registration.person_id).where(
        Registration.item_id == item.id, Registration.status == "completed"
    )
    query = select(Person).where(people_in_scope(current_user), Person.id.not_in(completed))
    if item.audience:
        query = query.where(Person.grade.in_(item.audience))
    return list(db.session().exec(query))
