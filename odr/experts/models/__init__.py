"""Expert pool models: profiles, assignments to cases, technical questions and opinions."""

from odr.experts.models.assignment import (
    Assignment,
    AssignmentState,
    MediatorChoice,
    RecusalRequest,
    RecusalState,
    Seat,
)
from odr.experts.models.opinion import (
    OpinionAttachment,
    OpinionVisibility,
    TechnicalOpinion,
    TechnicalQuestion,
)
from odr.experts.models.profile import (
    AffiliationKind,
    ExpertAffiliation,
    ExpertProfile,
    ExpertStatus,
    ExpertTraining,
    ExpertUnavailability,
    Language,
    TechnicalField,
)

__all__ = [
    "AffiliationKind",
    "Assignment",
    "AssignmentState",
    "ExpertAffiliation",
    "ExpertProfile",
    "ExpertStatus",
    "ExpertTraining",
    "ExpertUnavailability",
    "Language",
    "MediatorChoice",
    "OpinionAttachment",
    "OpinionVisibility",
    "RecusalRequest",
    "RecusalState",
    "Seat",
    "TechnicalField",
    "TechnicalOpinion",
    "TechnicalQuestion",
]
