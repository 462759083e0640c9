"""Triage (繁简分流): which track a case goes on at acceptance, and why."""

from flask import current_app
from flask_babel import lazy_gettext as _l

from odr.cases.models import Track
from odr.core.labels import LabelledEnum


class TriageReason(LabelledEnum):
    TECHNICAL_IP_TYPE = "technical_ip_type", _l("Technical IP type")
    CLAIM_AMOUNT = "claim_amount", _l("Claim amount at or above the threshold")
    SEVERAL_RESPONDENTS = "several_respondents", _l("Several respondents")
    FOREIGN_PARTY = "foreign_party", _l("Foreign party")


def propose_track(case) -> tuple[Track, list[TriageReason]]:
    """The track the rules give CASE, with every reason that made it complex (none for simple)."""
    cfg = current_app.config
    reasons = []
    if case.ip_type.value in cfg["TRIAGE_TECHNICAL_IP_TYPES"]:
        reasons.append(TriageReason.TECHNICAL_IP_TYPE)
    if case.claim_amount >= cfg["TRIAGE_COMPLEX_CLAIM_AMOUNT"]:
        reasons.append(TriageReason.CLAIM_AMOUNT)
    if len(case.respondents) > cfg["TRIAGE_MAX_SIMPLE_RESPONDENTS"]:
        reasons.append(TriageReason.SEVERAL_RESPONDENTS)
    if any(p.is_foreign for p in case.parties):
        reasons.append(TriageReason.FOREIGN_PARTY)
    return (Track.COMPLEX if reasons else Track.SIMPLE), reasons


def describe(reason_codes) -> list[str]:
    """Labels for stored reason codes."""
    out = []
    for code in reason_codes or []:
        try:
            out.append(TriageReason(code).label)
        except ValueError:
            out.append(code)
    return out
