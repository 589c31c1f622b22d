from disclosures.models.attachment import Attachment
from disclosures.models.audit import AuditEvent
from disclosures.models.log import LogCheckpoint, LogCosignature, LogEntry, LogTile, PendingLogEntry
from disclosures.models.outbox import OutboxMail
from disclosures.models.publication import Publication, PublishedVersion
from disclosures.models.record import Record, RecordJob, RecordKind, Variant
from disclosures.models.reminder import ReminderSent
from disclosures.models.request import DisclosureRequest, LegalBasis, Question, ReferenceCounter, Section
from disclosures.models.response import (
    ConfidentialityDecision,
    DeclaredSource,
    ResponseDraft,
    ResponseVersion,
    StashedInput,
    Tier,
)

__all__ = [
    "Attachment",
    "AuditEvent",
    "ConfidentialityDecision",
    "DeclaredSource",
    "DisclosureRequest",
    "LegalBasis",
    "LogCheckpoint",
    "LogCosignature",
    "LogEntry",
    "LogTile",
    "OutboxMail",
    "PendingLogEntry",
    "Publication",
    "PublishedVersion",
    "Question",
    "Record",
    "RecordJob",
    "RecordKind",
    "ReferenceCounter",
    "ReminderSent",
    "ResponseDraft",
    "ResponseVersion",
    "Section",
    "StashedInput",
    "Tier",
    "Variant",
]
