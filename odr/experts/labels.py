"""How the expert pool's acts read in a case's timeline."""

from flask_babel import lazy_gettext as _l

from odr.audit import labels

labels.register(
    {
        "assignment.proposed": _l("An expert was asked to serve"),
        "assignment.accepted": _l("An expert accepted and signed the declaration"),
        "assignment.declined": _l("An expert declined"),
        "assignment.expired": _l("An expert did not answer in time"),
        "assignment.recused": _l("An expert was recused"),
        "assignment.released": _l("An expert's seat was released"),
        "assignment.reinstated": _l("An expert took up their seat again as the mediation resumed"),
        "assignment.no_candidate": _l("No further candidate for a seat"),
        "assignment.parties_notified": _l("Parties notified of the technical investigator"),
        "case.mediator_chosen": _l("A party chose a mediator"),
        "recusal.requested": _l("Recusal requested"),
        "recusal.granted": _l("Recusal granted"),
        "recusal.refused": _l("Recusal refused"),
        "opinion.question_asked": _l("Technical question put to the investigator"),
        "opinion.filed": _l("Technical opinion filed"),
        "opinion.visibility_changed": _l("Who may read technical opinions was changed"),
    }
)
