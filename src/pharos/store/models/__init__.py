"""Every table of the server area; other areas add their own modules and import them here."""

from pharos.store.models.accounts import Agency, ApiToken, LoginAttempt, User, UserSession
from pharos.store.models.attachments import Attachment
from pharos.store.models.audit import AuditEntry, AuditHead
from pharos.store.models.cases import (
    Case,
    CaseAccess,
    CaseAssignment,
    CaseNote,
    CaseReferenceCounter,
    CaseTask,
    ConsentRecord,
    DuplicateFlag,
    Person,
    ReflectionPeriod,
    ScreeningRecord,
    SupportPlan,
    TraffickingEvent,
)
from pharos.store.models.cooperation import CrossBorderRequest, Referral, RequestReply
from pharos.store.models.exercise import (
    ExerciseEvent,
    ExerciseRun,
    ScenarioText,
    ScenarioVersion,
)
from pharos.store.models.learn import ImprovementItem, Lesson
from pharos.store.models.notifications import Notification
from pharos.store.models.simulation import SimulationRun

__all__ = [
    "Agency",
    "ApiToken",
    "Attachment",
    "AuditEntry",
    "AuditHead",
    "Case",
    "CaseAccess",
    "CaseAssignment",
    "CaseNote",
    "CaseReferenceCounter",
    "CaseTask",
    "ConsentRecord",
    "CrossBorderRequest",
    "DuplicateFlag",
    "ExerciseEvent",
    "ExerciseRun",
    "ImprovementItem",
    "Lesson",
    "LoginAttempt",
    "Notification",
    "Person",
    "Referral",
    "ReflectionPeriod",
    "RequestReply",
    "ScenarioText",
    "ScenarioVersion",
    "ScreeningRecord",
    "SimulationRun",
    "SupportPlan",
    "TraffickingEvent",
    "User",
    "UserSession",
]
