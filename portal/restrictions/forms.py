"""The clinician's work-status report and their reply to a question."""

from collections.abc import Mapping

from wtforms import DateField, HiddenField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from portal.core.columns import utcnow
from portal.files.forms import UploadField
from portal.restrictions import operations as restrictions
from portal.restrictions.fields import DimensionForm, add_dimension_fields, add_fields, limits_from
from portal.restrictions.models import WorkStatus
from portal.restrictions.operations import ReportInput
from portal.web.once import OnceField

DIAGNOSIS_ROWS = 3


class ReportForm(DimensionForm):
    once = OnceField()
    visit_date = DateField("Date of visit", validators=[Optional()])
    work_status = SelectField(
        "Work status", choices=[SelectChoice("", "Choose one")] + [SelectChoice(s.value, s.label) for s in WorkStatus]
    )
    effective_from = DateField("Effective from", validators=[Optional()])
    expected_until = DateField("Expected until (optional)", validators=[Optional()])
    other_restrictions = TextAreaField("Other restrictions (optional)", validators=[Optional(), Length(max=2000)])
    next_visit = DateField("Next visit (optional)", validators=[Optional()])
    estimated_full_duty = DateField("Estimated date of full duty (optional)", validators=[Optional()])
    attested_name = StringField("Your full name", validators=[Optional(), Length(max=200)])
    licence_number = StringField("Licence number", validators=[Optional(), Length(max=60)])
    signed_form = UploadField("Signed form (optional)")
    action = HiddenField()

    def to_input(self) -> ReportInput:
        limits = limits_from(self)
        diagnoses = [
            (self[f"diagnosis_code_{n}"].data or "", self[f"diagnosis_description_{n}"].data or "")
            for n in range(1, DIAGNOSIS_ROWS + 1)
        ]
        return ReportInput(
            visit_date=self.visit_date.data,
            work_status=self.work_status.data or None,
            effective_from=self.effective_from.data,
            expected_until=self.expected_until.data,
            next_visit=self.next_visit.data,
            estimated_full_duty=self.estimated_full_duty.data,
            limits=limits,
            other_restrictions=self.other_restrictions.data or "",
            diagnoses=[(code, text) for code, text in diagnoses if code.strip() or text.strip()],
            attested_name=self.attested_name.data or "",
            licence_number=self.licence_number.data or "",
        )

    def rules(self) -> Mapping[str, str]:
        return restrictions.problems(self.to_input(), utcnow().date())

    def field_for(self, problem: str) -> str | None:
        if problem == "diagnoses":
            return "diagnosis_code_1"
        return super().field_for(problem)  # "restrictions" has no field: it goes at the top of the form


add_dimension_fields(
    ReportForm,
    pounds="{label}: up to (pounds)",
    hours="{label}: hours a day at most",
    permission="{label}: allowed?",
    empty="No restriction",
    after="expected_until",
)
add_fields(
    ReportForm,
    [
        field
        for n in range(1, DIAGNOSIS_ROWS + 1)
        for field in (
            (
                f"diagnosis_code_{n}",
                StringField(f"Diagnosis {n}: ICD-10-CM code", validators=[Optional(), Length(max=10)]),
            ),
            (
                f"diagnosis_description_{n}",
                StringField(f"Diagnosis {n}: description", validators=[Optional(), Length(max=200)]),
            ),
        )
    ],
    after="estimated_full_duty",
)
