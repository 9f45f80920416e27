"""The notices and letters as the case manager checks and completes them: one form a kind, its fields grouped as
the notice reads. What must be filled, and when, is the operations' to say (``field_problems``)."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, RadioField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from portal.notices.models import Designation, LeavePeriod, LeaveReason, NotEligibleBecause, NoticeKind, PaidLeave
from portal.web.fields import MultiCheckboxField
from portal.web.once import OnceField

YES_NO = [SelectChoice("yes", "Yes"), SelectChoice("no", "No")]


class ChoiceField(RadioField):
    """Radio buttons that may be left unchosen: the operation says, beside the field, when one is needed."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.type = "RadioField"  # drawn as one fieldset of radios by the form macro

    def pre_validate(self, form) -> None:
        if self.data:
            super().pre_validate(form)


def _text(label: str, most: int = 200) -> StringField:
    return StringField(label, validators=[Optional(), Length(max=most)])


def _words(label: str, most: int = 4000) -> TextAreaField:
    return TextAreaField(label, validators=[Optional(), Length(max=most)])


def _day(label: str) -> DateField:
    return DateField(label, validators=[Optional()])


class NoticeForm(FlaskForm):
    """Who the notice is to and from: on every kind. ``sections`` say how the screen groups the fields."""

    once = OnceField()
    employee_name = _text("Employee's name")
    employee_number = _text("Employee number", 40)
    job_title = _text("Job title")
    from_name = _text("From")
    from_contact = _text("How to reach you")

    sections: list[tuple[str, list[str]]] = [
        ("To and from", ["employee_name", "employee_number", "job_title", "from_name", "from_contact"])
    ]
    hints: dict[str, str] = {"from_contact": "A phone number or an email address the employee can use."}


class EligibilityForm(NoticeForm):
    """WH-381: Part A, eligibility; Part B, rights and responsibilities (for an eligible employee)."""

    requested_on = _day("Leave asked for, or the need learned of, on")
    leave_starts = _day("Leave starts on")
    reason = SelectField(
        "Why the leave is needed",
        choices=[SelectChoice("", "Choose the reason")] + [SelectChoice(r.value, r.label) for r in LeaveReason],
    )
    family_member = _text("Family member or servicemember cared for")
    eligible = ChoiceField("Eligible for FMLA leave", choices=YES_NO)
    not_eligible_because = MultiCheckboxField(
        "Not eligible because", choices=[SelectChoice(b.value, b.label) for b in NotEligibleBecause]
    )
    months_of_service = _text("Months of service by the first day of leave", 10)
    hours_worked = _text("Hours worked in the 12 months before the leave", 20)
    certification_required = ChoiceField("Certification required", choices=YES_NO)
    certification_due = _day("Certification due by")
    relationship_documentation = BooleanField("Documentation of the family relationship is required")
    period = SelectField(
        "The 12-month period is",
        choices=[SelectChoice("", "Choose")] + [SelectChoice(p.value, p.label) for p in LeavePeriod],
    )
    weeks = _text("Weeks of leave in the period", 10)
    key_employee = ChoiceField("Key employee (restoration to the job may be denied)", choices=YES_NO)
    paid_leave = SelectField(
        "Paid leave", choices=[SelectChoice("", "Choose")] + [SelectChoice(p.value, p.label) for p in PaidLeave]
    )
    premiums = _words("Health insurance premiums while on leave", 1000)

    sections = NoticeForm.sections + [
        (
            "Part A: eligibility",
            ["requested_on", "leave_starts", "reason", "family_member", "eligible", "not_eligible_because"]
            + ["months_of_service", "hours_worked"],
        ),
        (
            "Part B: rights and responsibilities (an eligible employee only)",
            ["certification_required", "certification_due", "relationship_documentation", "period", "weeks"]
            + ["key_employee", "paid_leave", "premiums"],
        ),
    ]
    hints = NoticeForm.hints | {
        "requested_on": "The notice is due five business days after this day (29 CFR 825.300(b)).",
        "family_member": "For a family member's condition or a servicemember's care: spouse, child, parent or "
        "next of kin.",
        "eligible": "Filled in from the roster. The employer confirms the 50 employees within 75 miles.",
        "not_eligible_because": "Only when not eligible.",
        "certification_due": "At least 15 calendar days from the notice (29 CFR 825.305(b)).",
        "weeks": "12 weeks; 26 to care for a covered servicemember.",
        "premiums": "How and when the employee pays their share, if at all. Leave empty if nothing is owed.",
    }


class DesignationForm(NoticeForm):
    """WH-382: whether the leave is designated as FMLA leave, how much, and what is asked on return."""

    information_received_on = _day("Information the decision rests on received on")
    decision = ChoiceField("Decision", choices=[SelectChoice(d.value, d.label) for d in Designation])
    not_approved_reason = _words("Why the leave is not FMLA leave", 2000)
    missing_information = _words("What is missing from the certification", 2000)
    cure_by = _day("Missing information due by")
    amount_known = ChoiceField("The amount of leave is known", choices=YES_NO)
    amount = _words("Leave designated as FMLA leave", 1000)
    paid_leave = SelectField(
        "Paid leave", choices=[SelectChoice("", "Choose")] + [SelectChoice(p.value, p.label) for p in PaidLeave]
    )
    fitness_for_duty = ChoiceField("Fitness-for-duty certification required on return", choices=YES_NO)
    essential_functions_attached = BooleanField("Attach the list of the job's essential functions")
    essential_functions = _words("Essential functions of the job", 6000)

    sections = NoticeForm.sections + [
        (
            "The decision",
            ["information_received_on", "decision", "not_approved_reason", "missing_information", "cure_by"],
        ),
        ("The leave designated", ["amount_known", "amount", "paid_leave"]),
        ("On return to work", ["fitness_for_duty", "essential_functions_attached", "essential_functions"]),
    ]
    hints = NoticeForm.hints | {
        "not_approved_reason": "Only when not approved: for example, the FMLA leave entitlement is used up.",
        "missing_information": "Only when more information is needed.",
        "cure_by": "At least 7 calendar days from the notice (29 CFR 825.305(c)).",
        "amount": "The hours, days or weeks, and the dates. If not known, the notice says it will be designated "
        "when it is.",
        "essential_functions": "From the roster's job when there is one. Only when the list is attached.",
    }


class AccommodationLetterForm(NoticeForm):
    """The decision on an accommodation request, in writing: what was asked, what was decided and why."""

    asked_on = _day("Asked for on")
    asked_for = _words("What was asked for", 4000)
    decided_on = _day("Decided on")
    decision_what = _words("What is granted, or the alternative offered", 4000)
    decision_why = _words("Why", 4000)
    starts_on = _day("In place from")
    ends_on = _day("In place until")
    review_on = _day("To be reviewed on")
    reconsideration = _words("How to ask for it to be looked at again", 2000)

    sections = NoticeForm.sections + [
        ("The request", ["asked_on", "asked_for"]),
        ("The decision", ["decided_on", "decision_what", "decision_why", "starts_on", "ends_on", "review_on"]),
        ("If the employee disagrees", ["reconsideration"]),
    ]
    hints = NoticeForm.hints | {
        "decision_what": "Not needed when the request is denied.",
        "decision_why": "Not needed when the request is granted as asked.",
    }


class DutyOfferLetterForm(NoticeForm):
    """A written offer of transitional duty: everything a bona fide offer states."""

    job_offered = _text("Job offered")
    duties = _words("Duties", 4000)
    demands = _words("Physical demands", 4000)
    location = _text("Where")
    schedule = _text("Days and hours")
    pay = _text("Pay")
    start_date = _day("Starts on")
    end_date = _day("Ends on")
    answer_by = _day("Answer by")
    contact = _text("Whom to ask or report to")

    sections = NoticeForm.sections + [
        ("The work", ["job_offered", "duties", "demands"]),
        ("Where, when and pay", ["location", "schedule", "pay", "start_date", "end_date", "answer_by", "contact"]),
    ]
    hints = NoticeForm.hints | {"demands": "One a line, on the Dictionary of Occupational Titles' scales."}


class InformationLetterForm(NoticeForm):
    """A request for more information: what is asked, by when, and what happens if it is missed."""

    asked_for = _words("What is asked for", 4000)
    due_on = _day("Due by")
    if_missed = _words("If it is not received by then", 2000)

    sections = NoticeForm.sections + [("The request", ["asked_for", "due_on", "if_missed"])]


FORMS: dict[NoticeKind, type[NoticeForm]] = {
    NoticeKind.ELIGIBILITY: EligibilityForm,
    NoticeKind.DESIGNATION: DesignationForm,
    NoticeKind.ACCOMMODATION_DECISION: AccommodationLetterForm,
    NoticeKind.DUTY_OFFER: DutyOfferLetterForm,
    NoticeKind.INFORMATION_REQUEST: InformationLetterForm,
}
