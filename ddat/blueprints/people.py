"""HR keeping people's records: who people are (from a CSV file, as an HR system would send
them), and who line-manages whom, for their own department's people (everyone, for central HR)."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlmodel import select

from .. import current, db
from ..forms.common import PeopleImportForm
from ..forms.line_managers import SetManagerForm
from ..imports.csv_import import nothing_imported
from ..imports.people_import import import_people
from ..limits import configured, limiter, user_key
from ..models import Person
from ..permissions import KEEP_PEOPLE_RECORDS, department_scope, requires
from ..services import line_managers

bp = Blueprint("people", __name__, url_prefix="/people")


def _in_scope(staff_number: str) -> Person | None:
    person = db.session().exec(select(Person).where(Person.staff_number == staff_number.strip().upper())).first()
    scope = department_scope(current_user)
    return person if person is not None and (scope is None or person.department_id == scope) else None


@bp.route("/line-managers", methods=["GET", "POST"])
@requires(KEEP_PEOPLE_RECORDS)
def set_line_manager():
    form = SetManagerForm()
    if form.validate_on_submit():
        report, manager = _in_scope(form.report.data), _manager(form.manager.data)
        if report is None:
            where = "in DDaT Pathways" if department_scope(current_user) is None else "in your department"
            form.report.errors = [f"Enter the staff number of someone {where}"]
        if manager is None:
            form.manager.errors = ["Enter the staff number of someone in DDaT Pathways"]
        refused = line_managers.refusal_for_hr(db.session(), report, manager) if report and manager else None
        if refused:
            form.manager.errors = [refused]
        elif report is not None and manager is not None and form.checked.data != "yes":
            session = db.session()
            return render_template(
                "people/check_line_manager.html", form=form, report=report, manager=manager,
                current=line_managers.manager_of(session, report),
                unusual=line_managers.unusual(session, report, manager),
            )  # fmt: skip
        elif report is not None and manager is not None:
            try:
                line_managers.set_by_hr(db.session(), current_user, report, manager)
            except line_managers.LinkRefused as refused:
                form.manager.errors = [str(refused)]
            else:
                flash(f"{manager.display_name} is now {report.display_name}’s line manager.", "success")
                return redirect(url_for("people.set_line_manager"))
    return render_template("people/line_managers.html", form=form, central=department_scope(current_user) is None)


def _manager(staff_number: str) -> Person | None:
    # A line manager may work in another department (a loan, a shared service), so any profile.
    return db.session().exec(select(Person).where(Person.staff_number == staff_number.strip().upper())).first()


@bp.route("/import", methods=["GET", "POST"])
@requires(KEEP_PEOPLE_RECORDS)
@limiter.limit(configured("RATELIMIT_IMPORTS"), key_func=user_key, methods=["POST"])
def import_page():
    form = PeopleImportForm()
    result = None
    content = form.content() if form.validate_on_submit() else None
    if content is not None:
        scope = department_scope(current_user)
        result = import_people(db.session(), current.framework(), current_user, content, scope)
        if result.ok:
            return render_template("people/imported.html", result=result)
        form.file.errors.append(nothing_imported(len(result.errors)))
    return render_template(
        "people/import.html", form=form, result=result, central=department_scope(current_user) is None
    )
