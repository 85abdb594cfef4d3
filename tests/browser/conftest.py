import threading
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from werkzeug.serving import make_server

from ddat import db
from ddat.services import demo
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


_axe = Axe()


def _settles(page: Page, condition: str) -> bool:
    try:
        page.wait_for_function(condition, timeout=10_000)
    except PlaywrightTimeoutError:
        return False
    return True


def check_page(page: Page, output_path: Path, name: str) -> None:
    """Zero axe violations, GOV.UK Frontend's scripts ran under the Content-Security-Policy
    (its inline script by nonce, its module from our own origin), and a full-page screenshot."""
    # A click that navigates returns before the new page has run its scripts: wait for them.
    page.wait_for_load_state("load")
    assert _settles(page, "document.body.classList.contains('govuk-frontend-supported')"), "inline script blocked"
    assert _settles(page, "document.querySelector('.govuk-skip-link').hasAttribute('data-govuk-skip-link-init')"), (
        "GOV.UK Frontend did not start"
    )
    results = _axe.run(page)
    assert results.violations_count == 0, results.generate_report()
    page.screenshot(path=output_path / f"{name}.png", full_page=True)


@pytest.fixture
def output_path(output_path):
    path = Path(output_path)
    path.mkdir(parents=True, exist_ok=True)
    return path
