"""The public framework explorer: families, roles, levels, skills, search and compare."""

from flask import Blueprint, abort, current_app, render_template, request

from .. import current
from ..forms.search import CompareForm, SearchForm
from ..paging import page_number
from ..permissions import public
from ..viewmodels import explorer

bp = Blueprint("framework", __name__, url_prefix="/framework")


@bp.get("")
@public
def index():
    framework = current.framework()
    return render_template(
        "framework/index.html",
        families=explorer.families(framework),
        counts={"roles": len(framework.roles), "levels": len(framework.role_levels), "skills": len(framework.skills)},
        form=SearchForm(),
        version=framework.version,
    )


@bp.get("/roles/<role_slug>")
@public
def role(role_slug: str):
    framework = current.framework()
    role = framework.roles.get(role_slug) or abort(404)
    levels = [
        {
            "level": lv,
            "grade": explorer.grade_label(framework, lv),
            "groups": explorer.skills_by_proficiency(framework, lv),
        }
        for lv in role.levels
    ]
    scs_skills = sorted((framework.skills[s] for s in role.scs_skills), key=lambda s: s.name)
    return render_template(
        "framework/role.html",
        role=role,
        family=explorer.family_name(framework, role.family),
        levels=levels,
        scs_skills=scs_skills,
        meanings=explorer.level_meanings(framework),
        version=framework.version,
    )


@bp.get("/roles/<role_slug>/<level_slug>")
@public
def role_level(role_slug: str, level_slug: str):
    framework = current.framework()
    level = framework.role_levels.get(level_slug)
    if level is None or level.role != role_slug:
        abort(404)
    page = explorer.level_page(framework, level)
    family = explorer.family_name(framework, page["role"].family)
    return render_template("framework/level.html", family=family, version=framework.version, **page)


@bp.get("/skills")
@public
def skills():
    framework = current.framework()
    return render_template(
        "framework/skills.html",
        letters=explorer.skills_a_to_z(framework),
        total=len(framework.skills),
        version=framework.version,
    )


@bp.get("/skills/<skill_slug>")
@public
def skill(skill_slug: str):
    framework = current.framework()
    if skill_slug not in framework.skills:
        abort(404)
    return render_template(
        "framework/skill.html", version=framework.version, **explorer.skill_page(framework, skill_slug)
    )


@bp.get("/search")
@public
def search():
    framework = current.framework()
    form = SearchForm(request.args)
    results = None
    if form.q.data and form.validate():
        page = page_number(request.args.get("page"))
        results = explorer.search_results(framework, form.q.data, page, current_app.config["SEARCH_RESULTS_LIMIT"])
    return render_template("framework/search.html", form=form, results=results, query=form.q.data)


@bp.get("/compare")
@public
def compare():
    framework = current.framework()
    form = CompareForm(request.args, explorer.level_choices(framework))
    submitted = "from" in request.args or "to" in request.args
    if submitted and form.validate():
        page = explorer.comparison(framework, form.from_.data, form.to.data)
        return render_template("framework/compare.html", form=form, **page)
    return render_template("framework/compare.html", form=form)
