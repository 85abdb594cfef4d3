"""The task list and the self-assessment questions."""

from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user

from ... import current, db
from ...forms.common import ConfirmForm
from ...forms.profile import AboutYouForm, ExperienceForm, InterestsForm, example_name, field_name, skills_form
from ...permissions import signed_in
from ...services import confirmations, line_managers
from ...services import profiles as svc
from ...viewmodels import confirmation_views, explorer
from ...viewmodels.results import pathway_targets, target_name
from ...vocabulary import LEVEL_HINTS, NO_CHANCE_CHOICE, NO_CHANCE_HINT, NO_CHANCE_NAME, PROFESSION_NAMES, level_name
from . import bp
from .common import my_person, start_with_about_you

CHANGING = "change"  # ?change=yes: came from "check your answers", so saving goes back there


def _after_saving(next_page: str) -> str:
    """Where a saved question page goes: back to "check your answers" when the person came from
    its Change link, else on through the questions."""
    return url_for("profile.check_answers") if request.args.get(CHANGING) == "yes" else next_page


def change_link(endpoint: str, anchor: str, **values) -> str:
    """A Change link on "check your answers": that question, and back to the check page after."""
    return url_for(endpoint, **values, **{CHANGING: "yes"}, _anchor=anchor)


@bp.get("")
@signed_in
def index():
    person, framework = my_person(), current.framework()
    urls = {
        "about": url_for("profile.about_you"),
        "skills": url_for("profile.experience"),
        "other": url_for("profile.other_skills"),
        "check": url_for("profile.check_answers"),
    }
    tasks = svc.task_statuses(db.session(), person, framework, urls)
    target = None
    if person and person.target_level in pathway_targets(framework):
        target = {"slug": person.target_level, "name": target_name(framework, person.target_level)}
    history = svc.assessment_history(db.session(), person) if person else []
    return render_template("profile/index.html", person=person, tasks=tasks, target=target, history=history)


@bp.route("/about", methods=["GET", "POST"])
@signed_in
def about_you():
    person, framework = my_person(), current.framework()
    form = AboutYouForm.for_person(
        person,
        grades=framework.grade_codes,
        departments=svc.departments(db.session()),
        levels=explorer.level_choices(framework),
    )
    from_hr = person is not None and person.hr_record_at is not None
    if from_hr:  # the HR record's answers stand, whatever the browser sent
        form.keep_hr_record(person)
    if form.validate_on_submit():
        name = person.display_name if person else current_user.display_name or current_user.email
        svc.save_about_you(db.session(), current_user, name, form.answers())
        return redirect(_after_saving(url_for("profile.experience")))
    hr_record = svc.hr_record(db.session(), person) if from_hr else None
    return render_template("profile/about.html", form=form, hr_record=hr_record)


@bp.route("/experience", methods=["GET", "POST"])
@signed_in
def experience():
    person, framework = my_person(), current.framework()
    if person is None:
        return start_with_about_you()
    form = ExperienceForm.for_experience(
        svc.experience_of(person), svc.experience_choices(framework, person.profession)
    )
    if form.validate_on_submit():
        if svc.save_experience(db.session(), person, form.shown.data) or not person.current_assessment_id:
            svc.draft_assessment(db.session(), person, framework)
        return redirect(_after_saving(url_for("profile.skills_page", page=1)))
    profession = PROFESSION_NAMES.get(person.profession, "")
    return render_template("profile/experience.html", form=form, profession=profession)


@bp.route("/skills/<int:page>", methods=["GET", "POST"])
@signed_in
def skills_page(page: int):
    person, framework = my_person(), current.framework()
    if person is None:
        return start_with_about_you()
    pages = svc.question_pages(framework)
    if not 1 <= page <= len(pages):
        abort(404)
    questions = pages[page - 1]
    answered = svc.working_answers(db.session(), person)
    no_chance = svc.working_no_chance(db.session(), person)
    suggested = svc.suggestions_for(framework, person)
    # Answers already given win; otherwise the crosswalk suggestion is pre-selected.
    levels = {
        q.skill: NO_CHANCE_CHOICE if q.skill in no_chance else answered.get(q.skill, suggested.get(q.skill))
        for q in questions
        if q.skill in answered or q.skill in suggested
    }
    examples = svc.working_examples(db.session(), person)
    form = skills_form([(q.skill, q.question, q.name) for q in questions], levels, examples=examples)
    if form.validate_on_submit():
        svc.save_answers(
            db.session(), person, framework, form.answers(), no_chance=form.no_chance(), examples=form.examples()
        )
        if page < len(pages):
            return redirect(_after_saving(url_for("profile.skills_page", page=page + 1)))
        return redirect(_after_saving(url_for("profile.index")))
    return render_template(
        "profile/skills_page.html",
        form=form,
        questions=questions,
        page=page,
        pages=len(pages),
        suggested={
            q.skill: level_name(suggested[q.skill])
            for q in questions
            if q.skill in suggested and q.skill not in answered
        },
        hints={str(level): hint for level, hint in LEVEL_HINTS.items()} | {NO_CHANCE_CHOICE: NO_CHANCE_HINT},
        field_name=field_name,
        example_name=example_name,
    )


@bp.route("/other-skills", methods=["GET", "POST"])
@signed_in
def other_skills():
    """First which kinds of work interest the person; then the skills of those families only."""
    person, framework = my_person(), current.framework()
    if person is None:
        return start_with_about_you()
    families = [f for f in framework.families if any(framework.roles[r].levels for r in f.roles)]
    form = InterestsForm.for_person(person.work_interests, [(f.slug, f.name) for f in families])
    if form.validate_on_submit():
        svc.save_interests(db.session(), person, form.families.data)
        return redirect(url_for("profile.other_skills"))
    chosen = [f for f in families if f.slug in person.work_interests]
    return render_template(
        "profile/other_skills.html",
        form=form,
        chosen=chosen,
        others=[f for f in families if f not in chosen],
        show_all=not chosen or request.args.get("all") == "yes",
    )


@bp.route("/other-skills/<family>", methods=["GET", "POST"])
@signed_in
def other_skills_family(family: str):
    person, framework = my_person(), current.framework()
    if person is None:
        return start_with_about_you()
    names = {f.slug: f.name for f in framework.families}
    skills = svc.other_skills(framework, family) if family in names else []
    if not skills:
        abort(404)
    answered = svc.working_answers(db.session(), person)
    form = skills_form(
        [(s.slug, s.name, s.name) for s in skills],
        {s.slug: answered.get(s.slug, 0) for s in skills},
        optional=True,
        examples=svc.working_examples(db.session(), person),
    )
    if form.validate_on_submit():
        svc.save_answers(
            db.session(), person, framework, form.answers(), record_not_yet=False, examples=form.examples()
        )
        return redirect(_after_saving(url_for("profile.index")))
    return render_template(
        "profile/other_skills_family.html",
        form=form,
        skills=skills,
        family=names[family],
        field_name=field_name,
        example_name=example_name,
    )


@bp.route("/check", methods=["GET", "POST"])
@signed_in
def check_answers():
    person, framework = my_person(), current.framework()
    if person is None:
        return start_with_about_you()
    draft = svc.open_draft(db.session(), person)
    if draft is None:
        # Nothing has changed since the last submission, so there is nothing to check.
        return redirect(url_for("profile.index"))
    form = ConfirmForm()
    if form.validate_on_submit():
        svc.submit_assessment(db.session(), person)
        return redirect(url_for("profile.submitted"))
    answered = svc.answers_of(db.session(), draft.id)
    # A skill the current framework no longer has (answered under an earlier release) is left out.
    known = {skill: level for skill, level in answered.items() if skill in framework.skills}
    no_chance = svc.no_chance_of(db.session(), draft.id)
    asked = {q.skill for q in svc.transferable_questions(framework)}
    page_of = {q.skill: n for n, questions in enumerate(svc.question_pages(framework), start=1) for q in questions}
    rows = [
        {
            "skill": framework.skills[s],
            "level": NO_CHANCE_NAME if s in no_chance else level_name(lv),
            "change": _change_skill_link(framework, s, page_of),
        }
        for s, lv in sorted(known.items(), key=lambda kv: framework.skills[kv[0]].name)
        if lv > 0 or s in asked
    ]
    department = next((d.name for d in svc.departments(db.session()) if d.id == person.department_id), "")
    return render_template(
        "profile/check.html",
        form=form,
        person=person,
        profession=PROFESSION_NAMES.get(person.profession, person.profession),
        department=department,
        current_level=framework.role_levels.get(person.current_level) if person.current_level else None,
        rows=rows,
        unanswered=len(asked - set(answered)),
        about_you={name: change_link("profile.about_you", name) for name in AboutYouForm.QUESTIONS},
    )


def _change_skill_link(framework, skill: str, page_of: dict[str, int]) -> str:
    """The page that asks about this skill (`page_of`: transferable skill → page), at its question."""
    if skill in page_of:
        return change_link("profile.skills_page", field_name(skill), page=page_of[skill])
    family = svc.family_asking_about(framework, skill)
    if family is None:
        return change_link("profile.other_skills", "")
    return change_link("profile.other_skills_family", field_name(skill), family=family)


@bp.get("/assessments/<int:assessment_id>")
@signed_in
def assessment(assessment_id: int):
    """One submitted version of the person's own assessment, and what changed since the one before."""
    person, framework = my_person(), current.framework()
    history = svc.assessment_history(db.session(), person) if person else []
    position = next((i for i, a in enumerate(history) if a.id == assessment_id), None)
    if position is None:
        abort(404)  # not theirs, or not submitted: the same answer
    this, before = history[position], history[position + 1] if position + 1 < len(history) else None
    answers = svc.answers_of(db.session(), this.id)
    earlier = svc.answers_of(db.session(), before.id) if before else {}
    no_chance = svc.no_chance_of(db.session(), this.id)

    def name(skill):
        return framework.skills[skill].name if skill in framework.skills else skill

    rows = [
        (name(s), NO_CHANCE_NAME if s in no_chance else level_name(lv))
        for s, lv in sorted(answers.items(), key=lambda kv: name(kv[0]))
        if lv or s in no_chance
    ]
    changes = [
        (name(s), level_name(earlier.get(s)), level_name(answers.get(s)))
        for s in sorted(set(answers) | set(earlier), key=name)
        if (earlier.get(s) or 0) != (answers.get(s) or 0)
    ]
    outcome = confirmations.outcome_of(db.session(), this.id)
    return render_template(
        "profile/assessment.html",
        from_manager=confirmation_views.answered_by_name(db.session(), outcome) if outcome else None,
        assessment=this,
        number=len(history) - position,
        current=this.id == person.current_assessment_id,
        before=before,
        rows=rows,
        changes=changes,
        history=history,
    )


@bp.get("/submitted")
@signed_in
def submitted():
    person = my_person()
    if person is None or not person.current_assessment_id:
        return redirect(url_for("profile.index"))
    return render_template("profile/submitted.html", manager=line_managers.manager_of(db.session(), person))
