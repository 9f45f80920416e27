"""Headers every response carries, the body-size check every request meets first, and the request's values
without NUL characters."""

from flask import Request, abort, current_app, request
from werkzeug.datastructures import ImmutableMultiDict, iter_multi_items

# img-src blob: lets static/js/uploads.js draw a photo the person chose (the browser's own copy of it) to make it
# smaller before it is sent; a blob: address is made by the page's own scripts and can hold nothing from elsewhere.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "frame-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'"
)


def add_security_headers(response):
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
    response.headers.setdefault("Permissions-Policy", "camera=(self), geolocation=(), microphone=()")
    # Pages show personal data: never keep them in a shared cache or the back-forward cache of a kiosk.
    if response.mimetype == "text/html":
        response.headers.setdefault("Cache-Control", "no-store")
    # The same address answers a whole page or, for htmx, a fragment of it: no cache may give one for the other.
    response.vary.add("HX-Request")
    if current_app.config["SESSION_COOKIE_SECURE"]:
        # Served over HTTPS: browsers are to come back only that way, for a year.
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    return response


def refuse_oversized_body():
    """Refuse a body whose declared length is over the limit before anything reads it.

    Werkzeug would otherwise start spooling it to a temporary file that its parser
    leaves open when it gives up half-way.
    """
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    if limit is not None and request.content_length is not None and request.content_length > limit:
        abort(413)


class WithoutNul(ImmutableMultiDict):
    """A form's or an address's values without NUL characters: nobody types one, PostgreSQL cannot keep one in a
    text column (it would answer an error page), and a log or a file name is better without."""

    def __init__(self, mapping=None):
        super().__init__(
            [(key, value.replace("\x00", "") if isinstance(value, str) else value) for key, value in _items(mapping)]
        )


def _items(mapping):
    return iter_multi_items(mapping) if mapping is not None else ()


class PortalRequest(Request):
    parameter_storage_class = WithoutNul
