"""The change counters that tell every server its cached matrix is out of date."""

from sqlmodel import Session

from ddat import db
from ddat.caches.population import CONSENT, RATINGS, bump, counter


def test_a_counter_is_read_once_per_transaction_and_at_once_after_a_bump(app):
    with app.app_context():
        mine = db.session()
        assert counter(mine) == 0
        with Session(mine.get_bind()) as other_server:
            bump(other_server)
            other_server.commit()
        assert counter(mine) == 0  # the value this transaction already read
        mine.commit()
        assert counter(mine) == 1  # a new transaction reads it again
        bump(mine)
        assert counter(mine) == 2 and counter(mine, CONSENT) == 0
        bump(mine, CONSENT)
        assert counter(mine, CONSENT) == 1 and counter(mine, RATINGS) == 2
        mine.rollback()
        assert counter(mine) == 1 and counter(mine, CONSENT) == 0
