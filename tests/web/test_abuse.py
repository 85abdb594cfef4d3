"""Hostile input against every form the service shows, as each kind of user: script
injection, SQL injection, over-long and awkward Unicode text, NUL characters, tampered
choices, files with hostile names and contents; and POSTs without a CSRF token, other HTTP
methods and path traversal. Nothing may give a 500, run a script, or change data it should not.

The forms are found the way a browser finds them, by reading every page the user can open, so
a new form is covered without touching this file."""

import hashlib
import io

import pytest
from sqlalchemy import inspect, text

from ddat import db
from ddat.permission_matrix import MATRIX
from tests.web.forms_on_pages import PageForm, forms_on
from tests.web.matrix import address, client_for

SCRIPT = '<script>alert("injected")</script>'
ATTRIBUTE = '"><img src=x onerror=alert(1)>'
ESCAPED_SCRIPT = "&lt;script&gt;alert("
HOSTILE = {
    "attribute breakout": ATTRIBUTE,
    "SQL injection": "' OR '1'='1'; DROP TABLE user_account; --",
    "over-long": "A" * 100_000,
    "right-to-left and combining marks": (
        "\u202eevil\u202c e\u0301\u0301\u0301\u0301 \u200b\ufeff "
        "\u0627\u0644\u0639\u0631\u0628\u064a\u0629 \U0001f9d1\u200d\U0001f4bb"
    ),
    "NUL": "before\x00after",
}
HOSTILE_CSV = (
    "email,staff_number,status,notes\r\n"
    f'"{SCRIPT}",=HYPERLINK("http://evil.example"),attended,"{ATTRIBUTE}"\r\n'
    "' OR 1=1 --,\x00,completed,\u202e\r\n"
).encode()
TRAVERSAL_FILE_NAME = "../../../../etc/passwd.csv"
# These end the session or delete the account; they are tested on their own elsewhere.
LEAVE_ALONE = {"/sign-out", "/profile/data/delete"}


def pages(app, values, client):
    """Every page this client may open, as (address, HTML)."""
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        url = address(app, rule, values)
        response = client.get(url)
        assert response.status_code < 500, url
        if response.status_code == 200 and response.mimetype == "text/html":
            yield url, response.get_data(as_text=True)


def forms_for(app, values, client) -> list[PageForm]:
    found: dict[tuple, PageForm] = {}
    for url, html in pages(app, values, client):
        for form in forms_on(html, url):
            key = (form.action.split("?")[0], form.method, tuple(form.text_fields + form.choice_fields))
            if form.action.split("?")[0] not in LEAVE_ALONE:
                found.setdefault(key, form)
    return list(found.values())


def send(client, form: PageForm, data: dict[str, list[str]]):
    if form.method == "get":
        return client.get(form.action, query_string=data)
    body = {name: list(values) for name, values in data.items()}
    for name in form.file_fields:
        body[name] = (io.BytesIO(HOSTILE_CSV), TRAVERSAL_FILE_NAME, "text/csv")
    return client.post(form.action, data=body, content_type="multipart/form-data" if form.file_fields else None)


def check(response, what: str) -> bool:
    """No server error and nothing unescaped; whether the page showed the script, escaped."""
    assert response.status_code < 500, what
    if response.mimetype != "text/html":
        return False
    page = response.get_data(as_text=True)
    assert "Traceback" not in page, what
    return check_page_html(page, what)


def fingerprint(app, ignore: frozenset = frozenset()) -> dict[str, str]:
    """A digest of every row of every table (but those ignored)."""
    with app.app_context():
        engine = db.engine()
        with engine.connect() as connection:
            return {
                table: hashlib.sha256(
                    repr(connection.execute(text(f'SELECT * FROM "{table}" ORDER BY 1')).all()).encode()
                ).hexdigest()
                for table in inspect(engine).get_table_names()
                if table not in ignore
            }


@pytest.mark.parametrize("role", ["anonymous", "civil_servant", "hr_central", "admin"])
def test_every_form_survives_hostile_input_and_shows_it_escaped(world, role):  # noqa: F811
    app, values, _ = world
    client = client_for(app, role)
    forms = forms_for(app, values, client)
    assert len(forms) >= 3, "no forms found: the page reader is broken"
    shown = []  # pages that showed the script back, escaped
    for form in forms:
        for label, value in HOSTILE.items():
            # One box at a time with the page's own choices, so what passes validation is stored...
            for name in form.text_fields:
                response = send(client, form, {**form.values, name: [value]})
                check(response, f"{label} in {form.action} {name}")
                if label == "NUL" and form.method == "post" and not form.file_fields:
                    assert response.status_code == 400, form.action
            # ...and in every box and choice at once, as a tampered request would.
            typed_in = form.text_fields + form.choice_fields
            response = send(client, form, {**form.values, **{name: [value] for name in typed_in}})
            check(response, f"{label} in every field of {form.action}")
        # Last, a script in one box at a time, the rest as the page filled them in, so edit
        # forms save it and it comes back on later pages.
        for name in form.text_fields:
            response = send(client, form, {**form.values, name: [SCRIPT]})
            if check(response, f"{SCRIPT} in {form.action} {name}"):
                shown.append(form.action)
    # Whatever was saved is escaped wherever it appears afterwards.
    stored = [url for url, html in pages(app, values, client) if check_page_html(html, url)]
    assert shown, "no page showed the script back, so nothing showed it was escaped"
    if role != "anonymous":
        assert stored, "nothing typed was saved and shown again"
    with app.app_context():
        tables = set(inspect(db.engine()).get_table_names())
        users = db.session().exec(text("SELECT count(*) FROM user_account")).one()[0]
    assert {"user_account", "person", "skill_rating", "audit_event"} <= tables and users >= 5, "SQL injection worked"


def check_page_html(html: str, where: str) -> bool:
    assert SCRIPT not in html and ATTRIBUTE not in html, f"unescaped input: {where}"
    return ESCAPED_SCRIPT in html


def test_addresses_cannot_set_how_links_are_built(world):  # noqa: F811
    app, values, _ = world
    options = "_method=DELETE&_external=1&_anchor=x&_scheme=javascript&page=2"
    for role in ("civil_servant", "admin"):
        client = client_for(app, role)
        for rule in app.url_map.iter_rules():
            if "GET" in rule.methods and rule.endpoint != "static":
                url = address(app, rule, values)
                response = client.get(url + ("&" if "?" in url else "?") + options)
                assert response.status_code < 500, (role, url)
                assert "javascript:" not in response.get_data(as_text=True), (role, url)


@pytest.mark.parametrize("role", ["anonymous", "civil_servant", "hr_central", "admin"])
def test_posts_without_a_csrf_token_change_nothing(world, role):  # noqa: F811
    app, values, _ = world
    client = client_for(app, role)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        before = fingerprint(app)
        for rule in app.url_map.iter_rules():
            if "POST" in rule.methods and MATRIX[rule.endpoint][role] == "ok":
                response = client.post(address(app, rule, values), data={"confirm": "yes", "shares_with_hr": "yes"})
                assert response.status_code == 400, rule.rule
        assert fingerprint(app) == before
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_other_http_methods_are_refused_and_change_nothing(world):  # noqa: F811
    app, values, _ = world
    client = client_for(app, "admin")
    # The GETs below record that the admin viewed people's records, as they should.
    before = fingerprint(app, ignore=frozenset({"audit_event"}))
    for rule in app.url_map.iter_rules():
        url = address(app, rule, values)
        for method in ("PUT", "PATCH", "DELETE"):
            assert client.open(url, method=method).status_code == 405, (method, rule.rule)
        if "POST" not in rule.methods:
            assert client.post(url).status_code == 405, rule.rule
        if "GET" in rule.methods:
            # A method override header is no way round it either: the GET is just a GET.
            overridden = client.get(url, headers={"X-HTTP-Method-Override": "DELETE"})
            assert overridden.status_code < 500 and overridden.status_code != 405, rule.rule
    assert fingerprint(app, ignore=frozenset({"audit_event"})) == before


@pytest.mark.parametrize(
    "url",
    [
        "/assets/../ddat/config.py",
        "/assets/..%2fddat%2fconfig.py",
        "/assets/%2e%2e/%2e%2e/etc/passwd",
        "/assets/....//....//etc/passwd",
        "/assets/%252e%252e/ddat/config.py",
        "/assets//etc/passwd",
        "/assets/..\\ddat\\config.py",
        "/framework/roles/..%2f..%2fetc%2fpasswd",
        "/masterclasses/..%2fadmin",
        "/framework/skills/%00",
    ],
)
def test_path_traversal_reaches_no_file(world, url):  # noqa: F811
    app, _, _ = world
    # Doubled slashes are merged by a redirect within the service first.
    response = client_for(app, "admin").get(url, follow_redirects=True)
    assert response.status_code in (400, 404), url
    body = response.get_data(as_text=True)
    assert "SECRET_KEY" not in body and "root:" not in body
