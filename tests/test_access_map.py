"""Every route of the URL map, for every demo account and a visitor, on objects of their own case
and of another: the platform lets in exactly those tests/access_table.py names, refuses the others,
and a refused POST changes nothing. A route without an entry in the table fails here by name."""

import sqlalchemy as sa
from sqlalchemy.orm import Session
from werkzeug.routing import Map

from odr import seed
from odr.accounts.models import OrgKind, Role, User
from tests.access_table import ACCESS
from tests.fuzz_support import sign_in


def test_every_route_has_an_entry_in_the_access_table(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    missing = sorted(endpoints - set(ACCESS))
    assert not missing, "Say who may reach these routes in tests/access_table.py: " + ", ".join(missing)
    stale = sorted(set(ACCESS) - endpoints)
    assert not stale, "tests/access_table.py names routes that no longer exist: " + ", ".join(stale)


# The objects each route is tried with ------------------------------------------------------------


def _samples(db):
    """For each sample name, the rows (url arguments, case id or None, the ids of the people it is
    about) it offers, oldest first."""
    from odr.accounts.sessions import LoginSession
    from odr.agreements.models import (
        Agreement,
        Breach,
        ClauseTemplate,
        ConfirmationApplication,
        EnforcementApplication,
        MaterialsRequest,
        Obligation,
    )
    from odr.arbitration.models import ArbitrationCase, Award, Challenge, TribunalSeat
    from odr.cases.models import Case, CaseParty, PowerOfAttorney
    from odr.deadlines.models import ExtensionProposal
    from odr.evidence.models import ClaimChart, ClaimChartRow, Exhibit, PreservationRequest
    from odr.experts.models import (
        Assignment,
        ExpertProfile,
        OpinionAttachment,
        RecusalRequest,
        TechnicalOpinion,
    )
    from odr.handover.models import Handover, UndisputedFact
    from odr.identity.models import IdentityDocument, IdentityVerification
    from odr.registry.models import Entry, Finding, RepairApplication
    from odr.rooms.models import MediationSession, Message, MessageKind, Room, RoomKind
    from odr.stats.models import TypicalCase
    from odr.survey.models import SurveyInvitation

    def rows(query, make, owners=lambda o: set()):
        return [(*make(o), owners(o)) for o in db.session.scalars(query)]

    def by_case(model, arg, where=(), case=lambda o: o.case_id, owners=lambda o: set()):
        query = sa.select(model).where(*where).order_by(model.id)
        return rows(query, lambda o: ({arg: o.id}, case(o)), owners)

    def plain(model, arg, where=(), owners=lambda o: set()):
        query = sa.select(model).where(*where).order_by(model.id)
        return rows(query, lambda o: ({arg: o.id}, None), owners)

    def entity(entry):
        return set(db.session.scalars(sa.select(User.id).where(User.credit_code == entry.credit_code)))

    joint = sa.select(Room.id).where(Room.kind == RoomKind.JOINT)
    return {
        "case": by_case(Case, "case_id", case=lambda c: c.id),
        "case_party": rows(
            sa.select(CaseParty).order_by(CaseParty.id),
            lambda p: ({"case_id": p.case_id, "party_id": p.id}, p.case_id),
            lambda p: {p.user_id},
        ),
        "power": rows(
            sa.select(PowerOfAttorney).order_by(PowerOfAttorney.id),
            lambda p: ({"case_id": p.party.case_id, "power_id": p.id}, p.party.case_id),
            lambda p: {p.party.user_id, p.agent_id},
        ),
        "extension": rows(
            sa.select(ExtensionProposal).order_by(ExtensionProposal.id),
            lambda p: ({"case_id": p.case_id, "proposal_id": p.id}, p.case_id),
        ),
        "assignment": by_case(Assignment, "assignment_id", owners=lambda a: {a.expert_id}),
        "recusal": by_case(RecusalRequest, "request_id"),
        "opinion": by_case(TechnicalOpinion, "opinion_id"),
        "attachment": by_case(OpinionAttachment, "attachment_id", case=lambda a: a.opinion.case_id),
        "joint_room": by_case(Room, "room_id", where=[Room.kind == RoomKind.JOINT]),
        "room_file": by_case(
            Message,
            "message_id",
            where=[Message.kind == MessageKind.FILE, Message.room_id.in_(joint)],
            case=lambda m: m.room.case_id,
        ),
        "joint_session": by_case(MediationSession, "session_id", where=[MediationSession.room_id.in_(joint)]),
        "shared_exhibit": by_case(Exhibit, "exhibit_id", where=[Exhibit.visibility == "shared"]),
        "submitted_chart": by_case(ClaimChart, "chart_id", where=[ClaimChart.state != "draft"]),
        "chart_row": rows(
            sa.select(ClaimChartRow)
            .join(ClaimChart, ClaimChart.id == ClaimChartRow.chart_id)
            .where(ClaimChart.state != "draft")
            .order_by(ClaimChartRow.id),
            lambda r: ({"chart_id": r.chart_id, "row_id": r.id}, r.chart.case_id),
        ),
        "preservation": by_case(PreservationRequest, "request_id"),
        "agreement": by_case(Agreement, "agreement_id"),
        "effective_agreement": by_case(
            Agreement, "agreement_id", where=[Agreement.state.notin_(("draft", "under_review", "abandoned"))]
        ),
        "confirmation": by_case(
            ConfirmationApplication,
            "application_id",
            where=[ConfirmationApplication.submitted_at.is_not(None)],
        ),
        "materials": by_case(MaterialsRequest, "request_id", case=lambda m: m.application.case_id),
        "breach": by_case(Breach, "breach_id", case=lambda b: b.obligation.agreement.case_id),
        "obligation": by_case(Obligation, "obligation_id", case=lambda o: o.agreement.case_id),
        "enforcement": by_case(EnforcementApplication, "enforcement_id"),
        "fact": rows(
            sa.select(UndisputedFact).order_by(UndisputedFact.id),
            lambda f: ({"case_id": f.case_id, "fact_id": f.id}, f.case_id),
        ),
        "handover": by_case(Handover, "handover_id"),
        "arbitration": by_case(ArbitrationCase, "arbitration_id"),
        "seat": by_case(TribunalSeat, "seat_id", case=lambda s: s.arbitration.case_id),
        "challenge": by_case(Challenge, "challenge_id", case=lambda c: c.seat.arbitration.case_id),
        "award": by_case(Award, "award_id", case=lambda a: a.arbitration.case_id),
        "issued_award": by_case(
            Award, "award_id", where=[Award.issued_at.is_not(None)], case=lambda a: a.arbitration.case_id
        ),
        "user": plain(User, "user_id"),
        "clause_template": plain(ClauseTemplate, "template_id"),
        "expert_profile": plain(ExpertProfile, "profile_id", owners=lambda p: {p.user_id}),
        "identity_request": plain(IdentityVerification, "request_id"),
        "identity_document": plain(IdentityDocument, "document_id"),
        "typical_case": plain(TypicalCase, "typical_id"),
        "entry": plain(Entry, "entry_id", owners=entity),
        "published_entry": plain(Entry, "entry_id", where=[Entry.state == "published"]),
        "finding_with_document": plain(Finding, "finding_id", where=[Finding.document_sha256.is_not(None)]),
        "repair": plain(RepairApplication, "application_id"),
        "login_session": plain(LoginSession, "session_id"),
        "survey_invitation": plain(SurveyInvitation, "invitation_id"),
    }


# Who each account is, and what they are to each case ----------------------------------------------


def _role_words(user) -> set:
    words = {"anyone"}
    if user is None:
        return words
    words.add("signed_in")
    kind = user.organisation.kind if user.organisation is not None else None
    for role, word in (
        (Role.PARTY, "party_role"),
        (Role.COURT_LIAISON, "court"),
        (Role.CREDIT_OFFICER, "credit"),
        (Role.ADMIN, "admin"),
        (Role.MEDIATOR, "expert"),
        (Role.ARBITRATOR, "expert"),
        (Role.TECHNICAL_INVESTIGATOR, "expert"),
    ):
        if user.has_role(role):
            words.add(word)
    if user.has_role(Role.CLERK):
        words.add("arb_clerk" if kind == OrgKind.ARBITRATION_COMMISSION else "clerk")
    return words


def _case_words(db, users) -> dict:
    """(case id, user id) -> what the user is to the case, read from the case's own records."""
    from odr.agreements.models import ConfirmationApplication, EnforcementApplication
    from odr.arbitration.models import ArbitrationCase, SeatRole, SeatState, TribunalSeat
    from odr.cases.models import Case, CaseParty, PowerOfAttorney
    from odr.experts.models import Assignment

    words = {}

    def add(case_id, user_id, *found):
        words.setdefault((case_id, user_id), set()).update(found)

    for case_id, user_id, side in db.session.execute(
        sa.select(CaseParty.case_id, CaseParty.user_id, CaseParty.side).where(CaseParty.user_id.is_not(None))
    ):
        add(case_id, user_id, "party", side.value)
    for case_id, agent_id, side in db.session.execute(
        sa.select(CaseParty.case_id, PowerOfAttorney.agent_id, CaseParty.side)
        .join(CaseParty, CaseParty.id == PowerOfAttorney.party_id)
        .where(PowerOfAttorney.state == "approved")
    ):
        add(case_id, agent_id, "party", side.value)
    staff = [u for u in users if u is not None and u.organisation_id is not None]
    for case_id, organisation_id, channel in db.session.execute(
        sa.select(Case.id, Case.organisation_id, Case.channel)
    ):
        for u in staff:
            if u.has_role(Role.CLERK) and u.organisation_id == organisation_id:
                add(case_id, u.id, "org_clerk")
                if channel.value != "arbitration":
                    add(case_id, u.id, "case_clerk")
    for case_id, expert_id, seat, state, declared in db.session.execute(
        sa.select(
            Assignment.case_id,
            Assignment.expert_id,
            Assignment.seat,
            Assignment.state,
            Assignment.declaration_signed_at,
        )
    ):
        role = "investigator" if seat.value == "technical_investigator" else "mediator"
        if state.value == "accepted":
            add(case_id, expert_id, role)
        elif state.value == "released" and declared is not None:
            add(case_id, expert_id, "former_" + role)
    for case_id, arbitrator_id, role, state in db.session.execute(
        sa.select(
            ArbitrationCase.case_id, TribunalSeat.arbitrator_id, TribunalSeat.role, TribunalSeat.state
        ).join(ArbitrationCase, ArbitrationCase.id == TribunalSeat.arbitration_id)
    ):
        if state == SeatState.ACCEPTED:
            add(case_id, arbitrator_id, "tribunal")
            if role in (SeatRole.SOLE, SeatRole.PRESIDING):
                add(case_id, arbitrator_id, "chair")
        elif state == SeatState.PROPOSED:
            add(case_id, arbitrator_id, "asked")
    for case_id, commission_id in db.session.execute(
        sa.select(ArbitrationCase.case_id, ArbitrationCase.commission_id)
    ):
        for u in staff:
            if u.has_role(Role.CLERK) and u.organisation_id == commission_id:
                add(case_id, u.id, "commission")
    courts = list(
        db.session.execute(
            sa.select(ConfirmationApplication.case_id, ConfirmationApplication.court_id).where(
                ConfirmationApplication.submitted_at.is_not(None)
            )
        )
    ) + list(db.session.execute(sa.select(EnforcementApplication.case_id, EnforcementApplication.court_id)))
    for case_id, court_id in courts:
        for u in staff:
            if u.has_role(Role.COURT_LIAISON) and u.organisation_id == court_id:
                add(case_id, u.id, "liaison")
    return words


def _demo_users(db):
    from odr.registry.seed import OFFICER

    emails = [a[0] for a in seed.ACCOUNTS] + [OFFICER[0]]
    found = {u.email: u for u in db.session.scalars(sa.select(User).where(User.email.in_(emails)))}
    return [found[e] for e in emails] + [None]


class Changes:
    """The tables a request wrote to, besides the sign-in bookkeeping (a session's last activity)."""

    IGNORED = {"login_sessions"}

    def __init__(self):
        self.changed = set()

    def reset(self):
        self.changed = set()

    def _flush(self, session, context, instances):
        for obj in [*session.new, *session.deleted, *(o for o in session.dirty if session.is_modified(o))]:
            table = getattr(obj, "__tablename__", type(obj).__name__)
            if table not in self.IGNORED:
                self.changed.add(table)

    def _execute(self, state):
        if state.is_insert or state.is_update or state.is_delete:
            table = getattr(getattr(state.statement, "table", None), "name", "?")
            if table not in self.IGNORED:
                self.changed.add(table)

    def __enter__(self):
        sa.event.listen(Session, "before_flush", self._flush)
        sa.event.listen(Session, "do_orm_execute", self._execute)
        return self

    def __exit__(self, *exc):
        sa.event.remove(Session, "before_flush", self._flush)
        sa.event.remove(Session, "do_orm_execute", self._execute)


def _refused(client, response) -> bool:
    if response.status_code in (401, 403, 404):
        return True
    if response.status_code in (301, 302, 303) and "/login" in response.headers.get("Location", ""):
        return True
    if response.status_code >= 400:
        return True
    with client.session_transaction() as session:
        return any(category == "danger" for category, _ in session.get("_flashes", []))


def _url(adapter: Map, endpoint, args):
    return adapter.build(endpoint, args, append_unknown=True)


def test_each_route_admits_exactly_whom_the_table_names(app, db, client):
    seed.run()
    db.session.flush()
    users = _demo_users(db)
    samples = _samples(db)
    relation = _case_words(db, users)
    adapter = app.url_map.bind("localhost")
    rules = {}
    for rule in app.url_map.iter_rules():
        rules.setdefault(rule.endpoint, set()).update(rule.methods - {"HEAD", "OPTIONS"})
    mismatches, errors, untried = [], [], []

    def words_of(user, case_id, owners):
        found = _role_words(user)
        if user is not None and case_id is not None:
            found |= relation.get((case_id, user.id), set())
        if user is not None and user.id in owners:
            found.add("owner")
        return found

    def objects_for(entry, user):
        """An object of USER's own case and one of another case (or the first one, for others)."""
        if entry.sample is None:
            return [({}, None, set())]
        offered = samples[entry.sample]
        if not offered:
            return []
        if offered[0][1] is None:
            mine = next((o for o in offered if user is not None and user.id in o[2]), None)
            return [offered[0]] + ([mine] if mine is not None and mine is not offered[0] else [])
        own = next((o for o in offered if user is not None and (o[1], user.id) in relation), None)
        other = next((o for o in offered if user is None or (o[1], user.id) not in relation), None)
        return [o for o in (own, other) if o is not None]

    watch = Changes()
    with watch:
        for endpoint in sorted(rules):
            entry = ACCESS.get(endpoint)
            if entry is None or endpoint == "static":
                continue
            methods = rules[endpoint]
            if entry.sample is not None and not samples[entry.sample]:
                untried.append(endpoint)
                continue
            for user in users:
                for args, case_id, owners in objects_for(entry, user):
                    url = _url(adapter, endpoint, {**entry.args, **args})
                    allowed = bool(entry.who & words_of(user, case_id, owners))
                    who = f"{user.email if user else 'visitor'} ({'own' if case_id is not None and user is not None and (case_id, user.id) in relation else 'other'} case {case_id})"
                    if "GET" in methods:
                        sign_in(client, user)
                        response = client.get(url)
                        status = response.status_code
                        refused = _refused(client, response)
                        response.close()
                        if status >= 500:
                            errors.append(f"GET {url} as {who}: {status}")
                        elif not entry.smoke and refused == allowed:
                            mismatches.append(
                                f"GET {url} [{endpoint}] as {who}: {status}, "
                                f"the table says {'allowed' if allowed else 'refused'}"
                            )
                    elif (
                        "POST" in methods
                        and (not allowed or entry.smoke)
                        and (user is None or not entry.smoke)
                    ):
                        sign_in(client, user)
                        savepoint = db.session.connection().begin_nested()
                        watch.reset()
                        try:
                            response = client.post(url, data={})
                            status = response.status_code
                            refused = _refused(client, response)
                            response.close()
                        finally:
                            savepoint.rollback()
                            db.session.expire_all()
                        if status >= 500:
                            errors.append(f"POST {url} as {who}: {status}")
                        elif entry.smoke:
                            continue
                        elif watch.changed:
                            mismatches.append(
                                f"POST {url} [{endpoint}] as {who}: {status}, changed "
                                f"{', '.join(sorted(watch.changed))}; the table says refused"
                            )
    report = errors + mismatches
    assert not report, f"{len(errors)} server errors, {len(mismatches)} mismatches:\n" + "\n".join(report)
    # Routes the demo data offers no object for are tried by nobody yet: the list is kept here so
    # that it only shrinks (add demo data, then strike the route from it).
    assert set(untried) == NO_DEMO_OBJECT, (
        "demo objects to try with: now found for "
        + ", ".join(sorted(NO_DEMO_OBJECT - set(untried)))
        + "; now missing for "
        + ", ".join(sorted(set(untried) - NO_DEMO_OBJECT))
    )


NO_DEMO_OBJECT = {
    *["agreements.answer_breach", "agreements.breach_evidence"],
    *["accounts.end_session", "agreements.enforcement_pdf", "agreements.materials_file"],
    *["arbitration.decide_challenge", "assignments.decide_recusal", "assignments.opinion_attachment"],
    *["assignments.opinion_pdf", "assignments.show_opinion", "court.accept_enforcement"],
    *["deadlines.answer", "deadlines.withdraw", "evidence.add_row", "evidence.answer_row", "evidence.chart"],
    *[
        "evidence.chart_pdf",
        "evidence.comment_row",
        "evidence.complete_chart",
        "evidence.decide_preservation",
    ],
    *["evidence.download", "evidence.preservation_request", "evidence.receipt", "evidence.remove_row"],
    *["evidence.respond", "evidence.show", "evidence.show_in_room", "evidence.submit_chart"],
    *["evidence.visibility", "evidence.withdraw_preservation", "handover.answer_fact", "identity.document"],
    *["reports.remove_typical", "rooms.download", "rooms.session_page", "rooms.session_record"],
}
