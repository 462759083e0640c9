"""How audit actions read in a case's timeline."""

from flask_babel import lazy_gettext as _l

ACTION_LABELS = {
    "case.filed": _l("Dispute filed"),
    "case.numbered": _l("Case number assigned"),
    "case.respondent_linked": _l("Respondent's existing account linked to the case"),
    "case.invitation_issued": _l("Invitation link issued to the respondent"),
    "case.invitation_claimed": _l("Respondent registered through the invitation"),
    "case.party_consented": _l("A respondent consented to mediation"),
}


def register(labels: dict):
    """Other parts of the platform name their own audit actions here."""
    ACTION_LABELS.update(labels)


def action_label(action: str):
    """The translated label of an audit ACTION such as 'case.accept'."""
    if action in ACTION_LABELS:
        return ACTION_LABELS[action]
    if action.startswith("case."):
        from odr.cases.workflow import Action

        try:
            return Action(action.removeprefix("case.")).label
        except ValueError:
            pass
    return action
