"""The roster's people, as admins find them and change where they work: each change in the person's history,
their account following, a new supervisor invited."""

import pytest
from sqlalchemy import func, select

from portal.accounts import people
from portal.accounts.models import Role, RosterChange, RosterPerson, User
from portal.audit.models import AuditEvent
from portal.core.errors import Conflict, InvalidInput
from portal.mail.models import OutboundEmail
from portal.settings import AccountSettings
from tests import factories
from tests.accounts.test_roster_import import NOW, ROSTER, apply
from tests.queries import counting_queries

SETTINGS = AccountSettings()


@pytest.fixture
def roster(db_session, admin) -> dict[str, RosterPerson]:
    """1001 Dana directs; Sam (1002) reports to her; Alex (1003, who has an account) and Riley (1004) to Sam."""
    factories.user(db_session, Role.EMPLOYEE, name="Alex Employee", email="alex@example.test")
    db_session.commit()
    apply(db_session, ROSTER, admin)
    return {person.employee_number: person for person in db_session.scalars(select(RosterPerson))}


def change(db_session, admin, person, supervisor="", department=None, location=None, job_title=None, **options):
    """``person`` changed as the form sends it: each field as it was unless given."""
    return people.change_person(
        db_session,
        admin,
        person,
        supervisor if supervisor != "" else (person.supervisor.employee_number if person.supervisor else ""),
        department if department is not None else person.department,
        location if location is not None else person.location,
        job_title if job_title is not None else person.job_title,
        SETTINGS,
        now=NOW,
        **options,
    )


def history_of(db_session, person) -> list[tuple[str, str | None, str | None, str]]:
    changes = db_session.scalars(
        select(RosterChange).where(RosterChange.person_id == person.id).order_by(RosterChange.id)
    ).all()
    return [(item.field, item.old_value, item.new_value, item.source) for item in changes]


def without(*numbers: str) -> str:
    """The roster file with the people of ``numbers`` left out."""
    return "\n".join(line for line in ROSTER.splitlines() if not line.startswith(numbers))


def found(db_session, term: str = "", left_out: bool = False) -> list[str]:
    page = people.people_page(db_session, 1, 25, term, left_out)
    return [row.person.employee_number for row in page.items]


# --- finding people ------------------------------------------------------------------------------


def test_people_are_found_by_employee_number_name_or_work_email(db_session, roster):
    assert found(db_session) == ["1003", "1001", "1004", "1002"]  # by name
    assert found(db_session, "1003") == ["1003"]
    assert found(db_session, "100") == ["1003", "1001", "1004", "1002"]
    assert found(db_session, "riv") == ["1004"]  # any word of the name
    assert found(db_session, "sam sup") == ["1002"]
    assert found(db_session, "DANA@EXAMPLE") == ["1001"]
    assert found(db_session, "nobody") == []


def test_those_the_latest_roster_left_out_are_found_and_marked(db_session, admin, roster):
    apply(db_session, without("1004"), admin)
    assert found(db_session, left_out=True) == ["1004"]
    [riley] = people.people_page(db_session, 1, 25, "riley").items
    assert riley.person.in_latest_roster is False and riley.supervisor_name == "Sam Supervisor"


def test_each_person_shows_whether_they_have_a_portal_account(db_session, roster):
    accounts = {row.person.employee_number: row.account for row in people.people_page(db_session, 1, 25).items}
    assert accounts == {"1001": "Invited", "1002": "Invited", "1003": "Active", "1004": "None"}


def test_a_person_renamed_by_a_roster_is_found_by_the_new_name_only(db_session, admin, roster):
    apply(db_session, ROSTER.replace("Riley Rivera", "Riley Okafor"), admin)
    assert found(db_session, "okaf") == ["1004"] and found(db_session, "rivera") == []


def test_a_page_of_people_with_their_supervisors_and_accounts_is_two_queries(db_session, roster):
    db_session.expire_all()
    with counting_queries() as statements:
        rows = people.people_page(db_session, 1, 25).items
        shown = [(row.person.name, row.person.job_title, row.supervisor_name, row.account) for row in rows]
    assert len(shown) == 4 and len(statements) == 2  # a count and a page, however many people it holds


# --- the person's record --------------------------------------------------------------------------


def test_a_persons_record_shows_who_reports_to_them_and_their_history_newest_first(db_session, admin, roster):
    change(db_session, admin, roster["1004"], supervisor="1001", job_title="Forklift operator")
    sam = people.record(db_session, roster["1002"])
    assert [person.name for person in sam.reports] == ["Alex Employee"]
    riley = people.record(db_session, roster["1004"])
    assert [(entry.what, entry.old, entry.new, entry.source, entry.by) for entry in riley.history] == [
        ("Job title", "Warehouse associate", "Forklift operator", "Changed by an admin", "Ada Admin"),
        ("Supervisor", "Sam Supervisor (1002)", "Dana Director (1001)", "Changed by an admin", "Ada Admin"),
        ("Added to the roster", None, None, "Roster import of people.csv", "Ada Admin"),
    ]


# --- changing where someone works -----------------------------------------------------------------


def test_each_field_changed_is_written_to_the_history_with_who_changed_it(db_session, admin, roster):
    riley = roster["1004"]
    changes = change(db_session, admin, riley, department="Transport", location="Aurora", job_title="Driver")
    assert [item.label for item in changes] == ["Department", "Location", "Job title"]
    assert (riley.department, riley.location, riley.job_title) == ("Transport", "Aurora", "Driver")
    assert history_of(db_session, riley)[1:] == [
        ("department", "Warehouse", "Transport", "Changed by an admin"),
        ("location", "Joliet", "Aurora", "Changed by an admin"),
        ("job_title", "Warehouse associate", "Driver", "Changed by an admin"),
    ]
    assert {
        item.changed_by_id for item in db_session.scalars(select(RosterChange).where(RosterChange.field == "location"))
    } == {admin.id}
    recorded = db_session.scalar(select(AuditEvent).where(AuditEvent.action == "roster_person_changed"))
    assert recorded.object_id == riley.id and recorded.detail == "Department, Location, Job title"


def test_nothing_is_written_when_nothing_changed(db_session, admin, roster):
    history = db_session.scalar(select(func.count()).select_from(RosterChange))
    assert change(db_session, admin, roster["1003"], supervisor="sam@example.test", department=" Warehouse ") == []
    assert db_session.scalar(select(func.count()).select_from(RosterChange)) == history
    assert db_session.scalar(select(AuditEvent).where(AuditEvent.action == "roster_person_changed")) is None


def test_an_empty_department_or_location_is_cleared_and_an_empty_supervisor_means_no_one(db_session, admin, roster):
    riley = roster["1004"]
    change(db_session, admin, riley, supervisor=None, department="  ", location="")
    assert (riley.supervisor_id, riley.department, riley.location) == (None, None, None)
    assert ("supervisor", "1002", None, "Changed by an admin") in history_of(db_session, riley)


@pytest.mark.parametrize(
    "supervisor, message",
    [
        ("9999", "No one on the roster has the employee number or work email “9999”."),
        ("nobody@example.test", "No one on the roster has the employee number or work email “nobody@example.test”."),
        ("1002", "A person cannot be their own supervisor."),
        ("alex@example.test", "Alex Employee reports to Sam Supervisor, directly or through others"),
    ],
)
def test_a_supervisor_who_cannot_be_is_refused_by_the_field(db_session, admin, roster, supervisor, message):
    with pytest.raises(InvalidInput) as refused:
        change(db_session, admin, roster["1002"], supervisor=supervisor)
    assert set(refused.value.problems) == {"supervisor"} and message in refused.value.problems["supervisor"]
    assert roster["1002"].supervisor.employee_number == "1001"


def test_a_reporting_line_that_would_loop_through_others_is_refused(db_session, admin, roster):
    with pytest.raises(InvalidInput, match="Alex Employee reports to Dana Director, directly or through others"):
        change(db_session, admin, roster["1001"], supervisor="1003")
    assert roster["1001"].supervisor_id is None


def test_someone_not_in_the_latest_roster_cannot_become_a_supervisor_but_one_already_is_kept(db_session, admin, roster):
    apply(db_session, without("1004"), admin)
    with pytest.raises(InvalidInput, match=r"Riley Rivera \(1004\) is not in the latest roster"):
        change(db_session, admin, roster["1003"], supervisor="1004")
    apply(db_session, ROSTER, admin)
    change(db_session, admin, roster["1003"], supervisor="1004")
    apply(db_session, without("1003", "1004"), admin)  # both leave: Alex still reports to Riley
    assert [item.label for item in change(db_session, admin, roster["1003"], job_title="Picker")] == ["Job title"]


def test_every_problem_is_said_at_once(db_session, admin, roster):
    with pytest.raises(InvalidInput) as refused:
        change(db_session, admin, roster["1004"], supervisor="1004", department="x" * 201, job_title=" ")
    assert refused.value.problems == {
        "supervisor": "A person cannot be their own supervisor.",
        "department": "The department is longer than 200 characters.",
        "job_title": "Enter the job title.",
    }


def test_a_change_made_since_the_admin_looked_is_not_overwritten(db_session, admin, roster):
    riley = roster["1004"]
    seen = people.record(db_session, riley).version
    change(db_session, admin, riley, location="Aurora")  # a colleague, first
    with pytest.raises(Conflict, match="changed while you were looking at it"):
        change(db_session, admin, riley, location="Joliet", job_title="Driver", version=seen)
    assert (riley.location, riley.job_title) == ("Aurora", "Warehouse associate")
    assert change(db_session, admin, riley, job_title="Driver", version=people.record(db_session, riley).version)


# --- the account follows --------------------------------------------------------------------------


def test_a_persons_account_follows_their_new_supervisor_and_department(db_session, admin, roster):
    alex = db_session.scalar(select(User).where(User.email == "alex@example.test"))
    dana = db_session.scalar(select(User).where(User.email == "dana@example.test"))
    change(db_session, admin, roster["1003"], supervisor="dana@example.test", department="Operations")
    db_session.refresh(alex)
    assert (alex.supervisor_id, alex.department) == (dana.id, "Operations")


def test_a_new_supervisor_without_an_account_is_invited_and_their_report_follows(db_session, admin, roster):
    change(db_session, admin, roster["1003"], supervisor="1004")
    riley = db_session.scalar(select(User).where(User.email == "riley@example.test"))
    assert riley.role == Role.SUPERVISOR and riley.password_hash is None and riley.department == "Warehouse"
    assert roster["1004"].user_id == riley.id
    invitations = db_session.scalars(select(OutboundEmail.to_address).where(OutboundEmail.template == "invitation"))
    assert list(invitations).count("riley@example.test") == 1
    alex = db_session.scalar(select(User).where(User.email == "alex@example.test"))
    assert alex.supervisor_id == riley.id


def test_a_new_supervisor_with_an_account_already_is_linked_to_it_not_invited(db_session, admin, roster):
    existing = factories.user(db_session, Role.EMPLOYEE, email="riley@example.test")
    db_session.commit()
    change(db_session, admin, roster["1003"], supervisor="1004")
    assert roster["1004"].user_id == existing.id
    invitations = db_session.scalars(select(OutboundEmail.to_address).where(OutboundEmail.template == "invitation"))
    assert "riley@example.test" not in list(invitations)
