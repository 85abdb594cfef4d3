"""Rate limits: repeated failed sign-ins lock an email address for a while, the same whether
or not an account exists, and the lock page is a GOV.UK page."""

import pytest

from ddat import db, demo
from ddat.limits import DEFAULT_LIMITS, limiter
from tests.client import CSRF_PATTERN


@pytest.fixture
def limited(make_app):
    app = make_app("limited")
    app.config.update(DEFAULT_LIMITS)  # the real limits, not the test configuration's generous ones
    limiter.reset()
    with app.app_context():
        demo.seed(db.session(), people=0, seed=1)
    yield app
    limiter.reset()


def attempt(client, email: str, password: str):
    token = CSRF_PATTERN.search(client.get("/sign-in").get_data(as_text=True)).group(1)
    return client.post("/sign-in", data={"email": email, "password": password, "csrf_token": token})


@pytest.mark.parametrize("email", ["policy.officer@example.gov.uk", "nobody-here@example.gov.uk"])
def test_five_failures_lock_the_email_whether_or_not_it_has_an_account(limited, email):
    client = limited.test_client()
    for _ in range(5):
        assert attempt(client, email, "wrong password here").status_code == 200
    locked = attempt(client, email, "pathways-demo-2026")
    assert locked.status_code == 429
    page = locked.get_data(as_text=True)
    assert "Too many attempts" in page and "Wait 15 minutes" in page
    # Another email from the same address is not locked.
    assert attempt(client, "ops.officer@example.gov.uk", "pathways-demo-2026").status_code == 302


def test_registering_too_often_from_one_network_address_says_how_long_to_wait(limited):
    client = limited.test_client()
    token = CSRF_PATTERN.search(client.get("/register").get_data(as_text=True)).group(1)
    answers = [
        client.post("/register", data={"email": f"cohort.{n}@example.gov.uk", "csrf_token": token}).status_code
        for n in range(61)
    ]
    assert answers[:60] == [200] * 60  # a department's cohort registering from one shared address
    assert answers[60] == 429
    page = client.post("/register", data={"email": "one.more@example.gov.uk", "csrf_token": token})
    assert "Wait an hour and try again" in page.get_data(as_text=True)
    assert "guessing passwords" not in page.get_data(as_text=True)


def test_successful_sign_ins_do_not_count_towards_the_lock(limited):
    client = limited.test_client()
    for _ in range(7):
        assert attempt(client, "policy.officer@example.gov.uk", "pathways-demo-2026").status_code == 302


def test_signing_in_still_works_when_the_shared_limit_store_is_down(tmp_path):
    # In its own process: the limiter is one object per process, and this points it at Redis.
    import subprocess
    import sys
    import textwrap

    script = textwrap.dedent(
        f"""
        from ddat import db
        from ddat import demo
        from tests.support import fresh_app

        app = fresh_app({str(tmp_path / "redis.db")!r}, RATELIMIT_STORAGE_URI="redis://127.0.0.1:9",
                        WTF_CSRF_ENABLED=False)
        with app.app_context():
            demo.seed(db.session(), people=0, seed=1)
        client = app.test_client()
        response = client.post("/sign-in", data={{"email": "hr@example.gov.uk", "password": "pathways-demo-2026"}})
        print(response.status_code, client.get("/schemes").status_code)
        """
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert result.stdout.split() == ["302", "200"], result.stderr[-2000:]


def test_pathway_planning_is_limited_per_person(limited):
    limited.config["RATELIMIT_PATHWAYS"] = "3 per minute"
    client = limited.test_client()
    assert attempt(client, "policy.officer@example.gov.uk", "pathways-demo-2026").status_code == 302
    for _ in range(3):
        assert client.get("/profile/pathway?to=senior-data-analyst").status_code == 200
    limited_now = client.get("/profile/pathway?to=senior-data-analyst&format=csv")
    assert limited_now.status_code == 429 and "Too many" in limited_now.get_data(as_text=True)
    # Someone else is not held up by it.
    other = limited.test_client()
    assert attempt(other, "ops.officer@example.gov.uk", "pathways-demo-2026").status_code == 302
    assert other.get("/profile/pathway?to=service-desk-analyst").status_code == 200
