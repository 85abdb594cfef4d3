"""Importing members from a CSV file."""

from flask import render_template
from flask_login import current_user

from ... import current, db
from ...forms.common import ImportForm
from ...imports.csv_import import nothing_imported
from ...imports.scheme_import import import_members
from ...limits import configured, limiter, user_key
from ...permissions import RUN_SCHEMES, department_scope, requires
from . import bp
from .common import my_scheme


@bp.route("/<int:scheme_id>/import", methods=["GET", "POST"])
@requires(RUN_SCHEMES)
@limiter.limit(configured("RATELIMIT_IMPORTS"), key_func=user_key, methods=["POST"])
def import_page(scheme_id: int):
    scheme = my_scheme(scheme_id)
    form = ImportForm()
    result = None
    content = form.content() if form.validate_on_submit() else None
    if content is not None:
        result = import_members(
            db.session(), current.framework(), scheme, current_user, content, department_scope(current_user)
        )
        if result.ok:
            return render_template("schemes/imported.html", scheme=scheme, result=result)
        form.file.errors.append(nothing_imported(len(result.errors)))
    return render_template("schemes/import.html", scheme=scheme, form=form, result=result)
