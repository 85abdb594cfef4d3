"""The framework, public: any stored version, and what changed between two. Responses carry an
ETag (a version never changes once loaded), so a client that has it gets 304 Not Modified."""

import hashlib

from flask import current_app, request
from flask_smorest import Blueprint, abort

from pathways import Framework, diff_frameworks
from pathways.case import to_case

from .. import db
from ..permissions import public
from ..services import framework as releases
from .schemas import (
    CasePackageSchema,
    ChangeQuerySchema,
    FrameworkChangesSchema,
    FrameworkSchema,
    VersionQuerySchema,
    VersionSchema,
)

bp = Blueprint("api_framework", __name__, url_prefix="/api/v1/framework", description="The DDaT Capability Framework")


def framework_or_404(version: str | None) -> Framework:
    session = db.session()
    version = version or releases.current_version(session)
    found = releases.framework_of(session, version) if version else None
    if found is None:
        abort(404, message=f"No framework version {version!r} is stored: see /api/v1/framework/versions")
    return found


def etag_for(*parts: str) -> str:
    return '"' + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32] + '"'


def not_modified(etag: str) -> bool:
    # Weak tags too: proxies that compress the answer send the tag back as W/"...".
    return request.if_none_match.contains_weak(etag.strip('"'))


def as_document(framework: Framework) -> dict:
    return {
        "version": framework.version,
        "name": framework.name,
        "licence_url": framework.licence_url,
        "attribution": framework.attribution,
        "proficiency_levels": [level.name for level in framework.proficiency_levels],
        "grades": list(framework.grade_codes),
        "families": [{"slug": f.slug, "name": f.name, "roles": list(f.roles)} for f in framework.families],
        "roles": [
            {"slug": r.slug, "name": r.name, "family": r.family, "summary": r.summary, "url": r.url,
             "skills_without_levels": list(r.scs_skills),
             "levels": [{"slug": lv.slug, "name": lv.name, "order": lv.order, "typical_grade": lv.typical_grade,
                         "requirements": [{"skill": q.skill, "level": q.level} for q in lv.requirements]}
                        for lv in r.levels]}
            for r in framework.roles.values()
        ],
        "skills": [{"slug": s.slug, "name": s.name, "summary": s.summary, "url": s.url}
                   for s in framework.skills.values()],
    }  # fmt: skip


@bp.route("")
@public
@bp.arguments(VersionQuerySchema, location="query", as_kwargs=True)
@bp.response(200, FrameworkSchema, headers={"ETag": {"schema": {"type": "string"}}})
@bp.alt_response(304, description="Not modified: the version named by If-None-Match")
def framework(version: str | None = None):
    """The framework: families, roles with their levels and required skills, and skills."""
    found = framework_or_404(version)
    etag = etag_for("framework", found.version)
    if not_modified(etag):
        return "", 304, {"ETag": etag}
    return as_document(found), 200, {"ETag": etag}


@bp.route("/versions")
@public
@bp.response(200, VersionSchema(many=True))
def versions():
    """Every framework version stored, oldest first; the last is current."""
    stored = releases.releases(db.session())
    last = len(stored) - 1
    return [{"version": r.version, "loaded_at": r.loaded_at, "current": i == last} for i, r in enumerate(stored)]


@bp.route("/changes")
@public
@bp.arguments(ChangeQuerySchema, location="query", as_kwargs=True)
@bp.response(200, FrameworkChangesSchema)
def changes(from_version: str, to_version: str | None = None):
    """What changed between two versions: roles, role levels and skills added, removed or changed."""
    old, new = framework_or_404(from_version), framework_or_404(to_version)
    found = diff_frameworks(old, new)
    part = lambda c: {"added": list(c.added), "removed": list(c.removed), "changed": list(c.changed)}  # noqa: E731
    return {"from_version": old.version, "to_version": new.version,
            "roles": part(found.roles), "levels": part(found.levels), "skills": part(found.skills)}  # fmt: skip


@bp.route("/case")
@public
@bp.arguments(VersionQuerySchema, location="query", as_kwargs=True)
@bp.response(200, CasePackageSchema, headers={"ETag": {"schema": {"type": "string"}}})
@bp.alt_response(304, description="Not modified: the version named by If-None-Match")
def case(version: str | None = None):
    """The framework as a 1EdTech CASE 1.1 package (CFPackage).

    Role families, roles, role levels and skills are CFItems; a requirement is an `isRelatedTo`
    association from a role level to a skill, in the association grouping of its proficiency.
    Valid against 1EdTech's published CFPackage JSON Schema."""
    found = framework_or_404(version)
    etag = etag_for("case", found.version)
    if not_modified(etag):
        return "", 304, {"ETag": etag}
    loaded = next((r.loaded_at for r in releases.releases(db.session()) if r.version == found.version), None)
    changed_at = loaded.isoformat() if loaded else "1970-01-01T00:00:00+00:00"
    return to_case(found, current_app.config["SERVICE_URL"], changed_at), 200, {"ETag": etag}
