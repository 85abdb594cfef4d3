"""Every audit event comes from one catalogue, so the log holds only events someone can look up."""

import re
from pathlib import Path

import pytest
from sqlmodel import select

from ddat import db
from ddat.models import AuditEvent, Person
from ddat.services import audit

SOURCE = Path(__file__).resolve().parents[2] / "ddat"
# An action passed to audit.record, or chosen just before it (`action = "a" if ... else "b"`).
RECORDED = re.compile(r'audit\.record(?:_now)?\(\s*[\w.()]+,\s*"([a-z_]+\.[a-z_]+)"')
CHOSEN = re.compile(r'action = "([a-z_]+\.[a-z_]+)"(?: if .* else "([a-z_]+\.[a-z_]+)")?')


def actions_in_the_code() -> set[str]:
    found = set()
    for path in SOURCE.rglob("*.py"):
        text = path.read_text()
        found |= set(RECORDED.findall(text))
        found |= {a for pair in CHOSEN.findall(text) for a in pair if a}
    return found


def test_every_action_the_code_names_is_in_the_catalogue():
    named = actions_in_the_code()
    assert len(named) > 30, "the search should find the actions the code records"
    assert named - set(audit.EVENTS) == set()
    assert "scheme.member_enrolled" in audit.EVENTS  # HR's decisions, one per member status


def test_an_event_not_in_the_catalogue_is_refused(app):
    with app.app_context(), pytest.raises(ValueError, match="not an audit event"):
        audit.record(db.session(), "scheme.member_teleported")


def test_a_row_is_named_by_its_table_and_id_and_a_pair_as_given(seeded):
    with seeded.app_context():
        session = db.session()
        person = session.exec(select(Person).limit(1)).one()
        audit.record(session, "consent.withdrawn", actor=audit.Actor(None, "hr"), subject=person)
        audit.record(session, "audit.exported", actor=audit.COMMAND_LINE, subject=("audit_query", "all"))
        session.flush()
        added = session.exec(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(2)).all()
        assert [(e.actor_user_id, e.actor_role, e.object_type, e.object_id) for e in reversed(added)] == [
            (None, "hr", "person", str(person.id)),
            (None, "cli", "audit_query", "all"),
        ]
        session.rollback()
