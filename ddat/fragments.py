"""GOV.UK Frontend's header, phase banner and footer, rendered once per process.

They are the same on every page, yet their macros are most of the time a small page takes to
render (cProfile: about 5 of a 404 page's 13 ms). Each is kept under its name and the exact
parameters it was called with, so different parameters are rendered afresh, never mixed up.
"""

import json
from collections.abc import Callable

from markupsafe import Markup

_LIMIT = 64  # the parameters come from the templates, not from requests: a handful at most
_rendered: dict[tuple[str, str], Markup] = {}


def same_every_time(name: str, macro: Callable, params: dict) -> Markup:
    key = (name, json.dumps(params, sort_keys=True, default=str))
    if key not in _rendered:
        if len(_rendered) >= _LIMIT:
            _rendered.clear()
        _rendered[key] = Markup(macro(params))
    return _rendered[key]
