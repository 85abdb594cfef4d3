"""The framework as a 1EdTech CASE 1.1 package (CFPackage), and back.

Role families, roles, role levels and skills are CFItems (their `CFItemType` says which, and
`humanCodingScheme` holds the framework's own id); a role is a child of its family and a level of
its role (`isChildOf`, ordered by `sequenceNumber`); one level precedes the next. A requirement is
an `isRelatedTo` association from a role level to a skill, in the association grouping of the
proficiency it is needed at (awareness, working, practitioner, expert); a Senior Civil Service
role's skills have no grouping. What CASE has no field for (a role's type, the official pages,
indicative grades) travels in `extensions`. Identifiers are UUIDs derived from the framework's
ids, so the same framework always exports the same package, and importing an export gives a
framework that exports the same package again.
"""

import uuid
from typing import Any
from urllib.parse import quote

from .framework import Framework

NAMESPACE = uuid.UUID("5b0b3f4e-8a54-4b8e-9a8e-2f1e6f0d6d21")  # this service's, for CASE identifiers
FAMILY, ROLE, LEVEL, SKILL = "Role family", "Role", "Role level", "Skill"
CASE_VERSION = "1.1"


def _id(*parts: str) -> str:
    return str(uuid.uuid5(NAMESPACE, "/".join(parts)))


class _Writer:
    def __init__(self, framework: Framework, base_uri: str, changed_at: str):
        self.framework, self.base, self.changed = framework, base_uri.rstrip("/"), changed_at
        self.document_id = _id("document", framework.version)
        self.items: list[dict] = []
        self.associations: list[dict] = []
        self.links: dict[str, dict] = {}

    def uri(self, kind: str, identifier: str) -> str:
        return f"{self.base}/api/v1/framework/case/{kind}/{identifier}"

    def item(self, kind: str, slug: str, statement: str, **fields) -> None:
        identifier = _id(kind, slug)
        row = {"identifier": identifier, "fullStatement": statement, "CFItemType": kind, "humanCodingScheme": slug,
               "uri": self.uri("items", identifier), "lastChangeDateTime": self.changed}  # fmt: skip
        if "extensions" in fields:
            fields["extensions"] = {k: v for k, v in fields["extensions"].items() if v not in (None, [])}
        row.update({k: v for k, v in fields.items() if v not in (None, "", {}, [])})
        self.items.append(row)
        self.links[f"{kind}:{slug}"] = {"title": statement, "identifier": identifier, "uri": row["uri"]}

    def associate(self, kind: str, origin: str, destination: dict, sequence: int | None = None, grouping=None):
        identifier = _id("association", kind, origin, destination["identifier"])
        row = {"identifier": identifier, "associationType": kind, "uri": self.uri("associations", identifier),
               "originNodeURI": self.links[origin], "destinationNodeURI": destination,
               "lastChangeDateTime": self.changed}  # fmt: skip
        if sequence is not None:
            row["sequenceNumber"] = sequence
        if grouping is not None:
            row["CFAssociationGroupingURI"] = grouping
        self.associations.append(row)


def to_case(framework: Framework, base_uri: str, changed_at: str) -> dict[str, Any]:
    """The framework as a CFPackage. `base_uri` is where the service is; `changed_at` (ISO 8601)
    is when this version was loaded, the last change of every record in it."""
    w = _Writer(framework, base_uri, changed_at)
    document_link = {"title": framework.name, "identifier": w.document_id,
                     "uri": f"{w.base}/api/v1/framework/case?version={quote(framework.version)}"}  # fmt: skip
    groupings = {}
    for level in framework.proficiency_levels:
        identifier = _id("proficiency", level.name)
        groupings[level.name] = {"identifier": identifier, "uri": w.uri("groupings", identifier),
                                 "title": level.name, "description": level.summary,
                                 "lastChangeDateTime": w.changed}  # fmt: skip
    links = {
        name: {"title": g["title"], "identifier": g["identifier"], "uri": g["uri"]} for name, g in groupings.items()
    }
    for skill in framework.skills.values():
        w.item(SKILL, skill.slug, skill.name, notes=skill.summary,
               extensions={"officialUrl": skill.url, "variantOf": skill.variant_of})  # fmt: skip
    for place, family in enumerate(framework.families, start=1):
        w.item(FAMILY, family.slug, family.name)
        w.associate("isChildOf", f"{FAMILY}:{family.slug}", document_link, place)
        for n, slug in enumerate(family.roles, start=1):
            role = framework.roles[slug]
            w.item(ROLE, role.slug, role.name, notes=role.summary,
                   extensions={"roleType": role.role_type, "officialUrl": role.url,
                               "typicalGrades": list(role.typical_grades)})  # fmt: skip
            w.associate("isChildOf", f"{ROLE}:{role.slug}", w.links[f"{FAMILY}:{family.slug}"], n)
            for k, skill in enumerate(role.scs_skills, start=1):
                w.associate("isRelatedTo", f"{ROLE}:{role.slug}", w.links[f"{SKILL}:{skill}"], k)
            for level in role.levels:
                grades = {"typicalGrade": level.typical_grade, "typicalGradeSource": level.typical_grade_source}
                w.item(LEVEL, level.slug, level.name, listEnumeration=str(level.order), extensions=grades)
                w.associate("isChildOf", f"{LEVEL}:{level.slug}", w.links[f"{ROLE}:{role.slug}"], level.order)
                for k, need in enumerate(level.requirements, start=1):
                    w.associate("isRelatedTo", f"{LEVEL}:{level.slug}", w.links[f"{SKILL}:{need.skill}"], k,
                                links[need.level])  # fmt: skip
            for earlier, later in zip(role.levels, role.levels[1:], strict=False):
                w.associate("precedes", f"{LEVEL}:{earlier.slug}", w.links[f"{LEVEL}:{later.slug}"])
    document = {
        "identifier": w.document_id, "uri": document_link["uri"], "frameworkType": "Capability framework",
        "caseVersion": CASE_VERSION, "creator": "Government Digital and Data Profession", "title": framework.name,
        "lastChangeDateTime": w.changed, "officialSourceURL": framework.source_url, "publisher": "DDaT Pathways",
        "version": framework.version, "language": "en-GB", "adoptionStatus": "Adopted",
        "licenseURI": {"title": "Open Government Licence v3.0", "identifier": _id("licence"),
                       "uri": framework.licence_url},
        "notes": framework.attribution, "extensions": {"gradeCodes": list(framework.grade_codes)},
    }  # fmt: skip
    licence = {"identifier": _id("licence"), "uri": framework.licence_url, "title": "Open Government Licence v3.0",
               "licenseText": framework.attribution, "lastChangeDateTime": w.changed}  # fmt: skip
    return {
        "CFDocument": document,
        "CFItems": w.items,
        "CFAssociations": w.associations,
        "CFDefinitions": {"CFLicenses": [licence], "CFAssociationGroupings": list(groupings.values())},
    }


def from_case(package: dict[str, Any]) -> dict[str, Any]:
    """A CFPackage made by `to_case` as the framework's own JSON layout (for parse_framework)."""
    document = package["CFDocument"]
    items = {item["identifier"]: item for item in package.get("CFItems", [])}
    proficiency = {
        g["identifier"]: g["title"] for g in package.get("CFDefinitions", {}).get("CFAssociationGroupings", [])
    }
    children: dict[str, list[tuple[int, dict]]] = {}
    related: dict[str, list[tuple[int, dict]]] = {}
    for association in package.get("CFAssociations", []):
        origin, destination = (
            association["originNodeURI"]["identifier"],
            association["destinationNodeURI"]["identifier"],
        )
        place = association.get("sequenceNumber", 0)
        if association["associationType"] == "isChildOf":
            children.setdefault(destination, []).append((place, items.get(origin)))
        elif association["associationType"] == "isRelatedTo":
            grouping = association.get("CFAssociationGroupingURI", {}).get("identifier")
            related.setdefault(origin, []).append((place, {"skill": items[destination]["humanCodingScheme"],
                                                           "level": proficiency.get(grouping)}))  # fmt: skip

    def ordered(pairs):
        return [thing for _, thing in sorted(pairs, key=lambda pair: pair[0])]

    def of_type(kind: str):
        return [item for item in items.values() if item.get("CFItemType") == kind]

    families, roles = [], []
    for family in ordered(children.get(document["identifier"], [])):
        members = ordered(children.get(family["identifier"], []))
        families.append({"slug": family["humanCodingScheme"], "name": family["fullStatement"],
                         "roles": [role["humanCodingScheme"] for role in members]})  # fmt: skip
        for role in members:
            extra = role.get("extensions", {})
            levels = []
            for level in ordered(children.get(role["identifier"], [])):
                more = level.get("extensions", {})
                levels.append({
                    "slug": level["humanCodingScheme"], "name": level["fullStatement"],
                    "order": int(level["listEnumeration"]), "typical_grade": more.get("typicalGrade"),
                    "typical_grade_source": more.get("typicalGradeSource"),
                    "skills": ordered(related.get(level["identifier"], [])),
                })  # fmt: skip
            roles.append({
                "slug": role["humanCodingScheme"], "name": role["fullStatement"], "family": family["humanCodingScheme"],
                "summary": role.get("notes", ""), "role_type": extra.get("roleType", "standard"),
                "url": extra.get("officialUrl", ""), "typical_grades": extra.get("typicalGrades", []), "levels": levels,
                "scs_skills": [need["skill"] for need in ordered(related.get(role["identifier"], []))],
            })  # fmt: skip
    groupings = package.get("CFDefinitions", {}).get("CFAssociationGroupings", [])
    return {
        "framework": {
            "name": document["title"],
            "version": document["version"],
            "attribution": document.get("notes", ""),
            "licence_url": document.get("licenseURI", {}).get("uri", ""),
            "source": document.get("officialSourceURL", ""),
        },  # fmt: skip
        "skill_levels": [{"name": g["title"], "summary": g.get("description", "")} for g in groupings],
        "grade_codes": document.get("extensions", {}).get("gradeCodes", []),
        "role_families": families,
        "roles": roles,
        "skills": [
            {
                "slug": s["humanCodingScheme"],
                "name": s["fullStatement"],
                "summary": s.get("notes", ""),
                "url": s.get("extensions", {}).get("officialUrl", ""),
                "variant_of": s.get("extensions", {}).get("variantOf"),
            }
            for s in of_type(SKILL)
        ],  # fmt: skip
    }
