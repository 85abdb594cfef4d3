"""Parts of pages rendered once per process, because they come out the same every time.

GOV.UK Frontend's header, phase banner and footer are the same on every page, yet their
macros were most of the time a small page took to render (docs/performance.md).
`{% call rendered_once(name, *key) %}` keeps a template block's HTML under its name and key:
those, the readiness and proficiency tags, the service navigation (one per role and page)
and the body of each framework page (one per release and slug). The key must name
everything the block shows; values that differ per request, such as a CSRF token, are put in
afterwards in place of a placeholder.
"""

from collections import OrderedDict
from collections.abc import Callable

from markupsafe import Markup

# Every framework page of a release (about 450) and the navigation for each role and
# endpoint: a few tens of MB at most, the oldest going first.
_BLOCK_LIMIT = 2048
_blocks: OrderedDict[tuple, Markup] = OrderedDict()


def rendered_once(name: str, *key, fill: dict[str, str] | None = None, caller: Callable[[], str]) -> Markup:
    """A `{% call rendered_once(name, *key) %}` block's HTML, rendered the first time only."""
    full_key = (name, *key)
    html = _blocks.get(full_key)
    if html is None:
        html = Markup(caller())
        _blocks[full_key] = html
        if len(_blocks) > _BLOCK_LIMIT:
            _blocks.popitem(last=False)
    for placeholder, value in (fill or {}).items():
        html = html.replace(placeholder, value)  # Markup.replace escapes the value
    return html
