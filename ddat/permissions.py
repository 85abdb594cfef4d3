"""Every route declares who may use it; tests check none is left undeclared."""

from collections.abc import Callable

ACCESS_ATTRIBUTE = "access_rule"


def _declare(rule: str) -> Callable:
    def decorator(view: Callable) -> Callable:
        setattr(view, ACCESS_ATTRIBUTE, rule)
        return view

    return decorator


# Anyone, signed in or not: the framework is public information.
public = _declare("public")
