"""Each audience's home screen, which gathers every kind of item that concerns them."""

from flask_login import current_user

from portal import settings
from portal.accommodations import operations as accommodations
from portal.cases import operations as cases
from portal.core.columns import utcnow
from portal.documents import operations as documents
from portal.duty import operations as offers
from portal.extensions import db
from portal.intake import operations as intake
from portal.messages import operations as messaging
from portal.plans import operations as plans
from portal.restrictions import operations as restrictions
from portal.web.audiences import employee, supervisor
from portal.web.responses import render


@employee.get("/", endpoint="home")
def employee_home():
    own_cases = cases.cases_for_employee(db.session, current_user)
    now = utcnow()
    return render(
        "employee/home.html",
        cases=own_cases,
        restrictions=restrictions.current_reports(db.session, [c.id for c in own_cases], now.date()),
        requests=documents.open_requests(db.session, current_user),
        offers=offers.waiting_for_answer(db.session, current_user),
        alternatives=accommodations.alternatives_to_answer(db.session, current_user),
        duties=offers.duty_of_employee(db.session, current_user, now.date()),
        plans=plans.plans_by_case(db.session, [c.id for c in own_cases]),
        activity=documents.recent_activity(db.session, current_user),
        unread=messaging.unread_counts(db.session, current_user, [c.id for c in own_cases]),
        now=now,
        settings=settings.current().deadlines,
    )


@supervisor.get("/", endpoint="home")
def supervisor_home():
    team = cases.open_cases_of_reports(db.session, current_user)
    return render(
        "supervisor/home.html",
        cases=team,
        restrictions=restrictions.current_reports(db.session, [c.id for c in team], utcnow().date()),
        offers=offers.offers_by(db.session, current_user),
        questions=accommodations.questions_for(db.session, current_user),
        granted=accommodations.granted_for_team(db.session, current_user),
        reports=intake.reports_by(db.session, current_user),
        plans=plans.plans_by_case(db.session, [c.id for c in team]),
    )
