import pytest

from tests.oidc_provider import running_provider
from tests.web.matrix import matrix_world


@pytest.fixture(scope="module")
def identity_provider():
    with running_provider() as provider:
        yield provider


@pytest.fixture(scope="module")
def world(tmp_path_factory, identity_provider):
    """The permission matrix's world (tests/web/matrix.py), one for each test module."""
    return matrix_world(tmp_path_factory.mktemp("matrix") / "m.db", identity_provider)


@pytest.fixture
def team(seeded):
    """The demo's line manager and her team, with forms sent without CSRF tokens."""
    seeded.config["WTF_CSRF_ENABLED"] = False
    return seeded
