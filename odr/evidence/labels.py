"""How the docket's acts read in a case's timeline."""

from flask_babel import lazy_gettext as _l

from odr.audit import labels

labels.register(
    {
        "evidence.deposited": _l("Exhibit deposited (its SHA-256 recorded)"),
        "evidence.shared": _l("Exhibit shared with the other side"),
        "evidence.confidential": _l("Exhibit marked confidential"),
        "evidence.unmarked": _l("Confidential mark lifted from an exhibit"),
        "evidence.responded": _l("Response to an exhibit"),
        "claim_chart.created": _l("Claim chart started"),
        "claim_chart.submitted": _l("Claim chart sent to the respondent"),
        "claim_chart.row_answered": _l("Respondent answered a row of the claim chart"),
        "claim_chart.answered": _l("Respondent returned the claim chart"),
        "claim_chart.commented": _l("Technical investigator commented on the claim chart"),
        "preservation.requested": _l("Evidence preservation requested"),
        "preservation.granted": _l("Court ordered evidence preservation"),
        "preservation.refused": _l("Court refused evidence preservation"),
        "preservation.withdrawn": _l("Preservation request withdrawn"),
    }
)
