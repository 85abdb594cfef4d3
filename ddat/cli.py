"""Command-line tasks: `flask --app app <command>`."""

import json
from pathlib import Path

import click
from flask import Flask

from pathways import FrameworkError
from pathways.framework import FRAMEWORK_FILE
from pathways.framework_csv import from_official_csv
from pathways.model_card import figures_markdown, rewrite_section

from . import backup, db, demo
from .auth import normalise_email
from .imports.attendance_import import import_attendance
from .imports.csv_import import ImportResult
from .imports.people_import import import_people
from .imports.scheme_import import import_members
from .migrate import upgrade_to_head
from .models import ROLES, LearningSession
from .services import accounts, audit, schemes
from .services.framework import current_framework, load_release, store_release
from .viewmodels import audit_search

LISTED_PER_KIND = 20
DOC_WITH_FIGURES = Path(__file__).resolve().parent.parent / "docs" / "matching.md"


def _report(result: ImportResult) -> None:
    if not result.ok:
        db.session().rollback()
        for error in result.errors:
            click.echo(f"Row {error.row}, {error.column or 'file'}: {error.problem}", err=True)
        raise click.ClickException(f"{len(result.errors)} problems found: nothing was imported")
    click.echo(f"Imported: {result.added} added, {result.changed} changed, {result.unchanged} unchanged.")


def _share_removed(now: dict, then: list[dict]) -> float:
    return len(set(now) - {item["slug"] for item in then}) / max(1, len(now))


def register_commands(app: Flask) -> None:
    @app.cli.command("recommendation-figures")
    @click.option("--write", is_flag=True, help="Rewrite the figures section of docs/matching.md.")
    def recommendation_figures(write):
        """The viable threshold and persona results docs/matching.md publishes, for the loaded framework."""
        section = figures_markdown(current_framework(db.session()))
        if not write:
            click.echo(section)
            return
        DOC_WITH_FIGURES.write_text(rewrite_section(DOC_WITH_FIGURES.read_text(), section))
        click.echo(f"Updated {DOC_WITH_FIGURES}.")

    @app.cli.command("send-notifications")
    @click.option("--loop", is_flag=True, help="Keep sending, checking the outbox every few seconds.")
    @click.option("--every", default=5.0, show_default=True, help="Seconds between checks with --loop.")
    def send_notifications(loop: bool, every: float):
        """Send what is in the outbox through GOV.UK Notify, or to the local mailbox."""
        import time

        from .notifications.delivery import delivery_for
        from .notifications.sender import new_sender_name, run_once

        delivery, name = delivery_for(app.config), new_sender_name()
        while True:
            try:
                run = run_once(db.session(), delivery, name)
            except Exception as error:  # a database that is busy or gone for a moment: try again
                if not loop:
                    raise click.ClickException(f"Sending stopped: {error}") from error
                click.echo(f"Sending stopped for now, trying again in {every:g} s: {error}", err=True)
                db.session().rollback()
                db.session().close()
                time.sleep(every)
                continue
            if run.sent or run.failed or run.retrying:
                click.echo(f"Sent {run.sent}, to retry {run.retrying}, failed {run.failed}")
            for error in run.errors[:5]:
                click.echo(f"  {error}", err=True)
            db.session().close()
            if not loop:
                return
            time.sleep(every)

    @app.cli.command("init-db")
    def init_db():
        """Create or upgrade the database schema."""
        upgrade_to_head(app.config["SQLALCHEMY_DATABASE_URI"])
        click.echo("Database is up to date.")

    @app.cli.command("load-framework")
    @click.argument("path", required=False, type=click.Path(dir_okay=False, path_type=Path))
    @click.option(
        "--from-csv", "from_csv", nargs=2, type=click.Path(exists=True, dir_okay=False, path_type=Path),
        metavar="ROLES SKILLS", help="The official site's roles CSV and skills CSV, from its download page",
    )  # fmt: skip
    @click.option("--allow-removals", is_flag=True,
                  help="Load CSV files that remove more than a quarter of the roles or skills")  # fmt: skip
    def load_framework(path: Path | None, from_csv: tuple[Path, Path] | None, allow_removals: bool):
        """Load a framework export (default: the bundled one), or the official site's two CSV
        files, and report what changed."""
        try:
            if from_csv:
                roles, skills = (p.read_bytes() for p in from_csv)
                now = current_framework(db.session())
                document = from_official_csv(roles, skills, now)
                # A cut-down or wrong file would take most of the framework away: say so first.
                removing = {part: _share_removed(getattr(now, part), document[part]) for part in ("roles", "skills")}
                if not allow_removals and max(removing.values()) > 0.25:
                    raise click.ClickException(
                        f"Framework not loaded: the files would remove {removing['roles']:.0%} of the roles and "
                        f"{removing['skills']:.0%} of the skills. Check they are the whole download (ROLES first, "
                        "then SKILLS), or load them with --allow-removals"
                    )
                raw = json.dumps(document, ensure_ascii=False, indent=1).encode()
                stored, version, changes = store_release(db.session(), raw, "the official CSV files")
            else:
                stored, version, changes = load_release(db.session(), path or FRAMEWORK_FILE)
        except FrameworkError as error:
            raise click.ClickException(f"Framework not loaded. {error}") from error
        except OSError as error:
            raise click.ClickException(f"Framework not loaded. {error}") from error
        if not stored:
            click.echo(f"Framework {version} is already the current version. Nothing changed.")
            return
        click.echo(f"Loaded framework {version}.")
        for label, part in (("Roles", changes.roles), ("Role levels", changes.levels), ("Skills", changes.skills)):
            click.echo(f"{label}: {len(part.added)} added, {len(part.removed)} removed, {len(part.changed)} changed")
            for kind in ("added", "removed", "changed"):
                slugs = getattr(part, kind)
                for slug in slugs[:LISTED_PER_KIND]:
                    click.echo(f"  {kind}: {slug}")
                if len(slugs) > LISTED_PER_KIND:
                    click.echo(f"  … and {len(slugs) - LISTED_PER_KIND} more {kind}")
        click.echo("People's assessments are kept; each records the framework version it was made against.")

    @app.cli.command("seed-demo")
    @click.option("--people", default=200, show_default=True, type=click.IntRange(min=0))
    @click.option("--seed", default=2026, show_default=True, type=int)
    @click.option("--if-empty", is_flag=True, help="Do nothing when people already exist.")
    def seed_demo(people: int, seed: int, if_empty: bool):
        """Create departments, demo accounts and synthetic people with skill ratings."""
        db_session = db.session()
        if if_empty and demo.has_people(db_session):
            click.echo("Demo data already present; nothing added.")
            return
        with click.progressbar(length=people, label=f"Adding {people:,} people") as bar:
            result = demo.seed(db_session, people=people, seed=seed, progress=bar.update)
        click.echo(f"Added {result.people} people and {result.ratings} skill ratings; demo accounts are ready.")

    @app.cli.command("import-scheme-members")
    @click.argument("scheme")
    @click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    def import_scheme_members(scheme: str, csv_file: Path):
        """Import a scheme's members from CSV (email or staff_number, status, notes): all rows or none."""
        db_session = db.session()
        found = schemes.find_scheme(db_session, scheme)
        if found is None:
            raise click.ClickException(f"No scheme with the id or name '{scheme}'")
        # Run from the command line, the import acts for central HR: every department's people.
        framework = current_framework(db_session)
        result = import_members(db_session, framework, found, audit.COMMAND_LINE, csv_file.read_bytes(), scope=None)
        _report(result)

    @app.cli.command("set-role")
    @click.argument("email")
    @click.argument("role", type=click.Choice(ROLES))
    @click.option("--department", help="For HR: the department (name or abbreviation) whose people they see")
    def set_role(email: str, role: str, department: str | None):
        """Give an account a role; HR with --department see only that department's people."""
        try:
            user, before, found = accounts.set_role(db.session(), normalise_email(email), role, department)
        except accounts.RoleRefused as refused:
            raise click.ClickException(str(refused)) from None
        click.echo(f"{user.email}: {before} → {role}" + (f" ({found.name})" if found else "") + ".")

    @app.cli.command("backup")
    @click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
    def backup_command(path: Path):
        """Copy the SQLite database to PATH while the service runs (PostgreSQL: use pg_dump)."""
        try:
            source = backup.back_up(db.engine(), path)
        except backup.BackupError as error:
            raise click.ClickException(str(error)) from error
        click.echo(f"Backed up {source} to {path}.")

    @app.cli.command("restore")
    @click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.confirmation_option(
        prompt="This replaces everything in the database with the backup. Stop the service first. Go on?"
    )
    def restore_command(path: Path):
        """Replace the SQLite database with a backup made by `backup`, then bring its schema up to date."""
        try:
            target = backup.restore(db.engine(), path)
        except backup.BackupError as error:
            raise click.ClickException(str(error)) from error
        upgrade_to_head(app.config["SQLALCHEMY_DATABASE_URI"])
        click.echo(f"Restored {target} from {path}.")

    @app.cli.command("prune-audit")
    def prune_audit():
        """Delete audit events older than AUDIT_RETENTION_DAYS (default 730); run it daily."""
        removed = audit_search.prune(db.session(), app.config["AUDIT_RETENTION_DAYS"])
        click.echo(f"Removed {removed} audit events older than {app.config['AUDIT_RETENTION_DAYS']} days.")

    @app.cli.command("import-attendance")
    @click.argument("session_id", type=int)
    @click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    def import_attendance_command(session_id: int, csv_file: Path):
        """Import a learning session's attendance from CSV (email or staff_number, status): all rows or none."""
        db_session = db.session()
        found = db_session.get(LearningSession, session_id)
        if found is None:
            raise click.ClickException(f"No learning session with the id {session_id}")
        framework = current_framework(db_session)  # as for scheme members: every department's people
        result = import_attendance(db_session, framework, found, audit.COMMAND_LINE, csv_file.read_bytes(), scope=None)
        _report(result)

    @app.cli.command("import-people")
    @click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    def import_people_command(csv_file: Path):
        """Keep people's records from an HR system's CSV (staff_number, email, name, grade, department,
        profession, line_manager, left): all rows or none."""
        db_session = db.session()
        result = import_people(db_session, current_framework(db_session), audit.COMMAND_LINE, csv_file.read_bytes(),
                               scope=None)  # fmt: skip
        _report(result)
        if result.ok and result.left:
            click.echo(f"Marked {result.left} as left.")
