"""The public catalogue and item pages; HR and admins add and edit items."""

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from ... import current, db
from ...forms.learning import ItemForm
from ...models import LearningItem
from ...permissions import RUN_LEARNING, public, requires
from ...services import learning
from ...vocabulary import FORMAT_NAMES, level_name
from ..profile.common import my_person
from . import bp
from .common import item_or_404, may_change, owned_item_or_403


@bp.get("")
@public
def index():
    return render_template(
        "masterclasses/index.html", items=learning.catalogue(db.session()), format_names=FORMAT_NAMES
    )


@bp.get("/<slug>")
@public
def item(slug: str):
    item = item_or_404(slug)
    framework = current.framework()
    upcoming = learning.sessions_of(db.session(), item, upcoming=True)
    taken = learning.places_taken_by_session(db.session(), [s.id for s in upcoming])
    person = my_person() if current_user.is_authenticated else None
    mine = learning.live_registration(db.session(), item.id, person.id) if person else None
    is_hr = current_user.is_authenticated and current_user.can(RUN_LEARNING)
    return render_template(
        "masterclasses/item.html",
        item=item,
        skills=[(framework.skills[s], level_name(lv)) for s, lv in item.skills if s in framework.skills],
        upcoming=upcoming,
        places_left={s.id: learning.places_left(s, taken.get(s.id, 0)) for s in upcoming},
        places_shown={s.id: learning.places_shown(s, taken.get(s.id, 0), exact=is_hr) for s in upcoming},
        past=learning.sessions_of(db.session(), item, upcoming=False) if current_user.is_authenticated else [],
        cancelled=learning.cancelled_sessions_of(db.session(), item) if is_hr else [],
        person=person,
        in_audience=learning.in_audience(item, person),
        mine=mine,
        format_names=FORMAT_NAMES,
        is_hr=is_hr,
        may_change=may_change(item),
    )


def _item_form(item: LearningItem | None) -> ItemForm:
    framework = current.framework()
    return ItemForm.for_item(item, grades=framework.grade_codes, skills=framework.skills.values())


@bp.route("/new", methods=["GET", "POST"])
@requires(RUN_LEARNING)
def new_item():
    form = _item_form(None)
    if form.validate_on_submit():
        item = learning.save_item(db.session(), None, form.answers(), current_user)
        flash("Learning added to the catalogue.", "success")
        return redirect(url_for("masterclasses.item", slug=item.slug))
    return render_template("masterclasses/item_form.html", form=form, item=None)


@bp.route("/<slug>/edit", methods=["GET", "POST"])
@requires(RUN_LEARNING)
def edit_item(slug: str):
    item = owned_item_or_403(slug)
    form = _item_form(item)
    if form.validate_on_submit():
        learning.save_item(db.session(), item, form.answers(), current_user)
        flash("Changes saved.", "success")
        return redirect(url_for("masterclasses.item", slug=item.slug))
    return render_template("masterclasses/item_form.html", form=form, item=item)
