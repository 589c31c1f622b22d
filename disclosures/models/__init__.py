from disclosures.models.attachment import Attachment
from disclosures.models.audit import AuditEvent
from disclosures.models.digest import PublicationDigestSent
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
from disclosures.models.summary import (
    AnswerTally,
    DeclineTally,
    DueTally,
    ModelTally,
    Outcome,
    RequestFigures,
    RequestSearch,
    RequestTally,
    SourceSearch,
)

__all__ = [
    "AnswerTally",
    "Attachment",
    "AuditEvent",
    "ConfidentialityDecision",
    "DeclaredSource",
    "DeclineTally",
    "DisclosureRequest",
    "DueTally",
    "LegalBasis",
    "LogCheckpoint",
    "LogCosignature",
    "LogEntry",
    "LogTile",
    "ModelTally",
    "OutboxMail",
    "Outcome",
    "PendingLogEntry",
    "Publication",
    "PublicationDigestSent",
    "PublishedVersion",
    "Question",
    "Record",
    "RecordJob",
    "RecordKind",
    "ReferenceCounter",
    "ReminderSent",
    "RequestFigures",
    "RequestSearch",
    "RequestTally",
    "ResponseDraft",
    "ResponseVersion",
    "Section",
    "SourceSearch",
    "StashedInput",
    "Tier",
    "Variant",
]
