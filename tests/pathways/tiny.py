"""A three-level framework small enough to score by hand (docs/matching.md uses it too)."""

import json

from pathways import parse_framework


def tiny_document() -> dict:
    def skill(slug, variant_of=None):
        return {
            "slug": slug,
            "name": slug.title(),
            "summary": f"{slug} skill",
            "url": "https://example.org",
            "variant_of": variant_of,
        }

    def level(slug, order, skills):
        return {
            "slug": slug,
            "name": slug.replace("-", " ").capitalize(),
            "order": order,
            "typical_grade": None,
            "typical_grade_source": None,
            "skills": [{"skill": s, "level": lv} for s, lv in skills.items()],
        }

    return {
        "framework": {"name": "Tiny", "attribution": "Test data", "licence_url": "https://example.org",
                      "source": "https://example.org", "generated_at": "2026-01-01"},
        "skill_levels": [{"id": i, "name": n, "summary": n} for i, n in
                         enumerate(["awareness", "working", "practitioner", "expert"], start=1)],
        "grade_codes": ["AA", "AO", "EO", "HEO", "SEO", "G7", "G6", "SCS1", "SCS2", "SCS3", "PS"],
        "role_families": [{"slug": "family", "name": "Family", "roles": ["analyst", "writer"]}],
        "roles": [
            {"slug": "analyst", "name": "Analyst", "family": "family", "summary": "Analyses", "role_type": "standard",
             "url": "https://example.org",
             "levels": [level("analyst", 1, {"a": "working", "b": "practitioner"}),
                        level("senior-analyst", 2, {"a": "practitioner", "b": "expert"})]},
            {"slug": "writer", "name": "Writer", "family": "family", "summary": "Writes", "role_type": "standard",
             "url": "https://example.org", "levels": [level("writer", 1, {"a": "awareness", "c-writing": "working"})]},
        ],
        "skills": [skill("a"), skill("b"), skill("c"), skill("c-writing", variant_of="c")],
    }  # fmt: skip


def tiny_framework():
    return parse_framework(json.dumps(tiny_document()).encode(), source="tiny.json")
