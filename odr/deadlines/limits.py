"""The table of time limits: for every kind of deadline, how long, how it counts, on what legal
basis, what happens when it runs out and who is told. The deadline engine computes due times from
it, acts check themselves against it, the countdowns show it, and docs/time-limits.md is
generated from it (`flask odr time-limits`; tests/test_time_limits.py keeps the two equal).
"""

from dataclasses import dataclass
from datetime import date, datetime

from flask import current_app
from flask_babel import lazy_gettext as _l

from odr.deadlines.calendar import Count, period_end
from odr.deadlines.models import DeadlineKind as K

ART_85 = _l("Civil Procedure Law 2023 art. 85 (how periods are counted)")


@dataclass(frozen=True)
class Limit:
    kind: K
    count: Count
    length: str | int  # a setting (config key) holding the length, keyed by track if a dict; or a number
    starts: str  # the event the period runs from
    basis: str
    at_expiry: str
    told: str
    duty: bool = False  # the court's or the commission's own limit: a late act is allowed and marked late
    checked: bool = False  # an act with this limit is refused once it has run out

    def length_of(self, key: str | None = None) -> int:
        if isinstance(self.length, int):
            return self.length
        value = current_app.config[self.length]
        return int(value[key or "complex"] if isinstance(value, dict) else value)


LIMITS: dict[K, Limit] = {
    limit.kind: limit
    for limit in (
        Limit(
            K.RESPONDENT_ANSWER,
            Count.DAYS,
            "RESPONDENT_ANSWER_DAYS",
            _l("the clerk accepts the case and the respondent is invited"),
            _l(
                "the mediation centre's rules; mediation needs the respondent's consent (People's Mediation Law art. 17)"
            ),
            _l("the case is closed as not mediated; a late answer is refused"),
            _l("the clerks"),
            checked=True,
        ),
        Limit(
            K.EXPERT_ANSWER,
            Count.HOURS,
            "EXPERT_ANSWER_HOURS",
            _l("the clerk asks the expert"),
            _l("the mediation centre's rules"),
            _l("the request lapses and the next candidate is asked; a late answer is refused"),
            _l("the clerks"),
            checked=True,
        ),
        Limit(
            K.INVESTIGATOR_NOTICE,
            Count.DAYS,
            "INVESTIGATOR_NOTICE_DAYS",
            _l("the technical investigator's assignment takes effect"),
            _l("SPC Provisions on Technical Investigators' Participation in IP Litigation (2019) art. 3"),
            _l("the clerk is told the parties have not been notified; a late notice is recorded as late"),
            _l("the clerks"),
            duty=True,
        ),
        Limit(
            K.MEDIATION_PERIOD,
            Count.DAYS,
            "MEDIATION_PERIOD_DAYS",
            _l("the mediator accepts the case"),
            _l(
                "SPC Provisions on Specially Invited Mediation (2016): 30 days, extendable with the parties' consent; 15 days on the simple track (the centre's rules)"
            ),
            _l("the mediation fails and the case is handed over"),
            _l("the clerks and the mediators"),
        ),
        Limit(
            K.SESSION_REMINDER_24H,
            Count.HOURS,
            24,
            _l("the session starts (counted back)"),
            _l("the mediation centre's rules"),
            _l("a reminder is posted in the room"),
            _l("the participants"),
        ),
        Limit(
            K.SESSION_REMINDER_1H,
            Count.HOURS,
            1,
            _l("the session starts (counted back)"),
            _l("the mediation centre's rules"),
            _l("a reminder is posted in the room"),
            _l("the participants"),
        ),
        Limit(
            K.CONFIRMATION_WINDOW,
            Count.DAYS,
            "CONFIRMATION_WINDOW_DAYS",
            _l("the settlement agreement takes effect"),
            _l("Civil Procedure Law 2023 art. 205"),
            _l("an application or a joining is refused; the parties may sue or mediate again"),
            _l("the parties"),
            checked=True,
        ),
        Limit(
            K.COURT_ACCEPTANCE,
            Count.DAYS,
            "COURT_ACCEPTANCE_DAYS",
            _l("the application reaches the court"),
            _l(
                "SPC Provisions on the Judicial Confirmation Procedure of People's Mediation Agreements (2011) art. 4"
            ),
            _l("a duty of the court: a late acceptance is allowed, recorded as late"),
            _l("the court's liaison officers"),
            duty=True,
        ),
        Limit(
            K.COURT_DECISION,
            Count.DAYS,
            "COURT_DECISION_DAYS",
            _l("the court accepts the application; extendable once, with the court president's approval"),
            _l(
                "SPC Provisions on the Judicial Confirmation Procedure of People's Mediation Agreements (2011) art. 5"
            ),
            _l("a duty of the court: a late decision is allowed, recorded as late"),
            _l("the court's liaison officers"),
            duty=True,
        ),
        Limit(
            K.OBLIGATION_DUE,
            Count.DATE,
            0,
            _l("the date the agreement fixes"),
            _l("the settlement agreement (Civil Code art. 509)"),
            _l("the obligation is overdue and the creditor may apply for enforcement"),
            _l("both parties"),
        ),
        Limit(
            K.ENFORCEMENT_WINDOW,
            Count.YEARS,
            "ENFORCEMENT_WINDOW_YEARS",
            _l("the last day of the performance period"),
            _l("Civil Procedure Law 2023 art. 250"),
            _l("an application for enforcement is refused"),
            _l("the creditor"),
            checked=True,
        ),
        Limit(
            K.ARBITRATION_ANSWER,
            Count.DAYS,
            "ARBITRATION_ANSWER_DAYS",
            _l("the respondent is served the application"),
            _l(
                "the commission's rules, which the Arbitration Law leaves the period to (art. 25 of its 2017 text)"
            ),
            _l("a late defence or counterclaim is refused; the proceedings go on"),
            _l("the commission's clerks"),
            checked=True,
        ),
        Limit(
            K.ARBITRATION_NOMINATION,
            Count.DAYS,
            "ARBITRATION_NOMINATION_DAYS",
            _l("the respondent is served the application"),
            _l(
                "the commission's rules; when a party names no arbitrator in time, the commission's chair appoints"
                " (Arbitration Law, art. 32 of its 2017 text)"
            ),
            _l("a party may no longer name; the commission's chair appoints the empty seats"),
            _l("the commission's clerks"),
            checked=True,
        ),
        Limit(
            K.ARBITRATOR_ANSWER,
            Count.HOURS,
            "EXPERT_ANSWER_HOURS",
            _l("the arbitrator is asked"),
            _l("the commission's rules"),
            _l("the request lapses; a late answer is refused"),
            _l("the commission's clerks"),
            checked=True,
        ),
        Limit(
            K.AWARD_PERIOD,
            Count.DAYS,
            "ARBITRATION_AWARD_DAYS",
            _l("the tribunal is formed (the expedited procedure has a shorter period)"),
            _l("the commission's rules"),
            _l("a duty of the tribunal: a late award is allowed, recorded as late"),
            _l("the commission's clerks"),
            duty=True,
        ),
        Limit(
            K.AWARD_PERFORMANCE,
            Count.DAYS,
            "ARBITRATION_PERFORMANCE_DAYS",
            _l("the award is served"),
            _l("the award (to be performed within 10 days of service)"),
            _l("the award is overdue and the claimant may apply for enforcement"),
            _l("both parties"),
        ),
        Limit(
            K.SURVEY_REMINDER,
            Count.CALENDAR_DAYS,
            7,
            _l("the party is asked how it was served"),
            _l("the platform's service rules (no legal period)"),
            _l("the party is reminded once"),
            _l("the party"),
        ),
        Limit(
            K.SURVEY_CLOSE,
            Count.CALENDAR_DAYS,
            30,
            _l("the party is asked how it was served"),
            _l("the platform's service rules (no legal period)"),
            _l("the survey closes unanswered"),
            _l("nobody"),
        ),
        Limit(
            K.REGISTRY_OBJECTION,
            Count.DAYS,
            "REGISTRY_OBJECTION_DAYS",
            _l("the entity is notified of the intended listing"),
            _l("the market regulator's rules on the list of infringers (notice and objection)"),
            _l("no objection in time: the entry is published; a late objection is refused"),
            _l("the credit officers"),
            checked=True,
        ),
        Limit(
            K.REGISTRY_PUBLICATION,
            Count.YEARS,
            "REGISTRY_PUBLICATION_YEARS",
            _l("the entry is published"),
            _l("the market regulator's rules on the list of infringers (publication period)"),
            _l("the entry is removed from the public list"),
            _l("the entity"),
        ),
    )
}


def limit(kind) -> Limit:
    return LIMITS[K(kind)]


def due(kind, start: datetime | date, *, length: int | None = None, key: str | None = None) -> datetime:
    """When a deadline of KIND started by an event at START falls due (the first instant too late)."""
    lim = limit(kind)
    n = lim.length_of(key) if length is None else length
    return period_end(lim.count, start, n, what=K(kind).value)
