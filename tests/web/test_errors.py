import pytest

from ddat.permissions import public


def test_an_unexpected_error_shows_a_gov_uk_500_page_without_a_stack_trace(app):
    @public
    def broken():
        raise RuntimeError("secret internal detail")

    app.add_url_rule("/broken", view_func=broken)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = app.test_client().get("/broken")
    html = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in html
    assert "secret internal detail" not in html and "Traceback" not in html


@pytest.mark.parametrize(
    "method, url, status, heading",
    [
        ("post", "/framework", 405, "Sorry, that action is not allowed on this page"),
        ("get", "/framework/roles/nope", 404, "Page not found"),
    ],
)
def test_http_errors_have_gov_uk_pages(client, method, url, status, heading):
    response = getattr(client, method)(url)
    assert response.status_code == status
    assert heading in response.get_data(as_text=True)


def test_a_post_without_a_csrf_token_is_refused(app):
    @public
    def change_something():
        return "changed"

    app.add_url_rule("/change", view_func=change_something, methods=["POST"])
    response = app.test_client().post("/change", data={"anything": "1"})
    assert response.status_code == 400
    assert "Sorry, there is a problem with your request" in response.get_data(as_text=True)


def test_production_refuses_to_start_without_a_secret_key(monkeypatch):
    from ddat import create_app

    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY must be set"):
        create_app("production")
