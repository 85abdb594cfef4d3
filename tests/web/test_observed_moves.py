"""Real moves: scheme placements counted from a profession and grade band into a role, shown to
people like them only through disclosure control."""

import re
from datetime import date

from sqlmodel import select

from ddat import db
from ddat.models import Person, Scheme, SchemeMember, User
from ddat.services import scheme_members
from ddat.services.observed_moves import moves_into_roles
from pathways import load_framework
from tests.factories import POLICY, make_scheme, sharing_people

FRAMEWORK = load_framework()


def place(app, scheme_id: int, people, level: str, profession: str, grade: str) -> None:
    with app.app_context():
        for person in people:
            db.session().add(
                SchemeMember(
                    scheme_id=scheme_id, person_id=person.id, status="placed", source="applied", target_level=level,
                    placed_level=level, placed_on=date(2026, 6, 1), placed_from_profession=profession,
                    placed_from_grade=grade,
                )
            )  # fmt: skip
        db.session().commit()


def performance_card(client) -> str:
    html = client.get("/profile/matches").get_data(as_text=True)
    cards = re.findall(r'<div class="govuk-summary-card">.*?</details>', html, re.S)
    return next(card for card in cards if "Performance analyst</h3>" in card or ">Performance analyst <" in card)


def test_four_moves_are_not_shown_and_five_are_rounded(seeded, client, sign_in):
    scheme_id = make_scheme(seeded, name="Earlier scheme")
    with seeded.app_context():
        people = db.session().exec(select(Person).where(Person.user_id.is_(None)).order_by(Person.id)).all()[:12]
    assert len(people) == 12
    place(seeded, scheme_id, people[:4], "senior-performance-analyst", "policy", "G6")
    # Other professions and grade bands are not people like the policy officer (a G7).
    place(seeded, scheme_id, people[4:8], "performance-analyst", "operational_delivery", "G7")
    place(seeded, scheme_id, people[8:10], "performance-analyst", "policy", "EO")
    sign_in(POLICY)
    assert "People like you" not in performance_card(client)
    with seeded.app_context():
        assert "performance-analyst" not in moves_into_roles(db.session(), FRAMEWORK, "policy", "G7")

    place(seeded, scheme_id, people[10:11], "lead-performance-analyst", "policy", "G7")
    card = performance_card(client)
    assert "About 5 people from your profession and grade moved into this role through a scheme." in card
    place(seeded, scheme_id, people[11:12], "performance-analyst", "policy", "G7")
    with seeded.app_context():
        assert moves_into_roles(db.session(), FRAMEWORK, "policy", "G7")["performance-analyst"] == 5  # 6 → 5


def test_a_placement_records_where_the_person_came_from(seeded):
    scheme_id = make_scheme(seeded, name="Placing scheme", capacity=5)
    person = sharing_people(seeded, 1)[0]
    with seeded.app_context():
        session = db.session()
        hr = session.exec(select(User).where(User.email == "hr@example.gov.uk")).one()
        member = SchemeMember(scheme_id=scheme_id, person_id=person.id, status="enrolled", source="applied",
                              target_level="associate-data-analyst")  # fmt: skip
        session.add(member)
        session.commit()
        problem = scheme_members.move(
            session, FRAMEWORK, session.get(Scheme, scheme_id), member, "placed",
            placed_level="associate-data-analyst", placed_on=date(2026, 11, 1), actor=hr,
        )  # fmt: skip
        assert problem is None
        stored = session.get(SchemeMember, member.id)
        someone = session.get(Person, person.id)
        assert (stored.placed_from_profession, stored.placed_from_grade) == (someone.profession, someone.grade)
