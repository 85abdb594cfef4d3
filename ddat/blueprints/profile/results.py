"""What a person's skills open up: matches, one match explained, and pathway plans."""

from flask import abort, flash, redirect, render_template, request, url_for

from ... import current, db
from ...downloads import attachment
from ...forms.common import ConfirmForm
from ...limits import configured, limiter, user_key
from ...paging import page_number
from ...permissions import signed_in
from ...services import profiles
from ...services.observed_moves import moves_into_roles
from ...services.profiles import engine_profile
from ...services.schemes import eligible_open_schemes
from ...viewmodels import gap_learning, recommendations
from ...viewmodels import results as svc
from ...viewmodels.my_learning import completed_learning
from . import bp
from .common import my_person


def _profile_or_none():
    person = my_person()
    return person, (engine_profile(db.session(), person) if person else None)


@bp.get("/matches")
@signed_in
def matches():
    framework = current.framework()
    person, profile = _profile_or_none()
    if profile is None:
        return render_template("profile/matches_empty.html", person=person)
    family = request.args.get("family") or None
    readiness = request.args.get("readiness") or None
    family = family if family in {f.slug for f in framework.families} else None
    readiness = readiness if readiness in svc.READINESS else None
    include_step_down = request.args.get("lower") == "yes"
    observed = moves_into_roles(db.session(), framework, person.profession, person.grade)
    page = recommendations.recommendations_page(
        framework, profile, family, readiness, include_step_down, observed, page_number(request.args.get("page"))
    )
    schemes = eligible_open_schemes(db.session(), framework, person, profile) if page["page"] == 1 else []
    return render_template(
        "profile/matches.html",
        **page,
        family=family,
        readiness=readiness,
        include_step_down=include_step_down,
        readiness_options=svc.READINESS,
        schemes=schemes,
    )


@bp.get("/matches/<level_slug>")
@signed_in
def match_detail(level_slug: str):
    framework = current.framework()
    if level_slug not in framework.role_levels:
        abort(404)
    person, profile = _profile_or_none()
    if profile is None:
        return redirect(url_for("profile.matches"))
    no_chance = frozenset(profiles.no_chance_of(db.session(), person.current_assessment_id))
    return render_template("profile/match_detail.html", **svc.match_detail(framework, profile, level_slug, no_chance))


@bp.get("/pathway")
@signed_in
@limiter.limit(configured("RATELIMIT_PATHWAYS"), key_func=user_key)
def pathway():
    framework = current.framework()
    person, profile = _profile_or_none()
    if profile is None:
        return redirect(url_for("profile.matches"))
    # ?to= names a role level (or "role:<slug>" for a Senior Civil Service role); ?role= a
    # whole role, for which the service picks the level that suits this person.
    role, target = request.args.get("role", ""), request.args.get("to", "")
    if role:
        target = svc.target_for_role(framework, profile, role)
    elif not target:
        return render_template(
            "profile/pathway_choose.html", choices=svc.target_choices(framework), current=person.target_level
        )
    if target not in svc.pathway_targets(framework):
        abort(404)
    page = gap_learning.with_learning(
        svc.pathway_page(framework, profile, target), gap_learning.catalogue_by_skill(db.session()), person.grade
    )
    if request.args.get("format") == "csv":
        return attachment(svc.pathway_csv(page), f"pathway-to-{target.replace(':', '-')}.csv")
    return render_template(
        "profile/pathway.html",
        **page,
        target=target,
        chosen_for_you=bool(role) and not target.startswith("role:"),
        role_asked=role,
        choices=svc.target_choices(framework),
        levels=svc.level_choices(framework, target),
        is_target=person.target_level == target,
        form=ConfirmForm(),
        learning_done=[
            (item, completed_at, [framework.skills[s].name for s, _ in item.skills if s in framework.skills])
            for item, completed_at in completed_learning(db.session(), person)
        ],
    )


@bp.post("/pathway/target")
@signed_in
def save_target():
    framework = current.framework()
    target = request.args.get("to", "")
    person = my_person()
    form = ConfirmForm()
    if target not in svc.pathway_targets(framework) or person is None:
        abort(404)
    if form.validate_on_submit():
        profiles.set_target(db.session(), person, target)
        flash(f"{svc.target_name(framework, target)} is now your target role.", "success")
    return redirect(url_for("profile.pathway", to=target))
