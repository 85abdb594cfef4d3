"""The shapes the API reads and writes (marshmallow), which are also its OpenAPI document."""

from marshmallow import Schema, fields, validate

from ..services.learning_completions import MAX_ROWS as COMPLETIONS_MAX
from ..services.people_feed import MAX_ROWS
from ..vocabulary import PROFESSION_NAMES


class FieldProblemSchema(Schema):
    pointer = fields.String(required=True, metadata={"description": "JSON pointer to the field, e.g. /people/3/grade"})
    detail = fields.String(required=True)


class ProblemSchema(Schema):
    """Problem details (RFC 9457)."""

    type = fields.String(required=True, metadata={"example": "about:blank"})
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String()
    errors = fields.List(fields.Nested(FieldProblemSchema))


# --- the framework ----------------------------------------------------------------------------


class VersionSchema(Schema):
    version = fields.String(required=True)
    loaded_at = fields.DateTime(required=True)
    current = fields.Boolean(required=True)


class VersionQuerySchema(Schema):
    version = fields.String(metadata={"description": "A framework version; the current one if not given"})


class RequirementSchema(Schema):
    skill = fields.String(required=True)
    level = fields.String(required=True, validate=validate.OneOf(["awareness", "working", "practitioner", "expert"]))


class RoleLevelSchema(Schema):
    slug = fields.String(required=True)
    name = fields.String(required=True)
    order = fields.Integer(required=True)
    typical_grade = fields.String(allow_none=True)
    requirements = fields.List(fields.Nested(RequirementSchema), required=True)


class RoleSchema(Schema):
    slug = fields.String(required=True)
    name = fields.String(required=True)
    family = fields.String(required=True)
    summary = fields.String(required=True)
    url = fields.String(required=True)
    levels = fields.List(fields.Nested(RoleLevelSchema), required=True)
    skills_without_levels = fields.List(fields.String(), required=True)


class FamilySchema(Schema):
    slug = fields.String(required=True)
    name = fields.String(required=True)
    roles = fields.List(fields.String(), required=True)


class SkillSchema(Schema):
    slug = fields.String(required=True)
    name = fields.String(required=True)
    summary = fields.String(required=True)
    url = fields.String(required=True)


class FrameworkSchema(Schema):
    version = fields.String(required=True)
    name = fields.String(required=True)
    licence_url = fields.String(required=True)
    attribution = fields.String(required=True)
    proficiency_levels = fields.List(fields.String(), required=True)
    grades = fields.List(fields.String(), required=True)
    families = fields.List(fields.Nested(FamilySchema), required=True)
    roles = fields.List(fields.Nested(RoleSchema), required=True)
    skills = fields.List(fields.Nested(SkillSchema), required=True)


class ChangeQuerySchema(Schema):
    from_version = fields.String(required=True, data_key="from")
    to_version = fields.String(data_key="to", metadata={"description": "The current version if not given"})


class ChangesSchema(Schema):
    added = fields.List(fields.String(), required=True)
    removed = fields.List(fields.String(), required=True)
    changed = fields.List(fields.String(), required=True)


class FrameworkChangesSchema(Schema):
    from_version = fields.String(required=True, data_key="from")
    to_version = fields.String(required=True, data_key="to")
    roles = fields.Nested(ChangesSchema, required=True)
    levels = fields.Nested(ChangesSchema, required=True)
    skills = fields.Nested(ChangesSchema, required=True)


class CasePackageSchema(Schema):
    """A CASE 1.1 CFPackage: its parts as 1EdTech's CFPackage JSON Schema defines them."""

    class Meta:
        unknown = "include"

    CFDocument = fields.Dict(required=True)
    CFItems = fields.List(fields.Dict(), required=True)
    CFAssociations = fields.List(fields.Dict(), required=True)
    CFDefinitions = fields.Dict(required=True)


# --- the people feed -------------------------------------------------------------------------


class FeedPersonSchema(Schema):
    staff_number = fields.String(required=True, validate=validate.Length(min=1, max=20))
    email = fields.String(validate=validate.Length(max=254), metadata={"description": "Work email address"})
    name = fields.String(validate=validate.Length(max=200))
    grade = fields.String(validate=validate.Length(max=8), metadata={"example": "HEO"})
    department = fields.String(validate=validate.Length(max=200), metadata={"description": "Name or abbreviation"})
    profession = fields.String(validate=validate.Length(max=40), metadata={"example": "operational_delivery"})
    line_manager = fields.String(
        allow_none=True, validate=validate.Length(max=20), metadata={"description": "The line manager's staff number"}
    )
    # Only JSON true or false: "yes" or 1 closing someone's account by accident is too easy.
    left = fields.Boolean(load_default=False, truthy={True}, falsy={False},
                          metadata={"description": "true when the person has left"})  # fmt: skip


class FeedBatchSchema(Schema):
    people = fields.List(fields.Nested(FeedPersonSchema), required=True, validate=validate.Length(min=1, max=MAX_ROWS))


class FeedResultSchema(Schema):
    created = fields.Integer(required=True)
    updated = fields.Integer(required=True)
    unchanged = fields.Integer(required=True)
    left = fields.Integer(required=True)


# --- learning completions --------------------------------------------------------------------


class CompletionSchema(Schema):
    staff_number = fields.String(required=True, validate=validate.Length(min=1, max=20))
    item = fields.String(required=True, validate=validate.Length(min=1, max=80),
                         metadata={"description": "The learning item's id, as in /masterclasses/<item>"})  # fmt: skip
    completed_on = fields.Date(required=True)


class CompletionReportSchema(Schema):
    completions = fields.List(fields.Nested(CompletionSchema), required=True,
                              validate=validate.Length(min=1, max=COMPLETIONS_MAX))  # fmt: skip


class CompletionResultSchema(Schema):
    recorded = fields.Integer(required=True)
    unchanged = fields.Integer(required=True)


# --- reading -----------------------------------------------------------------------------------


class OwnDataSchema(Schema):
    data = fields.Dict(required=True, metadata={"description": "The same as the JSON download on /profile/data"})


class CursorQuerySchema(Schema):
    cursor = fields.String(metadata={"description": "The next_cursor of the page before"})
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=500))


class MemberSchema(Schema):
    id = fields.Integer(required=True)
    staff_number = fields.String(allow_none=True)
    name = fields.String(required=True)
    department = fields.String(required=True)
    grade = fields.String(required=True)
    profession = fields.String(required=True)
    status = fields.String(required=True)
    source = fields.String(required=True)
    target_level = fields.String(allow_none=True)
    fit_at_enrolment = fields.Integer(allow_none=True)
    applied_at = fields.DateTime(allow_none=True)
    enrolled_at = fields.DateTime(allow_none=True)
    completed_at = fields.DateTime(allow_none=True)
    placed_level = fields.String(allow_none=True)
    placed_on = fields.Date(allow_none=True)


class MembersPageSchema(Schema):
    scheme = fields.String(required=True)
    items = fields.List(fields.Nested(MemberSchema), required=True)
    next_cursor = fields.String(allow_none=True, required=True)


class FiguresQuerySchema(Schema):
    by = fields.String(load_default="department", validate=validate.OneOf(["department", "profession", "grade"]))
    department = fields.Integer(metadata={"description": "A department's id (the figures by department list them)"})
    profession = fields.String(validate=validate.OneOf(list(PROFESSION_NAMES)))
    band = fields.String(metadata={"description": "A grade band, as on the dashboards: AA-EO, HEO-SEO, G7-G6 or SCS"})
    evidence = fields.String(
        validate=validate.OneOf(["confirmed"]),
        metadata={"description": "confirmed: count only skills a line manager confirmed"},
    )


class FigureSchema(Schema):
    count = fields.Integer(allow_none=True, required=True, metadata={"description": "Rounded to the nearest 5"})
    hidden = fields.String(allow_none=True, required=True, metadata={"description": "Why the count is hidden"})
    label = fields.String(required=True, metadata={"description": "As the dashboard shows it"})


class FigureRowSchema(Schema):
    group = fields.String(required=True)
    cells = fields.List(fields.Nested(FigureSchema), required=True)


class AppliedFiltersSchema(Schema):
    by = fields.String(required=True)
    department = fields.String(allow_none=True, required=True)
    profession = fields.String(allow_none=True, required=True)
    band = fields.String(allow_none=True, required=True)
    evidence = fields.String(allow_none=True, required=True)


class FiguresSchema(Schema):
    filters = fields.Nested(AppliedFiltersSchema, required=True, metadata={"description": "The filters applied"})
    too_few = fields.Boolean(required=True, metadata={"description": "Fewer than 5 people match: no figures"})
    groups = fields.String(
        required=True, metadata={"description": "What the rows are: Department, Profession or Grade"}
    )
    columns = fields.List(fields.String(), required=True)
    rows = fields.List(fields.Nested(FigureRowSchema), required=True)
    total = fields.List(fields.Nested(FigureSchema), required=True)
