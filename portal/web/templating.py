"""The templates' environment: Flask's, reading the environment's globals as they are.

Jinja gives each template a chain of its own globals over the environment's, and checks that chain's names against
the caller's on every ``{% from ... import ... %}``: a name at a time through the chain, some 25 µs an import, and an
inbox page imports eight times. The portal's templates have no globals of their own, so each reads the environment's
dictionary itself, which a changed global still reaches."""

from collections.abc import MutableMapping
from typing import Any

from flask.templating import Environment as FlaskEnvironment


class Environment(FlaskEnvironment):
    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        return super().make_globals(d) if d else self.globals
