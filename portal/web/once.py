"""A form that creates something makes one change however often it is sent.

Its page carries a one-time key (``OnceField``). The view runs the operation inside ``once(form)``:
the key is written in the operation's own transaction, so the change and the key are committed
together or not at all. Sent again after that (a double click, the back button and send, a slow
answer and a second press), the key is found and the person is taken to what the first sending
made, told it was received once. Sent twice at the same moment, the second write of the key fails
at the commit, and the same is said.
"""

import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from flask_login import current_user
from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from wtforms import HiddenField

from portal.core.columns import utcnow
from portal.core.models import FormSubmission
from portal.extensions import db


class AlreadySent(Exception):
    """The form was sent before and made its change then; ``url`` is where that led, if known."""

    def __init__(self, url: str | None) -> None:
        super().__init__("That was already sent, and received once.")
        self.url = url


class OnceField(HiddenField):
    """The form's one-time key: new on each page that shows the form, kept when it is shown again with problems."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("default", lambda: secrets.token_hex(16))
        super().__init__(*args, **kwargs)

    def process_formdata(self, valuelist: list) -> None:
        if not valuelist:  # a page without the key (a draft read back): a new one, from the default
            return
        self.data = valuelist[0]
        if len(self.data) != 32 or any(c not in "0123456789abcdef" for c in self.data):
            self.data = None
            raise ValueError("This page could not be read back. Reload it and try again.")


# A form sent again after this long is not a double click or a slow answer: its key may be forgotten.
KEYS_KEPT = timedelta(days=1)


def forget_old_keys(session, now: datetime | None = None) -> int:
    """Remove the keys of forms sent more than a day ago (``expire-drafts`` runs this daily); how many."""
    result = session.execute(delete(FormSubmission).where(FormSubmission.created_at < (now or utcnow()) - KEYS_KEPT))
    session.commit()
    return result.rowcount


@contextmanager
def once(form) -> Iterator[Callable[[str], None]]:
    """Run the form's operation once: yields ``sent(url)``, to call after the operation with where it led."""
    key = form.once.data
    earlier = db.session.get(FormSubmission, key)
    if earlier is not None:
        raise AlreadySent(earlier.result_url)
    record = FormSubmission(key=key, user_id=current_user.id, created_at=utcnow())
    db.session.add(record)

    def sent(url: str) -> None:
        record.result_url = url
        db.session.commit()

    try:
        yield sent
    except IntegrityError as error:
        db.session.rollback()
        if db.session.get(FormSubmission, key) is None:
            raise
        raise AlreadySent(None) from error  # the same form, sent at the same moment, got there first
    except BaseException:
        # Refused (or failed) before its commit: the key is not spent, and the form can be sent again as it is.
        db.session.rollback()
        raise
