"""Personas from Policy and Operational Delivery, AA to permanent secretary, each with the roles
a head of profession would expect to see suggested and the ones that would make them doubt
the service. Written from the professions, not from the engine's output: where the engine
disagrees, the table in docs/matching.md says so (`flask --app app recommendation-figures`).
"""

from dataclasses import dataclass, field

from .profile import Profile


@dataclass(frozen=True)
class Persona:
    name: str
    rationale: str
    profile: Profile
    expected: frozenset[str]  # roles a head of profession would put in the top 10
    must_not: frozenset[str]  # roles whose appearance would discredit the list
    found_at_least: int = 0  # of `expected`, how many the top 10 must hold (0: all)
    notes: str = field(default="")


def persona(name, rationale, grade, profession, skills, expected, must_not, found_at_least=0):
    return Persona(
        name,
        rationale,
        Profile.of(skills, grade=grade, profession=profession),
        frozenset(expected),
        frozenset(must_not),
        found_at_least or len(expected),
    )


ENGINEERING = {"software-developer", "frontend-developer", "development-operations-devops-engineer"}
HEAVY_TECHNICAL = ENGINEERING | {
    "network-architect",
    "machine-learning-engineer",
    "data-engineer",
    "security-architect",
}

PERSONAS = [
    persona(
        "AA administrative assistant, benefits processing",
        "Handles post and customer queries. Service desk work at AO/EO, one grade up, is the usual "
        "first DDaT job; nothing that needs technical or analytical depth.",
        "AA",
        "operational_delivery",
        {"customer-service-management": 1, "service-focus": 1, "user-focus": 1, "ownership-and-topic": 1},
        {"service-desk-manager", "it-service-manager"},
        HEAVY_TECHNICAL | {"data-scientist", "enterprise-architect"},
    ),
    persona(
        "AO case worker, HM Courts",
        "Processes cases against rules, spots recurring problems and logs them. Service desk and "
        "IT service roles build on exactly that.",
        "AO",
        "operational_delivery",
        {
            "customer-service-management": 2,
            "service-focus": 2,
            "user-focus": 1,
            "incident-management": 1,
            "problem-management": 1,
            "continual-service-improvement": 1,
        },
        {"service-desk-manager", "it-service-manager", "problem-manager"},
        HEAVY_TECHNICAL | {"data-scientist", "enterprise-architect"},
        found_at_least=2,
    ),
    persona(
        "EO contact-centre officer",
        "Resolves callers' problems, owns incidents to the end and reports on service. IT "
        "operations roles at EO/HEO are the natural move.",
        "EO",
        "operational_delivery",
        {
            "customer-service-management": 2,
            "service-focus": 2,
            "incident-management": 2,
            "ownership-and-topic": 2,
            "user-focus": 2,
            "stakeholder-relationship-management": 2,
            "problem-management": 1,
            "it-service-reporting": 1,
            "continual-service-improvement": 1,
        },
        {"service-desk-manager", "it-service-manager", "incident-manager", "problem-manager"},
        HEAVY_TECHNICAL | {"data-scientist", "enterprise-architect"},
        found_at_least=3,
    ),
    persona(
        "EO operations officer, passport office",
        "Keeps a processing line running and improving. The same IT operations family, with "
        "change and release work close to process improvement.",
        "EO",
        "operational_delivery",
        {
            "customer-service-management": 2,
            "service-focus": 2,
            "incident-management": 2,
            "ownership-and-topic": 2,
            "user-focus": 2,
            "problem-management": 1,
            "continual-service-improvement": 1,
        },
        {"service-desk-manager", "it-service-manager", "change-and-release-manager"},
        HEAVY_TECHNICAL | {"data-scientist"},
        found_at_least=2,
    ),
    persona(
        "HEO policy officer with a user research bent",
        "Runs stakeholder workshops and synthesises what users say into policy options. User "
        "research and service design are the obvious homes; business analysis too.",
        "HEO",
        "policy",
        {
            "applying-user-centred-insights": 2,
            "analysis-and-synthesis": 2,
            "user-focus": 2,
            "stakeholder-relationship-management": 2,
            "communicating-analysis-and-insight": 2,
            "context-problem-and-option-analysis": 2,
            "user-centred-content-design": 1,
            "evaluation-planning-and-strategy": 1,
        },
        {"user-researcher", "service-designer", "business-analyst"},
        HEAVY_TECHNICAL | {"infrastructure-engineer", "end-user-computing-engineer"},
        found_at_least=2,
    ),
    persona(
        "HEO policy writer",
        "Drafts guidance and ministerial submissions in plain English. Content design, and "
        "technical writing, use that skill every day.",
        "HEO",
        "policy",
        {
            "user-centred-content-design": 2,
            "communicating-analysis-and-insight": 2,
            "stakeholder-relationship-management": 2,
            "strategic-thinking": 1,
            "context-problem-and-option-analysis": 2,
            "user-focus": 1,
        },
        {"content-designer", "technical-writer"},
        HEAVY_TECHNICAL | {"infrastructure-engineer", "data-scientist"},
        found_at_least=1,
    ),
    persona(
        "SEO operational delivery team leader",
        "Leads a team of 15, plans work, tracks performance and improves processes. Delivery "
        "management and running IT services are the established moves.",
        "SEO",
        "operational_delivery",
        {
            "operational-management": 3,
            "team-dynamics-and-collaboration": 3,
            "planning": 2,
            "maintaining-delivery-momentum": 2,
            "stakeholder-relationship-management": 2,
            "performance-measurement": 2,
            "business-process-improvement": 2,
            "continual-service-improvement": 2,
            "leading-performance-and-benefits": 1,
        },
        {
            "delivery-manager",
            "it-service-manager",
            "service-desk-manager",
            "digital-portfolio-manager",
            "business-analyst",
        },
        HEAVY_TECHNICAL | {"data-scientist"},
        found_at_least=3,
    ),
    persona(
        "SEO policy analyst with statistics",
        "Builds the evidence base for policy with survey data and charts. Data and performance "
        "analysis, and evaluation, are one step across.",
        "SEO",
        "policy",
        {
            "analysis-and-insight": 3,
            "applying-statistical-and-analytical-tools-and-techniques": 2,
            "data-visualisation": 2,
            "quality-assurance-of-data-and-analysis": 2,
            "communicating-analysis-and-insight": 3,
            "context-problem-and-option-analysis": 2,
            "data-ethics-and-privacy": 1,
            "evaluation-planning-and-strategy": 2,
        },
        {"data-analyst", "performance-analyst", "digital-evaluator"},
        HEAVY_TECHNICAL | {"infrastructure-engineer", "service-desk-manager"},
    ),
    persona(
        "Grade 7 policy analyst",
        "Leads analysis for a policy area and explains it to ministers. Performance and data "
        "analysis, business analysis and portfolio work; not engineering.",
        "G7",
        "policy",
        {
            "analysis-and-insight": 3,
            "context-problem-and-option-analysis": 3,
            "strategic-thinking": 3,
            "stakeholder-relationship-management": 3,
            "communicating-analysis-and-insight": 3,
            "communicating-between-the-technical-and-non-technical": 2,
            "applying-statistical-and-analytical-tools-and-techniques": 2,
            "quality-assurance-of-data-and-analysis": 2,
            "requirements-definition-and-management": 2,
            "data-visualisation": 2,
        },
        {"performance-analyst", "data-analyst", "business-analyst", "digital-portfolio-manager"},
        HEAVY_TECHNICAL | {"infrastructure-engineer"},
        found_at_least=3,
    ),
    persona(
        "Grade 7 policy programme lead",
        "Runs a cross-government programme: plans, budgets, risks, governance. Programme and "
        "delivery management and portfolio roles.",
        "G7",
        "policy",
        {
            "planning": 3,
            "governance-and-assurance": 2,
            "financial-management": 2,
            "commercial-management": 2,
            "maintaining-delivery-momentum": 3,
            "enabling-and-informing-risk-based-decisions": 2,
            "stakeholder-relationship-management": 3,
            "leading-performance-and-benefits": 2,
            "strategic-thinking": 3,
            "creating-value-for-money": 2,
        },
        {"delivery-manager", "programme-delivery-manager", "digital-portfolio-manager", "service-owner"},
        HEAVY_TECHNICAL | {"data-scientist", "test-engineer"},
        found_at_least=3,
    ),
    persona(
        "Grade 6 operations director",
        "Runs a national operation of 400 people. Owning a service end to end, or running IT services, at G6.",
        "G6",
        "operational_delivery",
        {
            "operational-management": 3,
            "strategic-ownership": 3,
            "making-and-guiding-decisions": 3,
            "team-dynamics-and-collaboration": 3,
            "stakeholder-relationship-management": 3,
            "leading-performance-and-benefits": 3,
            "continual-service-improvement": 2,
            "financial-management": 2,
            "planning": 3,
        },
        {"service-owner", "it-service-manager", "programme-delivery-manager", "digital-portfolio-manager"},
        HEAVY_TECHNICAL | {"data-scientist", "test-engineer"},
        found_at_least=2,
    ),
    persona(
        "SCS1 deputy director, policy",
        "Sets direction for a policy directorate. The DDaT levels at their grade are heads of "
        "profession; portfolio, data governance and delivery leadership fit a policy leader.",
        "SCS1",
        "policy",
        {
            "strategic-thinking": 4,
            "making-and-guiding-decisions": 3,
            "strategic-ownership": 3,
            "stakeholder-relationship-management": 4,
            "governance-and-assurance": 3,
            "data-ethics-and-privacy": 2,
            "enabling-and-informing-risk-based-decisions": 3,
            "financial-management": 3,
            "communicating-analysis-and-insight": 3,
        },
        {"digital-portfolio-manager", "data-governance-manager", "delivery-manager", "data-ethicist"},
        HEAVY_TECHNICAL | {"infrastructure-engineer", "test-engineer"},
        found_at_least=2,
    ),
]

# Nothing in the framework is at a permanent secretary's grade: the service should suggest no
# role levels to them (and offer the data masterclass instead), unless they ask for lower ones.
PERMANENT_SECRETARY = Profile.of(
    {"strategic-thinking": 4, "making-and-guiding-decisions": 4, "stakeholder-relationship-management": 4,
     "strategic-ownership": 4, "analysis-and-insight": 1},
    grade="PS",
    profession="policy",
)  # fmt: skip
