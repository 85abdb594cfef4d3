"""The public catalogue and item pages; HR and admins add and edit items."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from ... import db
from ...account_forms import select_choices
from ...learning_forms import FORMAT_NAMES, SKILLS_PER_ITEM, ItemForm
from ...models import LearningItem
from ...permissions import RUN_LEARNING, public, requires
from ...services import learning
from ...services.framework import current_framework
from ...services.results import level_name
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
    fw = current_framework(db.session())
    upcoming = learning.sessions_of(db.session(), item, upcoming=True)
    taken = learning.places_taken_by_session(db.session(), [s.id for s in upcoming])
    person = my_person() if current_user.is_authenticated else None
    mine = learning.live_registration(db.session(), item.id, person.id) if person else None
    is_hr = current_user.is_authenticated and current_user.can(RUN_LEARNING)
    return render_template(
        "masterclasses/item.html",
        item=item,
        skills=[(fw.skills[s], level_name(lv)) for s, lv in item.skills if s in fw.skills],
        upcoming=upcoming,
        places_left={s.id: learning.places_left(s, taken.get(s.id, 0)) for s in upcoming},
        places_shown={s.id: learning.places_shown(s, taken.get(s.id, 0), exact=is_hr) for s in upcoming},
        past=learning.sessions_of(db.session(), item, upcoming=False) if current_user.is_authenticated else [],
        person=person,
        in_audience=learning.in_audience(item, person),
        mine=mine,
        format_names=FORMAT_NAMES,
        is_hr=is_hr,
        may_change=may_change(item),
    )


def _item_form(item: LearningItem | None) -> ItemForm:
    fw = current_framework(db.session())
    data = {}
    if item is not None and request.method == "GET":
        data = {
            "name": item.name,
            "provider": item.provider,
            "description": item.description,
            "audience": item.audience,
            "format": item.format,
            "duration_hours": item.duration_hours,
        }
        for n, (skill, level) in enumerate(item.skills[:SKILLS_PER_ITEM], start=1):
            data[f"skill_{n}"], data[f"level_{n}"] = skill, str(level)
    form = ItemForm(data=data)
    form.audience.choices = select_choices((g, g) for g in fw.grade_codes)
    skills = sorted(((s.slug, s.name) for s in fw.skills.values()), key=lambda pair: pair[1])
    for n in range(1, SKILLS_PER_ITEM + 1):
        getattr(form, f"skill_{n}").choices = select_choices([("", "No skill"), *skills])
    return form


def _answers(form: ItemForm) -> dict:
    return {
        "name": form.name.data.strip(),
        "provider": form.provider.data.strip(),
        "description": (form.description.data or "").strip(),
        "audience": form.audience.data or [],
        "format": form.format.data,
        "duration_hours": form.duration_hours.data,
        "skills": form.skills(),
    }


@bp.route("/new", methods=["GET", "POST"])
@requires(RUN_LEARNING)
def new_item():
    form = _item_form(None)
    if form.validate_on_submit():
        item = learning.save_item(db.session(), None, _answers(form), current_user)
        flash("Learning added to the catalogue.", "success")
        return redirect(url_for("masterclasses.item", slug=item.slug))
    return render_template("masterclasses/item_form.html", form=form, item=None)


@bp.route("/<slug>/edit", methods=["GET", "POST"])
@requires(RUN_LEARNING)
def edit_item(slug: str):
    item = owned_item_or_403(slug)
    form = _item_form(item)
    if form.validate_on_submit():
        learning.save_item(db.session(), item, _answers(form), current_user)
        flash("Changes saved.", "success")
        return redirect(url_for("masterclasses.item", slug=item.slug))
    return render_template("masterclasses/item_form.html", form=form, item=item)
