from flask import redirect, url_for
from flask_login import current_user

from ... import db
from ...models import Person
from ...services.framework import current_framework
from ...services.profiles import person_for


def my_person() -> Person | None:
    return person_for(db.session(), current_user)


def framework():
    return current_framework(db.session())


def start_with_about_you():
    return redirect(url_for("profile.about_you"))
