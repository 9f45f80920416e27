"""All models, imported here so that Alembic and the app see the whole schema."""
from portal.models.accommodation import (AccommodationDraft, AccommodationRequest, Decision, DenialReason,
                                         FeasibilityQuestion, HelpCategory, ProcessLogEntry)
from portal.models.audit import AuditEvent
from portal.models.case import AuthorisationScope, Case, CaseParticipant, CaseStatus, CaseType
from portal.models.document import DocumentSubmission, DocumentType, InformationRequest
from portal.models.duty import Demand, DutyAvailability, DutyOffer
from portal.models.file import StoredFile
from portal.models.outbox import EmailStatus, OutboundEmail
from portal.models.restriction import Frequency, ReportDraft, Restriction, RestrictionReport, WorkStatus
from portal.models.submission import OPEN_STATUSES, Submission, SubmissionEvent, SubmissionKind, SubmissionStatus
from portal.models.user import AccountToken, LoginAttempt, NameWord, Role, User, UserSession, name_words

__all__ = [
    "AccommodationDraft", "AccommodationRequest", "Decision", "DenialReason", "FeasibilityQuestion", "HelpCategory",
    "ProcessLogEntry", "AccountToken", "AuditEvent", "AuthorisationScope", "Case", "CaseParticipant", "CaseStatus", "CaseType",
    "Demand", "DocumentSubmission", "DocumentType", "DutyAvailability", "DutyOffer", "EmailStatus", "InformationRequest", "LoginAttempt", "OPEN_STATUSES",
    "Frequency", "OutboundEmail", "ReportDraft", "Restriction", "RestrictionReport", "Role", "StoredFile", "Submission", "SubmissionEvent", "SubmissionKind", "SubmissionStatus",
    "NameWord", "User", "UserSession", "WorkStatus", "name_words",
]
