"""A person's own learning: registering, cancelling, feedback, everything they have done,
and disputing a completion recorded for them."""

from flask import Response, abort, current_app, flash, get_flashed_messages, redirect, render_template, url_for
from flask_login import current_user

from ... import current, db
from ...calendar_files import place_calendar
from ...forms.common import ConfirmForm
from ...forms.learning import DisputeForm, FeedbackForm
from ...notifications.outbox import link
from ...permissions import SEE_EXACT_COUNTS, signed_in
from ...services import learning, learning_outcomes, learning_records
from ...viewmodels import my_learning as own_learning  # this module has views called my_learning and my_registration
from ...vocabulary import FORMAT_NAMES, REGISTRATION_STATUS_NAMES
from ..profile.common import my_person
from . import bp
from .common import item_or_404, session_or_404


@bp.route("/<slug>/sessions/<int:session_id>/book", methods=["GET", "POST"])
@signed_in
def book(slug: str, session_id: int):
    item = item_or_404(slug)
    learning_session = session_or_404(item, session_id)
    person = my_person()
    if person is None:
        return render_template("masterclasses/no_profile.html", item=item)
    problem = learning.why_not_register(db.session(), item, learning_session, person)
    form = ConfirmForm()
    if problem is None and form.validate_on_submit():
        try:
            registration = learning.register(db.session(), learning_session, person)
        except learning.RegistrationRefused as refused:
            problem = str(refused)
        else:
            flash(str(registration.id), "booked")  # the confirmation panel, shown once
            return redirect(url_for("masterclasses.my_registration", registration_id=registration.id))
    taken = learning.places_taken(db.session(), learning_session.id)
    exact = current_user.can(SEE_EXACT_COUNTS)  # HR see how many; everyone else how full it is
    return render_template(
        "masterclasses/book.html",
        item=item,
        learning_session=learning_session,
        form=form,
        problem=problem,
        places_left=learning.places_left(learning_session, taken),
        places_shown=learning.places_shown(learning_session, taken, exact),
        places_exact=exact,
        past=learning.has_started(learning_session),
        format_names=FORMAT_NAMES,
    )


def _mine(registration_id: int) -> own_learning.MyRegistration:
    person = my_person()
    mine = own_learning.my_registration(db.session(), person, registration_id) if person else None
    if mine is None:
        abort(404)
    return mine


@bp.get("/registrations/<int:registration_id>")
@signed_in
def my_registration(registration_id: int):
    mine = _mine(registration_id)
    framework = current.framework()
    return render_template(
        "masterclasses/registration.html",
        mine=mine,
        record=learning_records.completion_of(db.session(), framework, my_person(), registration_id),
        new=str(registration_id) in get_flashed_messages(category_filter=["booked"]),
        status_names=REGISTRATION_STATUS_NAMES,
    )


@bp.get("/registrations/<int:registration_id>/calendar.ics")
@signed_in
def calendar_file(registration_id: int):
    """The place as a calendar event; downloaded again after a move, it updates the event, and
    after a cancellation it takes it out. Someone only waiting for a place has no event yet."""
    mine = _mine(registration_id)
    if mine.registration.status == "waiting":
        abort(404)
    # The service's own address, as in emails: the Host header is the browser's to choose.
    booking = link(url_for("masterclasses.my_registration", registration_id=registration_id))
    organiser = current_app.config["CALENDAR_ORGANISER_EMAIL"]
    body = place_calendar(db.session(), mine.registration, mine.session, mine.item, booking, organiser)
    return Response(body, mimetype="text/calendar", headers={
        "Content-Disposition": f'attachment; filename="{mine.item.slug}.ics"'
    })  # fmt: skip


@bp.route("/registrations/<int:registration_id>/cancel", methods=["GET", "POST"])
@signed_in
def cancel(registration_id: int):
    mine = _mine(registration_id)
    if not mine.can_cancel:
        return redirect(url_for("masterclasses.my_registration", registration_id=registration_id))
    form = ConfirmForm()
    if form.validate_on_submit():
        was_waiting = mine.registration.status == "waiting"
        learning.cancel(db.session(), mine.registration)
        flash("You have left the waiting list." if was_waiting else "Your place has been cancelled.", "success")
        return redirect(url_for("masterclasses.my_registration", registration_id=registration_id))
    return render_template("masterclasses/cancel.html", mine=mine, form=form)


@bp.route("/registrations/<int:registration_id>/feedback", methods=["GET", "POST"])
@signed_in
def feedback(registration_id: int):
    mine = _mine(registration_id)
    if not mine.can_give_feedback:
        abort(404)
    registration = mine.registration
    form = FeedbackForm.for_registration(registration)
    if form.validate_on_submit():
        learning_outcomes.save_feedback(db.session(), registration, **form.answers())
        flash("Thank you for your feedback.", "success")
        return redirect(url_for("masterclasses.my_registration", registration_id=registration_id))
    return render_template("masterclasses/feedback.html", mine=mine, form=form)


@bp.route("/registrations/<int:registration_id>/dispute", methods=["GET", "POST"])
@signed_in
def dispute(registration_id: int):
    _mine(registration_id)  # someone else's is not found
    framework = current.framework()
    record = learning_records.completion_of(db.session(), framework, my_person(), registration_id)
    if record is None or not record.can_dispute:
        return redirect(url_for("masterclasses.my_registration", registration_id=registration_id))
    form = DisputeForm()
    if form.validate_on_submit():
        learning_records.dispute(db.session(), framework, record, form.reason.data, current_user)
        flash("You have disputed this record. HR will look into it.", "success")
        return redirect(url_for("masterclasses.my_registration", registration_id=registration_id))
    return render_template("masterclasses/dispute.html", record=record, form=form)


@bp.get("/mine")
@signed_in
def my_learning():
    person = my_person()
    framework = current.framework()
    return render_template(
        "masterclasses/mine.html",
        person=person,
        completions=learning_records.completions_of(db.session(), framework, person) if person else [],
        registrations=own_learning.my_registrations(db.session(), person) if person else [],
        invitations=own_learning.my_invitations(db.session(), person) if person else [],
        status_names=REGISTRATION_STATUS_NAMES,
    )
