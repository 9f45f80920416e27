"""A conversation's screen, the same for its three audiences: the messages, newest at the bottom, and the form."""

from flask import flash, request, url_for
from flask_login import current_user

from portal import settings
from portal.core.numbers import whole_number
from portal.extensions import db, htmx
from portal.files.forms import uploads_from
from portal.messages import operations as messaging
from portal.messages.forms import MessageForm
from portal.messages.models import MessageThread
from portal.web.once import once
from portal.web.responses import form_status, redirect_after_post, refusals, render


def conversation(thread: MessageThread, emailed: str, back: tuple[str, str], navigation: str | None = None):
    """Send the message written (``emailed`` says whom that told), or show the conversation: each audience's
    screen is this, with its own way back."""
    form = MessageForm()
    if form.validate_on_submit():
        with refusals(form), once(form) as sent:
            messaging.send_message(
                db.session, current_user, thread, form.body.data, uploads_from(form.files), settings.current().uploads
            )
            here = url_for(request.endpoint or "", **(request.view_args or {}))
            sent(here)
            flash(f"Sent. {emailed}", "success")
            return redirect_after_post(here)
    return thread_screen(thread, form, back, navigation)


def thread_screen(thread: MessageThread, form, back: tuple[str, str], navigation: str | None = None):
    """The thread as ``current_user`` reads it (which marks it read), with ``form``; for a form sent with htmx
    and refused, the form alone. ``back`` is the link above it (address, words); ``navigation`` the audience's
    menu, if it has its own."""
    swapped = form.is_submitted() and bool(htmx)
    page = None
    if not swapped:  # a refused form sent with htmx shows the form alone: nothing more is read
        before = whole_number(request.args.get("before"))
        page = messaging.open_thread(db.session, current_user, thread, request.remote_addr, before=before)
    return render(
        "messages/thread.html",
        form_status(form),
        block="message_form" if form.is_submitted() else None,
        thread=thread,
        page=page,
        form=form,
        refusal=messaging.sending_refused(db.session, thread),
        action=url_for(request.endpoint or "", **(request.view_args or {})),
        title=messaging.thread_title(thread, current_user),
        who_reads=messaging.who_reads(thread, current_user),
        back=back,
        navigation=navigation,
    )
