"""Markup drawn once for the same words. A macro called with frozen, hashable values (a row of a list, worked out in
Python) draws the same markup every time; a list that shows much the same rows request after request then draws
each row once, not once a request. Only what changed is drawn again: a row whose words changed is a new key."""

from collections.abc import Hashable
from functools import lru_cache

from flask import current_app, request
from markupsafe import Markup

# Rows (about 1 KB each) and filter bars (4 KB) of every case manager's pages: a few MB at most.
_KEPT = 4096


def drawn(template: str, macro: str, *values: Hashable) -> Markup:
    """``macro`` of ``template`` called with ``values`` (markup, as the templates escape); drawn afresh while
    templates are reloaded as they change (development), else kept."""
    environment = current_app.jinja_env
    if environment.auto_reload:
        return _draw(template, macro, values)
    # The markup's links are paths under where the portal is served; the environment holds the templates.
    return _kept(id(environment), request.script_root, template, macro, values)


def _draw(template: str, macro: str, values: tuple) -> Markup:
    return getattr(current_app.jinja_env.get_template(template).module, macro)(*values)


@lru_cache(maxsize=_KEPT)
def _kept(environment_id: int, script_root: str, template: str, macro: str, values: tuple) -> Markup:
    return _draw(template, macro, values)
