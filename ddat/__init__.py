"""DDaT Pathways web application."""

import os

from flask import Flask, abort, request
from flask_wtf.csrf import CSRFProtect
from govuk_frontend_wtf.main import WTFormsHelpers
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from .api import init_api
from .auth import init_auth
from .config import CONFIGS, ROOT
from .db import init_db
from .formatters import init_formatters
from .limits import init_limits
from .notifications.delivery import missing_template_settings
from .notifications.messages import MESSAGES
from .security import init_security
from .sso import init_sso

csrf = CSRFProtect()


class DatabaseId(IntegerConverter):
    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(url_map, *args, **kwargs)


def _refuse_nul_characters():
    """No text anyone types has a NUL character, and PostgreSQL cannot store or compare one:
    refuse it in an address or a posted form (uploads included) with a plain 400 page rather than fail later.
    (Query strings are only ever checked against known values or searched in memory.)"""
    values = [request.path]
    if request.method == "POST":
        # Uploads too: their text fields and file names (a file's contents are checked by
        # the import that reads it).
        values += request.form.values()
        values += [upload.filename or "" for upload in request.files.values()]
    if any("\x00" in value for value in values):
        abort(400)


def create_app(config_name: str | None = None, **overrides) -> Flask:
    config_name = config_name or os.environ.get("DDAT_CONFIG", "local")
    app = Flask(
        __name__,
        static_folder=str(ROOT / "static"),
        # GOV.UK Frontend's CSS refers to /assets/fonts and /assets/images.
        static_url_path="/assets",
        template_folder=str(ROOT / "templates"),
        instance_path=str(ROOT / "instance"),
    )
    app.config.from_object(CONFIGS[config_name]())
    for name in MESSAGES:  # one template id per message, from the environment unless given
        setting = f"NOTIFY_TEMPLATE_{name.upper()}"
        app.config[setting] = os.environ.get(setting) or None
    app.config.update(overrides)
    missing = missing_template_settings(app.config)
    if missing:
        raise RuntimeError("NOTIFY_API_KEY is set, so every message needs a template id: set " + ", ".join(missing))
    if app.config["PROXY_COUNT"]:
        hops = app.config["PROXY_COUNT"]
        # Not X-Forwarded-Host: many load balancers pass a client's own through, and it would
        # choose the address identity providers send people back to. Set SERVER_NAME instead.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=0)
    # Ids in addresses are database integers: anything bigger is simply not found (404).
    app.url_map.converters["int"] = DatabaseId

    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(str(ROOT / "templates")),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    init_formatters(app)

    app.before_request(_refuse_nul_characters)
    csrf.init_app(app)
    WTFormsHelpers(app)
    init_db(app)
    init_auth(app)
    init_security(app)
    init_limits(app)
    init_sso(app)

    from .blueprints import (
        account,
        admin,
        auth,
        dashboards,
        errors,
        framework,
        health,
        masterclasses,
        pages,
        people,
        profile,
        schemes,
        sso,
        team,
    )

    app.register_blueprint(framework.bp)
    app.register_blueprint(health.bp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(account.bp)
    app.register_blueprint(sso.bp)
    app.register_blueprint(profile.bp)
    app.register_blueprint(schemes.bp)
    app.register_blueprint(masterclasses.bp)
    app.register_blueprint(dashboards.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(team.bp)
    app.register_blueprint(people.bp)
    init_api(app, csrf)
    errors.register(app)

    from .cli import register_commands

    register_commands(app)
    return app
