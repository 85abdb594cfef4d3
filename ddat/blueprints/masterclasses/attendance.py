"""HR putting a session's record right once it has started: adding someone who came without
booking, and correcting a completion recorded by mistake."""

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from ... import current, db
from ...forms.learning import CorrectionForm, WalkInForm
from ...models import LearningSession
from ...permissions import RUN_LEARNING, requires
from ...services import learning, learning_corrections, session_people
from ...services.learning_records import credited
from ...vocabulary import REGISTRATION_STATUS_NAMES, level_name
from . import bp
from .common import item_or_404, session_or_404, still_on


def _session_url(slug: str, session_id: int) -> str:
    return url_for("masterclasses.session_page", slug=slug, session_id=session_id)


@bp.route("/<slug>/sessions/<int:session_id>/walk-in", methods=["GET", "POST"])
@requires(RUN_LEARNING)
def walk_in(slug: str, session_id: int):
    item = item_or_404(slug)
    learning_session = still_on(item, session_or_404(item, session_id))
    if not learning.has_started(learning_session):  # before it, people are registered on the session page
        return redirect(_session_url(slug, session_id))
    form = WalkInForm()
    if form.validate_on_submit():
        people, _ = session_people.named_people(db.session(), current_user, [form.person.data])
        if not people:  # people outside a departmental HR user's department are not found either
            form.person.errors.append("No one with this staff number or email address was found")
        else:
            person = people[0]
            try:
                given_up = session_people.record_walk_in(
                    db.session(), current.framework(), learning_session, person, current_user
                )
            except learning.RegistrationRefused as refused:
                form.person.errors.append(str(refused))
            else:
                for other in given_up:
                    day = learning.to_uk(db.session().get(LearningSession, other.session_id).starts_at)
                    flash(f"{person.display_name}: the session on {day:%-d %B %Y}", "given_up")
                flash(f"{person.display_name} added and recorded as attended.", "success")
                return redirect(_session_url(slug, session_id))
    return render_template("masterclasses/walk_in.html", form=form, item=item, learning_session=learning_session)


@bp.route("/<slug>/sessions/<int:session_id>/registrations/<int:registration_id>/correct", methods=["GET", "POST"])
@requires(RUN_LEARNING)
def correct_completion(slug: str, session_id: int, registration_id: int):
    item = item_or_404(slug)
    learning_session = still_on(item, session_or_404(item, session_id))
    found = {
        r.id: (r, p) for r, p, _ in session_people.registrations(db.session(), learning_session, current_user)
    }.get(registration_id)
    if found is None:  # another session's, or someone outside a departmental HR user's department
        abort(404)
    registration, person = found
    refusal = learning_corrections.why_not_corrected(registration)
    if refusal:  # corrected already, perhaps by someone else, or never a completion
        flash(f"{person.display_name}: {refusal}", "problem")
        return redirect(_session_url(slug, session_id))
    framework = current.framework()
    form = CorrectionForm()
    if form.validate_on_submit():
        try:
            learning_corrections.correct_completion(
                db.session(), framework, registration, form.status.data, current_user
            )
        except learning.RegistrationRefused as refused:
            flash(f"{person.display_name}: {refused}", "problem")
        else:
            corrected = REGISTRATION_STATUS_NAMES[form.status.data].lower()
            flash(f"Record corrected for {person.display_name}: {corrected}.", "success")
        return redirect(_session_url(slug, session_id))
    skills = [
        (framework.skills[skill].name, level_name(level))
        for skill, level in credited(registration, item)
        if skill in framework.skills
    ]
    return render_template(
        "masterclasses/correct.html",
        form=form,
        item=item,
        learning_session=learning_session,
        person=person,
        skills=skills,
    )
