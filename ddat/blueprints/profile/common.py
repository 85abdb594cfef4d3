from flask import redirect, url_for
from flask_login import current_user

from ... import db
from ...models import Person
from ...services.profiles import person_for


def my_person() -> Person | None:
    return person_for(db.session(), current_user)


def start_with_about_you():
    return redirect(url_for("profile.about_you"))
