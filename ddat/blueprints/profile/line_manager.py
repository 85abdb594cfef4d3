"""The person's side of line management: naming their manager, what the manager may see, and
asking them to confirm their skills."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from ... import current, db
from ...forms.common import ConfirmForm
from ...forms.line_managers import ManagerSharingForm, NameManagerForm, ReplyForm
from ...permissions import signed_in
from ...services import confirmations, line_managers
from ...services.profiles import set_manager_sharing
from ...viewmodels import confirmation_views
from . import bp
from .common import my_person, start_with_about_you


def _page(person, form=None, sharing=None, status=200):
    session = db.session()
    return (
        render_template(
            "profile/line_manager.html",
            person=person,
            link=line_managers.current_link(session, person),
            from_hr=line_managers.from_hr_record(line_managers.current_link(session, person)),
            waiting=line_managers.waiting_link(session, person),
            manager=line_managers.manager_of(session, person),
            form=form or NameManagerForm(),
            sharing=sharing or ManagerSharingForm.for_person(person),
        ),
        status,
    )


@bp.route("/line-manager", methods=["GET", "POST"])
@signed_in
def line_manager():
    person = my_person()
    if person is None:
        return start_with_about_you()
    form = NameManagerForm()
    if form.validate_on_submit():
        try:
            line_managers.name_manager(db.session(), current_user, person, form.email.data)
        except line_managers.LinkRefused as refused:
            form.email.errors = [str(refused)]
            return _page(person, form=form)
        flash(f"We have asked {form.email.data} to accept being your line manager.", "success")
        return redirect(url_for("profile.line_manager"))
    return _page(person, form=form)


@bp.post("/line-manager/sharing")
@signed_in
def manager_sharing():
    person = my_person()
    if person is None:
        return start_with_about_you()
    sharing = ManagerSharingForm.sent()
    if sharing.validate_on_submit():
        # Sharing is with the manager the person has now: with none, there is nobody to share with.
        if sharing.shares.data == "yes" and line_managers.manager_of(db.session(), person) is None:
            return redirect(url_for("profile.line_manager"))
        set_manager_sharing(db.session(), current_user, person, sharing.shares.data == "yes")
        flash("Your choice about your line manager has been saved.", "success")
        return redirect(url_for("profile.line_manager"))
    return _page(person, sharing=sharing)


@bp.route("/line-manager/remove", methods=["GET", "POST"])
@signed_in
def remove_line_manager():
    """Removing the line manager, or (?request=waiting) withdrawing a request to a new one."""
    person = my_person()
    waiting = request.args.get("request") == "waiting"
    session = db.session()
    found = None
    if person is not None:
        found = line_managers.waiting_link(session, person) if waiting else line_managers.current_link(session, person)
    if found is None:
        return redirect(url_for("profile.line_manager"))
    manager = None if waiting else line_managers.manager_of(session, person)
    form = ConfirmForm()
    if form.validate_on_submit():
        name = found.manager_email if waiting or manager is None else manager.display_name
        try:
            removed = line_managers.remove(session, current_user, person, waiting=waiting)
        except line_managers.LinkRefused as refused:
            flash(str(refused), "problem")
            return redirect(url_for("profile.line_manager"))
        # False when another request (a second press of the button) ended it first: nothing to say.
        if removed:
            if waiting:
                flash(f"You have withdrawn your request to {name}.", "success")
            else:
                flash(f"{name} is no longer your line manager. They cannot see anything of yours.", "success")
        return redirect(url_for("profile.line_manager"))
    return render_template("profile/remove_line_manager.html", form=form, link=found, manager=manager)


@bp.get("/confirmation")
@signed_in
def confirmation():
    person = my_person()
    if person is None:
        return start_with_about_you()
    view = confirmation_views.my_confirmation(db.session(), person, current.framework())
    return render_template("profile/confirmation.html", view=view, form=ConfirmForm(), reply=ReplyForm())


@bp.post("/confirmation/ask")
@signed_in
def ask_for_confirmation():
    person = my_person()
    if person is None:
        return start_with_about_you()
    try:
        meant_for = request.form.get("link", "")
        confirmations.ask(db.session(), current_user, person, int(meant_for) if meant_for.isdigit() else -1)
    except confirmations.Refused as refused:
        flash(str(refused), "problem")
        return redirect(url_for("profile.confirmation"))
    flash("We have asked your line manager to confirm your skills.", "success")
    return redirect(url_for("profile.confirmation"))


@bp.post("/confirmation/withdraw")
@signed_in
def withdraw_confirmation():
    person = my_person()
    if person is not None and ConfirmForm().validate_on_submit():
        if confirmations.withdraw(db.session(), current_user, person):
            flash("You have withdrawn your request. Your line manager can no longer see it.", "success")
    return redirect(url_for("profile.confirmation"))


@bp.post("/confirmation/<int:request_id>/reply")
@signed_in
def reply_to_confirmation(request_id: int):
    person = my_person()
    if person is None:
        return start_with_about_you()
    reply = ReplyForm()
    if reply.validate_on_submit():
        text = (reply.reply.data or "").strip()
        if not confirmations.respond(db.session(), current_user, person, request_id, text):
            flash("You have already replied to these answers.", "problem")
            return redirect(url_for("profile.confirmation"))
        flash(
            "We have sent your reply to your line manager."
            if text
            else "You have accepted your line manager’s answers.",
            "success",
        )
        return redirect(url_for("profile.confirmation"))
    view = confirmation_views.my_confirmation(db.session(), person, current.framework())
    return render_template("profile/confirmation.html", view=view, form=ConfirmForm(), reply=reply)
