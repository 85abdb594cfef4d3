import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from ddat import db, demo
from tests.oidc_provider import department_using, running_provider
from tests.support import fresh_app

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    # Debian's Chromium: Playwright cannot download its own browser here.
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
    }


@pytest.fixture(scope="session")
def identity_provider():
    """An organisation's OpenID Connect sign-in service, on its own loopback port."""
    with running_provider() as provider:
        yield provider


@pytest.fixture(scope="session")
def live_app(tmp_path_factory, identity_provider):
    """The app the live server runs, on its own migrated and seeded SQLite database; tests use it
    only to let time pass (a session's date arriving), never to set up what a user would do."""
    app = fresh_app(tmp_path_factory.mktemp("live") / "live.db", OIDC_PROVIDERS=(department_using(identity_provider),))
    with app.app_context():
        demo.seed(db.session(), people=400, seed=1)
    return app


@pytest.fixture(scope="session")
def live_server(live_app):
    """The real app on a loopback port."""
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture
def output_path(output_path):
    path = Path(output_path)
    path.mkdir(parents=True, exist_ok=True)
    return path
