from disclosures.models.audit import AuditEvent
from disclosures.models.reminder import ReminderSent
from disclosures.models.request import DisclosureRequest, LegalBasis, Question, ReferenceCounter, Section

__all__ = [
    "AuditEvent",
    "DisclosureRequest",
    "LegalBasis",
    "Question",
    "ReferenceCounter",
    "ReminderSent",
    "Section",
]
