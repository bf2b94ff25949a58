"""SQLAlchemy 2 typed models of the central (anonymous) store."""

from ciateh.models.audit import AuditEntry
from ciateh.models.batch import Batch, SeenSignature
from ciateh.models.case import CaseExploitationForm, CaseMeansOfControl, CaseRecord
from ciateh.models.partner import PARTNER_KINDS, Partner, PartnerKey

__all__ = [
    "PARTNER_KINDS",
    "AuditEntry",
    "Batch",
    "CaseExploitationForm",
    "CaseMeansOfControl",
    "CaseRecord",
    "Partner",
    "PartnerKey",
    "SeenSignature",
]
