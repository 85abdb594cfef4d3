"""A real OpenID Connect provider on a loopback port (oidc-provider-mock), for single sign-on
tests. `tamper` makes it misbehave the way a broken or hostile provider would: its ID tokens
signed with a key it never published, issued to another client, or already expired."""

import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import flask
import oidc_provider_mock
import requests
from joserfc import jwt
from joserfc.jwk import RSAKey
from werkzeug.serving import make_server

from ddat.sso_config import Provider


def _one(audience):
    return audience[0] if isinstance(audience, list) else audience


TAMPERING = {
    "bad-signature": lambda claims: claims,
    "wrong-audience": lambda claims: {**claims, "aud": "some-other-service"},
    "expired": lambda claims: {**claims, "iat": int(time.time()) - 7200, "exp": int(time.time()) - 3600},
    # Issued to another service, naming this one as the party it was meant for.
    "another-audience-our-azp": lambda claims: {**claims, "aud": "some-other-service", "azp": _one(claims["aud"])},
    "wrong-issuer": lambda claims: {**claims, "iss": "https://impostor.example.com"},
    "wrong-nonce": lambda claims: {**claims, "nonce": "not-the-one-we-sent"},
}


@dataclass
class RunningProvider:
    url: str
    tamper: str | None = None
    _stranger_key: RSAKey = field(default_factory=lambda: RSAKey.generate_key(2048))

    def add_user(self, sub: str, **claims) -> None:
        requests.put(f"{self.url}/users/{sub}", json=claims, timeout=5).raise_for_status()

    def approve(self, authorize_url: str, sub: str) -> str:
        """The person signs in at the provider: returns where it sends them back to."""
        response = requests.post(authorize_url, data={"sub": sub}, allow_redirects=False, timeout=5)
        assert response.status_code == 302, response.text
        return response.headers["Location"]

    def _rewrite_id_token(self, response: flask.Response) -> flask.Response:
        if not self.tamper or flask.request.path != "/oauth2/token" or response.status_code != 200:
            return response
        body = response.get_json()
        real_key = RSAKey.import_key(flask.g.oidc_provider_mock_storage.jwk.as_dict(is_private=True))
        token = jwt.decode(body["id_token"], real_key)
        signing_key = self._stranger_key if self.tamper == "bad-signature" else real_key
        body["id_token"] = jwt.encode(token.header, TAMPERING[self.tamper](token.claims), signing_key)
        response.set_data(flask.json.dumps(body))
        return response


@contextmanager
def running_provider() -> Iterator[RunningProvider]:
    # The provider refuses plain http unless told that this is a test.
    before = os.environ.get("AUTHLIB_INSECURE_TRANSPORT")
    os.environ["AUTHLIB_INSECURE_TRANSPORT"] = "1"
    app = oidc_provider_mock.app(require_nonce=True)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    provider = RunningProvider(url=f"http://127.0.0.1:{server.server_port}")
    app.after_request(provider._rewrite_id_token)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    try:
        yield provider
    finally:
        server.shutdown()
        thread.join(5)
        if before is None:
            os.environ.pop("AUTHLIB_INSECURE_TRANSPORT", None)


def department_using(provider: RunningProvider) -> Provider:
    """How the service is configured to use the provider: a department whose people have
    example.gov.uk addresses."""
    return Provider("test-department", "Test Department", provider.url, "ddat-pathways", "secret", ("example.gov.uk",))
