"""gunicorn's settings for the portal: ``gunicorn -c gunicorn.conf.py wsgi:app``.

Before any worker starts, the deployment checks run (portal/deployment.py, the same as
``flask portal check-deploy``): an unsafe configuration stops the start, each problem said with
what to fix.
"""

import os
import sys

workers = int(os.environ.get("WEB_CONCURRENCY", "4"))
bind = os.environ.get("BIND", "0.0.0.0:8000")


def on_starting(server) -> None:
    from portal import create_app
    from portal.deployment import problems

    found = problems(create_app().config, os.environ, server.cfg.workers)
    for problem in found:
        server.log.error("Refusing to start: %s", problem)
    if found:
        sys.exit(1)
