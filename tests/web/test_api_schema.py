"""Schemathesis fuzzes every operation of the API from its own generated OpenAPI document: no
server errors, and every response (errors included) matches what the document says."""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from sqlmodel import select

from ddat import db, demo
from ddat.models import User
from ddat.services import api_clients
from tests.support import fresh_app

EXAMPLES_PER_OPERATION = 40  # enough to find what breaks, bounded so `make test` stays quick


@pytest.fixture(scope="module")
def api_app(tmp_path_factory):
    app = fresh_app(tmp_path_factory.mktemp("api") / "api.db")
    with app.app_context():
        session = db.session()
        demo.seed(session, people=20, seed=3)
        admin = session.exec(select(User).where(User.email == "admin@example.gov.uk")).one()
        _, app.config["TEST_API_TOKEN"] = api_clients.create(
            session, admin, "Fuzzer", list(api_clients.SCOPES), None, api_clients.default_expiry()
        )
    return app


def _fuzz(operation, token: str) -> None:
    @given(case=operation.as_strategy())
    @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, suppress_health_check=list(HealthCheck),
              database=None)  # fmt: skip
    def run(case):
        # Data the document allows can still break the service's rules (an unknown grade, say):
        # a problem (422) is the right answer, so acceptance of valid-looking data is not checked.
        case.call_and_validate(
            headers={"Authorization": f"Bearer {token}"},
            excluded_checks=[schemathesis.checks.positive_data_acceptance],
        )

    run()


def test_every_operation_matches_its_document(api_app):
    # The operations one by one in a loop: schemathesis's own pytest plugin needs pytest
    # internals this version of pytest no longer has.
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", api_app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 4
    for operation in operations:
        _fuzz(operation, api_app.config["TEST_API_TOKEN"])
