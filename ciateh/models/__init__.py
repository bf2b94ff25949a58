"""SQLAlchemy 2 typed models of the central (anonymous) store."""

from ciateh.models.audit import AuditEntry
from ciateh.models.batch import Batch, SeenSignature
from ciateh.models.case import CaseExploitationForm, CaseMeansOfControl, CaseRecord
from ciateh.models.partner import PARTNER_KINDS, Partner, PartnerKey
from ciateh.models.proposal import (
    DECISION_OUTCOMES,
    FOLLOW_UP_STATUSES,
    PROPOSAL_STATUSES,
    Decision,
    Proposal,
)
from ciateh.models.snapshot import MonthApproval, MonthSnapshot
from ciateh.models.user import LANGUAGES, ROLES, LoginThrottle, User

__all__ = [
    "DECISION_OUTCOMES",
    "FOLLOW_UP_STATUSES",
    "LANGUAGES",
    "PARTNER_KINDS",
    "PROPOSAL_STATUSES",
    "ROLES",
    "AuditEntry",
    "Batch",
    "CaseExploitationForm",
    "CaseMeansOfControl",
    "CaseRecord",
    "Decision",
    "LoginThrottle",
    "MonthApproval",
    "MonthSnapshot",
    "Partner",
    "PartnerKey",
    "Proposal",
    "SeenSignature",
    "User",
]
