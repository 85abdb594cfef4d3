"""What templates can call: filters, tests and globals, registered in one place.

Wording that depends on a rule elsewhere comes from that rule: "fewer than 5" is written with
the disclosure threshold, so changing the threshold changes every page that explains it.
"""

from flask import Flask, request
from flask_login import current_user
from markupsafe import Markup, escape

from pathways.disclosure import DEFAULT_THRESHOLD, MIN_ANSWERS
from pathways.framework import in_sentence
from pathways.grades import grades_in_words
from pathways.scoring import DEFAULT_THRESHOLDS

from . import permissions, vocabulary
from .fragments import rendered_once
from .navigation import is_line_manager, service_navigation
from .services.learning import to_uk
from .viewmodels import disclosure_labels


def kept_args() -> dict[str, str]:
    """The query string to carry into links (filters, pages), without url_for's own options
    such as _external or _method, which an address must not be able to set."""
    return {key: value for key, value in request.args.items() if not key.startswith("_")}


def option_tags(choices, selected) -> Markup:
    """`<option>` tags for a select, `selected` (compared as text) marked: a Jinja loop over
    the 201 role levels, three times, was most of the capability gaps page's time. Built with
    `escape` and plain strings, as `Markup.format` is much slower (docs/performance.md)."""
    chosen = "" if selected is None else str(selected)
    tags = []
    for value, text in choices:
        value = str(value)
        mark = " selected" if value == chosen else ""
        tags.append(f'<option value="{escape(value)}"{mark}>{escape(text)}</option>')
    return Markup("".join(tags))


def changing_an_answer() -> bool:
    """Whether the page was opened from a Change link on "check your answers" (`?change=yes`):
    its Back link and button then lead back there."""
    return request.args.get("change") == "yes"


def can(capability: permissions.Capability) -> bool:
    """Whether the signed-in person (or an anonymous visitor) has a capability."""
    return capability.held_by(current_user)


def init_formatters(app: Flask) -> None:
    env = app.jinja_env
    env.filters["uk"] = to_uk
    env.filters["uk_date"] = lambda when: f"{to_uk(when):%-d %B %Y}" if when else ""  # "2 December 2026"
    env.filters["grade"] = vocabulary.grade_name  # "G7" reads "Grade 7"; nothing reads "Not given"
    env.filters["profession"] = vocabulary.profession_name
    env.filters["audience"] = vocabulary.audience_name
    env.filters["grades"] = lambda codes: grades_in_words(tuple(codes), vocabulary.GRADE_NAMES) or "Not known"
    env.filters["grade_summary"] = lambda implication: implication.summary_in(vocabulary.GRADE_NAMES)
    env.filters["code_spans"] = code_spans  # `like this` in the API's own descriptions
    env.filters["in_sentence"] = in_sentence  # "IT service manager" stays, "Data analyst" becomes "data analyst"
    env.tests["hidden"] = disclosure_labels.is_hidden
    env.globals.update(
        kept_args=kept_args,
        rendered_once=rendered_once,
        option_tags=option_tags,
        shown=disclosure_labels.label,
        service_navigation=service_navigation,
        is_line_manager=is_line_manager,
        can=can,
        changing_an_answer=changing_an_answer,
        RUN_LEARNING=permissions.RUN_LEARNING,
        RUN_SCHEMES=permissions.RUN_SCHEMES,
        SEE_AGGREGATES=permissions.SEE_AGGREGATES,
        # The smallest group whose numbers are shown, and the fewest answers an average needs.
        threshold=DEFAULT_THRESHOLD,
        min_answers=MIN_ANSWERS,
        thresholds=DEFAULT_THRESHOLDS,  # the readiness bands pages describe
    )


def code_spans(text: str) -> Markup:
    """Text with its `backticked` parts as <code>, everything else escaped."""
    parts = str(escape(text)).split("`")
    return Markup("".join(f"<code>{part}</code>" if i % 2 else part for i, part in enumerate(parts)))
