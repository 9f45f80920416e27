"""The kind table: every kind of item has one row, and the lifecycle does what the row says."""

import pytest

from portal.accounts.models import Role
from portal.core.errors import InvalidInput
from portal.inbox import kinds
from portal.items import lifecycle
from portal.items.models import SubmissionKind, SubmissionStatus
from portal.mail.models import OutboundEmail
from tests import factories


def test_every_kind_of_item_has_a_row_with_its_sender_screen_and_accepted_message():
    assert set(kinds.KINDS) == set(SubmissionKind)
    for kind in kinds.KINDS.values():
        assert kind.sender_screen and kind.accepted_message


def test_a_kind_without_an_accept_button_is_decided_with_a_form_of_its_own():
    decided_with_a_form = {name for name, kind in kinds.KINDS.items() if kind.accept_label is None}
    assert decided_with_a_form == {SubmissionKind.ACCOMMODATION_REQUEST, SubmissionKind.INTAKE_REPORT}
    assert all(kinds.KINDS[name].decision_template for name in decided_with_a_form)


def test_accepting_runs_the_lifecycle_and_emails_the_sender_a_link_to_their_own_screen(db_session):
    manager = factories.user(db_session, Role.CASE_MANAGER)
    item = factories.inbox_item(db_session, kind=SubmissionKind.DOCUMENT)
    lifecycle.claim(db_session, item, manager, item.version)
    message = kinds.accept(db_session, item, manager, item.version)
    assert item.status == SubmissionStatus.ACCEPTED
    assert message == kinds.KINDS[SubmissionKind.DOCUMENT].accepted_message
    decided = db_session.query(OutboundEmail).filter_by(template="submission_decided").one()
    assert f"/employee/submissions/{item.id}" in decided.body_text


def test_declining_needs_a_reason_whatever_the_kind(db_session):
    manager = factories.user(db_session, Role.CASE_MANAGER)
    item = factories.inbox_item(db_session)
    lifecycle.claim(db_session, item, manager, item.version)
    with pytest.raises(InvalidInput, match="reason for declining"):
        kinds.decline(db_session, item, manager, item.version, "  ")
    assert item.status == SubmissionStatus.IN_REVIEW
