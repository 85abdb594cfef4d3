"""Loading a newer framework from the official site's two CSV downloads with
`load-framework --from-csv ROLES SKILLS`, reporting what changed as a JSON export does."""

import csv
import io

from pathways import load_framework
from pathways.framework_csv import first_sentence

ROLE_HEADER = ["Role Family", "Role", "Role Description", "Role Level", "Role Level Description", "Skill Name",
               "Skill Description", "Skill Level", "Skill Level Description", "Role Type"]  # fmt: skip


def official_csvs(framework, drop_role: str | None = None, rename_skill: tuple[str, str] | None = None):
    """The framework in the download page's layout: a roles row per role level and skill (a
    Senior Civil Service role's skills have no level), and a skills row per skill."""
    families = {f.slug: f.name for f in framework.families}

    def skill_name(slug):
        name = framework.skills[slug].name
        return rename_skill[1] if rename_skill and rename_skill[0] == slug else name

    roles = io.StringIO()
    out = csv.writer(roles)
    out.writerow(ROLE_HEADER)
    for role in framework.roles.values():
        if role.slug == drop_role:
            continue
        senior = role.role_type == "senior_civil_service"
        for skill in role.scs_skills:
            out.writerow([families[role.family], role.name, role.summary, "", "", skill_name(skill), "", "", "",
                          "Senior Civil Service"])  # fmt: skip
        for level in role.levels:
            for need in level.requirements:
                out.writerow([families[role.family], role.name, role.summary, level.name, "", skill_name(need.skill),
                              "", need.level.capitalize(), "", "Senior Civil Service" if senior else ""])  # fmt: skip
    skills = io.StringIO()
    out = csv.writer(skills)
    out.writerow(["Skill Name", "Skill Description", "Awareness", "Working", "Practitioner", "Expert", "Roles"])
    for skill in framework.skills.values():
        out.writerow([skill_name(skill.slug), skill.summary, "", "", "", "", ""])
    return roles.getvalue(), skills.getvalue()


def load(app, tmp_path, roles: str, skills: str):
    (tmp_path / "roles.csv").write_text(roles)
    (tmp_path / "skills.csv").write_text(skills)
    return app.test_cli_runner().invoke(args=["load-framework", "--from-csv", str(tmp_path / "roles.csv"),
                                              str(tmp_path / "skills.csv")])  # fmt: skip


def test_the_official_csvs_of_the_same_framework_change_no_role_level_or_skill(app, tmp_path):
    framework = load_framework()
    result = load(app, tmp_path, *official_csvs(framework))
    assert result.exit_code == 0, result.output
    assert "Roles: 0 added, 0 removed" in result.output
    assert "Role levels: 0 added, 0 removed" in result.output
    assert "Skills: 0 added, 0 removed" in result.output


def test_a_newer_download_reports_what_changed(app, tmp_path):
    framework = load_framework()
    renamed = ("data-visualisation", "Data visualisation and storytelling")
    result = load(app, tmp_path, *official_csvs(framework, drop_role="data-ethicist", rename_skill=renamed))
    assert result.exit_code == 0, result.output
    assert "removed: data-ethicist" in result.output
    assert "added: data-visualisation-and-storytelling" in result.output
    assert "removed: data-visualisation" in result.output


def test_a_file_without_the_columns_is_refused_with_where_and_why(app, tmp_path):
    roles, skills = official_csvs(load_framework())
    result = load(app, tmp_path, roles.replace("Role Type", "Kind"), skills)
    assert result.exit_code != 0
    assert "Framework not loaded. roles CSV: row 1: has no column 'role type'" in result.output


def test_a_summary_is_the_first_sentence_of_a_description():
    assert (
        first_sentence("A data analyst finds insight. They also report.\n\nIn this role:")
        == "A data analyst finds insight."
    )


def test_files_that_would_remove_most_of_the_framework_are_refused_unless_asked(app, tmp_path):
    framework = load_framework()
    roles, skills = official_csvs(framework)
    few = "\n".join(roles.splitlines()[:6]) + "\n"
    refused = load(app, tmp_path, few, skills)
    assert refused.exit_code != 0 and "would remove" in refused.output and "--allow-removals" in refused.output
    (tmp_path / "roles.csv").write_text(few)
    forced = app.test_cli_runner().invoke(args=["load-framework", "--from-csv", str(tmp_path / "roles.csv"),
                                                str(tmp_path / "skills.csv"), "--allow-removals"])  # fmt: skip
    assert forced.exit_code == 0 and "removed" in forced.output
