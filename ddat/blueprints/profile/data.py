"""My data: download it, decide whether HR may see it, delete it."""

import json

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from ... import current, db
from ...auth import end_session
from ...downloads import attachment
from ...forms.common import ConfirmForm
from ...forms.profile import ConsentForm, MessagesForm
from ...permissions import public, signed_in
from ...services import my_data
from ...services.accounts import set_optional_messages
from ...services.my_data import delete_everything
from ...services.profiles import set_sharing
from . import bp
from .common import my_person


@bp.route("/data", methods=["GET", "POST"])
@signed_in
def my_data_page():
    person = my_person()
    form = ConsentForm.for_person(person)
    if person and form.validate_on_submit():
        set_sharing(db.session(), current_user, person, form.shares())
        flash("Your choice has been saved.", "success")
        return redirect(url_for("profile.my_data_page"))
    return render_template("profile/data.html", person=person, form=form, messages=MessagesForm.for_user(current_user))


@bp.post("/data/messages")
@signed_in
def message_choices():
    """Which messages the person gets: only the ones that are not essential can be turned off."""
    form = MessagesForm.sent(current_user)
    if form.validate_on_submit():
        set_optional_messages(db.session(), current_user._get_current_object(), form.optional_messages.data == "yes")
        flash("Your choice about emails has been saved.", "success")
        return redirect(url_for("profile.my_data_page"))
    person = my_person()
    return render_template("profile/data.html", person=person, form=ConsentForm.for_person(person), messages=form)


@bp.get("/data/download.json")
@signed_in
def download_json():
    body = json.dumps(my_data.export(db.session(), current_user, current.framework()), indent=2)
    return attachment(body, "my-data.json", "application/json")


@bp.get("/data/download.csv")
@signed_in
def download_csv():
    body = my_data.export_csv(my_data.export(db.session(), current_user, current.framework()))
    return attachment(body, "my-skills.csv")


@bp.route("/data/delete", methods=["GET", "POST"])
@signed_in
def delete_account():
    form = ConfirmForm()
    if form.validate_on_submit():
        delete_everything(db.session(), current_user._get_current_object())
        end_session()
        return redirect(url_for("profile.account_deleted"))
    return render_template("profile/delete.html", form=form)


@bp.get("/deleted")
@public
def account_deleted():
    return render_template("profile/deleted.html")
