"""Messages at the service level: who may write and read, the emails, what is unread, files, closed cases."""

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from portal import access
from portal.accounts.models import Role
from portal.audit.models import AuditEvent
from portal.cases.models import CaseStatus
from portal.cases.operations import closed_case_message
from portal.core.columns import utcnow
from portal.core.errors import Conflict, InvalidInput, NotFound
from portal.files.models import StoredFile
from portal.mail.models import OutboundEmail
from portal.messages import operations as messaging
from portal.messages.models import MAX_BODY, Message, MessageAttachment, MessageThread, ThreadKind
from tests import factories
from tests.messages.conftest import send, upload

SECRET = "The MRI shows a herniated disc at L4-L5"


def count(db_session, model) -> int:
    return db_session.scalar(select(func.count()).select_from(model))


def emails(db_session) -> list[OutboundEmail]:
    return list(db_session.scalars(select(OutboundEmail).order_by(OutboundEmail.id)))


@pytest.mark.security(
    threat="A message's words, perhaps medical, travel by email",
    control="A new message emails the other side a link to the conversation, never its words",
)
def test_the_employee_writes_to_the_case_manager_who_is_emailed_a_link_and_never_the_words(db_session, people, limits):
    message = send(db_session, people.employee, people.case, f"  {SECRET}  ", limits)

    assert message.body == SECRET and message.author_id == people.employee.id
    thread = message.thread
    assert thread.kind == ThreadKind.EMPLOYEE and thread.party_id == people.employee.id
    assert thread.last_message_at == message.sent_at
    (email,) = emails(db_session)
    assert email.to_address == people.manager.email and email.subject == "A new message on a case"
    link = f"http://portal.test/inbox/cases/{people.case.id}/messages/employee"
    for body in (email.body_text, email.body_html):
        assert link in body and people.case.number in body
        assert "herniated" not in body and "MRI" not in body
    assert people.case.last_contact_at == message.sent_at  # a message with the employee is contact with them
    sent = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "message_sent")).one()
    assert sent.object_id == message.id and sent.case_id == people.case.id


def test_the_case_managers_reply_emails_the_employee_a_link_to_their_conversation(db_session, people, limits):
    send(db_session, people.employee, people.case, "When do I go back?", limits)
    reply = send(db_session, people.manager, people.case, f"Your note says: {SECRET}", limits)

    assert reply.thread_id == db_session.scalars(select(MessageThread)).one().id  # one conversation
    email = emails(db_session)[-1]
    assert email.to_address == people.employee.email
    assert email.subject == "A new message from your case manager"
    assert f"http://portal.test/employee/cases/{people.case.id}/messages" in email.body_text
    assert "herniated" not in email.body_text + (email.body_html or "")


def test_with_no_case_manager_every_active_case_manager_is_emailed(db_session, people, limits):
    people.case.case_manager = None
    other = factories.user(db_session, Role.CASE_MANAGER)
    factories.user(db_session, Role.CASE_MANAGER, active=False)
    db_session.commit()
    send(db_session, people.employee, people.case, "Is anyone there?", limits)
    assert {email.to_address for email in emails(db_session)} == {people.manager.email, other.email}


def test_the_clinician_and_the_case_manager_write_in_the_clinicians_own_thread(db_session, people, limits):
    sent = send(db_session, people.clinician, people.case, SECRET, limits)
    reply = send(db_session, people.manager, people.case, "Thank you", limits, clinician_id=people.clinician.id)

    assert sent.thread_id == reply.thread_id and sent.thread.kind == ThreadKind.CLINICIAN
    to_manager, to_clinician = emails(db_session)
    assert to_manager.to_address == people.manager.email
    assert f"/inbox/cases/{people.case.id}/messages/clinicians/{people.clinician.id}" in to_manager.body_text
    assert to_clinician.to_address == people.clinician.email
    assert f"http://portal.test/clinician/cases/{people.case.id}/messages" in to_clinician.body_text
    assert all("herniated" not in email.body_text + (email.body_html or "") for email in emails(db_session))
    assert people.case.last_contact_at is None  # writing to the clinician is not contact with the employee


def test_a_clinician_sees_only_their_own_thread(db_session, people, limits):
    other = factories.user(db_session, Role.CLINICIAN, name="Dr Other")
    factories.authorisation(db_session, people.case, other)
    db_session.commit()
    send(db_session, people.manager, people.case, "For Dr Lee", limits, clinician_id=people.clinician.id)
    send(db_session, people.manager, people.case, "For Dr Other", limits, clinician_id=other.id)
    send(db_session, people.manager, people.case, "For the employee", limits)

    own = access.get_thread(db_session, people.clinician, people.case.id)
    assert own.party_id == people.clinician.id
    page = messaging.open_thread(db_session, people.clinician, own, None)
    assert [message.body for message in page.messages] == ["For Dr Lee"]
    assert messaging.unread_counts(db_session, other, [people.case.id]) == {people.case.id: 1}
    with pytest.raises(NotFound):  # a clinician names no other thread
        access.get_thread(db_session, people.clinician, people.case.id, clinician_id=other.id)
    employee_thread = access.get_thread(db_session, people.employee, people.case.id)
    assert [m.body for m in messaging.open_thread(db_session, people.employee, employee_thread, None).messages] == [
        "For the employee"
    ]


@pytest.mark.parametrize(
    "ended",
    [
        {"revoked_at": utcnow() - timedelta(hours=1)},
        {"valid_until": utcnow().date() - timedelta(days=1)},
        {"valid_from": utcnow().date() + timedelta(days=2)},
    ],
    ids=["revoked", "expired", "not yet"],
)
def test_a_clinician_without_a_live_authorisation_is_refused_as_if_there_were_no_thread(db_session, people, ended):
    clinician = factories.user(db_session, Role.CLINICIAN)
    factories.authorisation(db_session, people.case, clinician, **ended)
    db_session.commit()
    with pytest.raises(NotFound):
        access.get_thread(db_session, clinician, people.case.id)
    unrelated = factories.user(db_session, Role.CLINICIAN)
    with pytest.raises(NotFound):
        access.get_thread(db_session, unrelated, people.case.id)


@pytest.mark.parametrize("who", ["supervisor", "admin"])
def test_a_supervisor_and_an_admin_take_part_in_no_conversation(db_session, people, limits, who):
    send(db_session, people.employee, people.case, "Hello", limits)
    user = getattr(people, who)
    for clinician_id in (None, people.clinician.id):
        with pytest.raises(NotFound):
            access.get_thread(db_session, user, people.case.id, clinician_id=clinician_id)
    assert messaging.unread_counts(db_session, user, [people.case.id]) == {}


def test_an_employee_sees_only_their_own_cases_conversation(db_session, people):
    stranger = factories.user(db_session, Role.EMPLOYEE)
    db_session.commit()
    with pytest.raises(NotFound):
        access.get_thread(db_session, stranger, people.case.id)
    with pytest.raises(NotFound):  # an employee names no clinician's thread, not even on their own case
        access.get_thread(db_session, people.employee, people.case.id, clinician_id=people.clinician.id)


def test_a_case_manager_names_only_a_clinician_the_case_has(db_session, people):
    stranger = factories.user(db_session, Role.CLINICIAN)
    db_session.commit()
    with pytest.raises(NotFound):
        access.get_thread(db_session, people.manager, people.case.id, clinician_id=stranger.id)
    with pytest.raises(NotFound):
        access.get_thread(db_session, people.manager, people.case.id, clinician_id=people.employee.id)


def test_unread_counts_follow_each_readers_mark(db_session, people, limits):
    send(db_session, people.employee, people.case, "One", limits)
    send(db_session, people.employee, people.case, "Two", limits)
    send(db_session, people.clinician, people.case, "From the clinic", limits)

    assert messaging.unread_total(db_session, people.manager) == 3
    assert messaging.unread_counts(db_session, people.employee, [people.case.id]) == {}  # their own are read
    thread = access.get_thread(db_session, people.manager, people.case.id)
    page = messaging.open_thread(db_session, people.manager, thread, "10.0.0.1")
    assert [m.body for m in page.messages] == ["One", "Two"] and page.read_up_to == 0
    assert messaging.unread_total(db_session, people.manager) == 1  # the clinician's is still unread

    send(db_session, people.manager, people.case, "Reply", limits)
    assert messaging.unread_counts(db_session, people.employee, [people.case.id]) == {people.case.id: 1}
    assert messaging.unread_total(db_session, people.manager) == 1  # their own reply is not unread to them
    reread = messaging.open_thread(
        db_session, people.employee, access.get_thread(db_session, people.employee, people.case.id), None
    )
    assert reread.read_up_to == reread.messages[1].id  # what was new to them: after their own last message
    assert messaging.unread_counts(db_session, people.employee, [people.case.id]) == {}


def test_the_inbox_counts_the_case_managers_own_cases_and_those_they_opened(db_session, people, limits):
    colleague = factories.user(db_session, Role.CASE_MANAGER)
    orphan = factories.case(db_session, case_manager=None)
    db_session.commit()
    send(db_session, people.employee, people.case, "To Morgan", limits)
    send(db_session, orphan.employee, orphan, "To anyone", limits)

    assert messaging.unread_total(db_session, people.manager) == 2
    assert messaging.unread_total(db_session, colleague) == 1  # the case with no case manager
    send(db_session, people.employee, people.case, "Again", limits)
    messaging.open_thread(db_session, colleague, access.get_thread(db_session, colleague, people.case.id), None)
    send(db_session, people.employee, people.case, "And again", limits)
    assert messaging.unread_total(db_session, colleague) == 2  # one opened is followed from then on


def test_the_inbox_lists_conversations_with_unread_messages_newest_first_a_page_at_a_time(db_session, people, limits):
    start = utcnow() - timedelta(hours=1)
    cases = [people.case] + [factories.case(db_session, case_manager=people.manager) for _ in range(4)]
    db_session.commit()
    for n, case in enumerate(cases):
        send(db_session, case.employee, case, f"Message {n}", limits, now=start + timedelta(minutes=n))
    send(db_session, people.clinician, people.case, "Clinic", limits, now=start + timedelta(minutes=10))
    read = access.get_thread(db_session, people.manager, cases[2].id)
    messaging.open_thread(db_session, people.manager, read, None)

    first = messaging.unread_threads(db_session, people.manager, None, per_page=3)
    assert [(item.thread.party_id, item.unread) for item in first.threads] == [
        (people.clinician.id, 1),
        (cases[4].employee_id, 1),
        (cases[3].employee_id, 1),
    ]
    second = messaging.unread_threads(db_session, people.manager, first.next_cursor, per_page=3)
    assert [item.thread.case_id for item in second.threads] == [cases[1].id, cases[0].id]
    assert second.next_cursor is None
    assert messaging.unread_threads(db_session, people.manager, "not-a-cursor", per_page=3).threads == first.threads


def test_a_closed_case_takes_no_message_and_says_why(db_session, people, limits):
    people.case.status = CaseStatus.CLOSED
    people.case.closed_on = utcnow().date()
    db_session.commit()
    with pytest.raises(Conflict) as refused:
        send(db_session, people.employee, people.case, "Hello?", limits)
    assert str(refused.value) == closed_case_message(people.case) and "was closed" in str(refused.value)
    thread = access.get_thread(db_session, people.manager, people.case.id)
    assert messaging.sending_refused(db_session, thread) == closed_case_message(people.case)
    assert count(db_session, Message) == 0 and count(db_session, OutboundEmail) == 0


def test_nothing_is_sent_to_a_clinician_whose_authorisation_has_ended(db_session, people, limits):
    send(db_session, people.clinician, people.case, "Before", limits)
    participant = people.case.participants[0]
    participant.revoked_at = utcnow()
    db_session.commit()
    thread = access.get_thread(db_session, people.manager, people.case.id, clinician_id=people.clinician.id)
    assert [m.body for m in messaging.open_thread(db_session, people.manager, thread, None).messages] == ["Before"]
    with pytest.raises(Conflict, match="authorisation of case .* has ended"):
        messaging.send_message(db_session, people.manager, thread, "After", [], limits)
    assert count(db_session, Message) == 1 and len(emails(db_session)) == 1  # only the clinician's to the manager


def test_an_inactive_employee_is_not_emailed(db_session, people, limits):
    people.employee.active = False
    db_session.commit()
    send(db_session, people.manager, people.case, "Hello", limits)
    assert emails(db_session) == []


@pytest.mark.parametrize(
    "body, problem",
    [("", "Write your message."), ("   \n ", "Write your message."), ("x" * (MAX_BODY + 1), "at most 5000")],
)
def test_a_message_needs_words_and_not_too_many(db_session, people, limits, body, problem):
    with pytest.raises(InvalidInput) as refused:
        send(db_session, people.employee, people.case, body, limits)
    assert problem in refused.value.problems["body"]


def test_files_go_with_the_message_stored_as_every_upload_and_medical(db_session, people, limits):
    message = send(
        db_session,
        people.employee,
        people.case,
        "The form",
        limits,
        upload(factories.pdf_bytes(), "wh380.pdf"),
        upload(factories.image_bytes(), "IMG_1.JPG"),
    )
    files = [attachment.stored_file for attachment in message.attachments]
    assert sorted(f.original_name for f in files) == ["IMG_1.jpg", "wh380.pdf"]
    assert all(f.is_medical and f.case_id == people.case.id and f.submission_id is None for f in files)
    assert all(len(f.sha256) == 64 for f in files)


def stored_paths(limits) -> list[Path]:
    return [p for p in Path(limits.upload_folder).rglob("*") if p.is_file() and "incoming" not in p.parts]


@pytest.mark.parametrize(
    "content, name, problem",
    [
        (b"", "empty.pdf", "empty.pdf is empty"),
        (b"<html><script>alert(1)</script></html>", "invoice.pdf", "not a type of file we accept"),
        (b"%PDF-1.7\n" + b"0" * (70 * 1024), "huge.pdf", "larger than 64 KB"),
    ],
    ids=["empty", "wrong type", "too big"],
)
def test_a_refused_file_is_refused_as_an_upload_and_leaves_no_message_no_file_and_no_row(
    db_session, people, limits, content, name, problem
):
    with pytest.raises(InvalidInput) as refused:
        send(
            db_session,
            people.employee,
            people.case,
            "With a file",
            limits,
            upload(factories.pdf_bytes(), "good.pdf"),
            upload(content, name),
        )
    assert problem in refused.value.problems["files"]
    db_session.expire_all()
    assert count(db_session, Message) == 0 and count(db_session, MessageThread) == 0
    assert count(db_session, StoredFile) == 0 and count(db_session, MessageAttachment) == 0
    assert stored_paths(limits) == [] and count(db_session, OutboundEmail) == 0


def test_too_many_files_at_once_are_refused(db_session, people, limits):
    with pytest.raises(InvalidInput, match="at most 3 files"):
        send(
            db_session,
            people.employee,
            people.case,
            "Lots",
            limits,
            *[upload(factories.pdf_bytes(pages=n), f"{n}.pdf") for n in range(1, 5)],
        )


@pytest.mark.security(
    threat="A file sent in one conversation is opened by someone outside it (another clinician, a supervisor)",
    control="A message's file opens only for those who read its conversation (access.get_file)",
)
def test_a_file_in_a_conversation_opens_only_for_the_people_of_that_conversation(db_session, people, limits):
    other = factories.user(db_session, Role.CLINICIAN)
    factories.authorisation(db_session, people.case, other, scope="work_status_and_medical_documents")
    db_session.commit()
    with_employee = send(
        db_session, people.employee, people.case, "Form", limits, upload(factories.pdf_bytes(), "a.pdf")
    )
    with_clinician = send(
        db_session, people.clinician, people.case, "Notes", limits, upload(factories.pdf_bytes(pages=2), "b.pdf")
    )
    employee_file = with_employee.attachments[0].stored_file_id
    clinician_file = with_clinician.attachments[0].stored_file_id

    for user, allowed in [
        (people.manager, {employee_file, clinician_file}),
        (people.employee, {employee_file}),
        (people.clinician, {clinician_file}),  # their own thread's, though their authorisation is work status only
        (other, set()),  # another clinician, even one who sees the case's medical documents
        (people.supervisor, set()),
        (people.admin, set()),
    ]:
        for file_id in (employee_file, clinician_file):
            if file_id in allowed:
                assert access.get_file(db_session, user, file_id).id == file_id
            else:
                with pytest.raises(NotFound):
                    access.get_file(db_session, user, file_id)


def test_reading_a_clinicians_thread_is_recorded_and_the_employee_can_see_it(db_session, people, limits):
    send(db_session, people.clinician, people.case, SECRET, limits)
    send(db_session, people.employee, people.case, "Hello", limits)
    clinician_thread = access.get_thread(db_session, people.manager, people.case.id, clinician_id=people.clinician.id)
    messaging.open_thread(db_session, people.manager, clinician_thread, "10.1.2.3")
    messaging.open_thread(
        db_session, people.manager, access.get_thread(db_session, people.manager, people.case.id), None
    )

    (read,) = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "messages_read")).all()
    assert read.actor_id == people.manager.id and read.object_id == clinician_thread.id
    assert read.case_id == people.case.id and read.ip_address == "10.1.2.3"
    from portal.audit import operations as audit

    seen = audit.seen_by_others(db_session, people.employee, None, 10).events
    assert [event.action for event in seen] == ["messages_read"]


def test_an_empty_conversation_opens_with_nothing_recorded(db_session, people):
    thread = access.get_thread(db_session, people.manager, people.case.id, clinician_id=people.clinician.id)
    assert thread.id is None and thread.party_id == people.clinician.id
    page = messaging.open_thread(db_session, people.manager, thread, None)
    assert page.messages == [] and count(db_session, AuditEvent) == 0 and count(db_session, MessageThread) == 0


def test_a_long_conversation_shows_its_newest_messages_and_links_to_earlier_ones(
    db_session, people, limits, monkeypatch
):
    monkeypatch.setattr(messaging, "PER_PAGE", 3)
    for n in range(5):
        send(db_session, people.employee, people.case, f"Message {n}", limits)
    thread = access.get_thread(db_session, people.manager, people.case.id)
    latest = messaging.open_thread(db_session, people.manager, thread, None)
    assert [m.body for m in latest.messages] == ["Message 2", "Message 3", "Message 4"]
    assert latest.earlier == latest.messages[0].id and not latest.later
    earlier = messaging.open_thread(db_session, people.manager, thread, None, before=latest.earlier)
    assert [m.body for m in earlier.messages] == ["Message 0", "Message 1"]
    assert earlier.earlier is None and earlier.later
    assert messaging.unread_total(db_session, people.manager) == 0  # read as far as the newest shown, never back


def test_the_case_page_lists_every_conversation_with_what_is_unread(db_session, people, limits):
    ended = factories.user(db_session, Role.CLINICIAN, name="Dr Ended")
    factories.authorisation(db_session, people.case, ended, revoked_at=utcnow())
    db_session.commit()
    send(db_session, people.clinician, people.case, "One", limits)
    send(db_session, people.clinician, people.case, "Two", limits)

    found = messaging.conversations(db_session, people.manager, people.case)
    assert [(c.kind, c.party.name, c.unread, c.may_write, c.thread is not None) for c in found] == [
        (ThreadKind.EMPLOYEE, "Alex Employee", 0, True, False),
        (ThreadKind.CLINICIAN, "Dr Casey Lee", 2, True, True),
        (ThreadKind.CLINICIAN, "Dr Ended", 0, False, False),
    ]
