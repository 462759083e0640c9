"""Every route of the URL map, for every demo account, a party of no demo case and a visitor, on
objects of their own case (one naming them, one not) and of another: the platform lets in exactly
those tests/access_table.py names and refuses the others; a refused POST, its form filled in as a
browser sends it, is refused and changes nothing. A route without an entry in the table, or without an
object to try it on (the demo data, and what tests/access_support.py adds), fails here by name."""

from dataclasses import dataclass

import flask.templating
import sqlalchemy as sa
from werkzeug.routing import Map

from odr import seed
from odr.accounts.models import OrgKind, Role, User
from tests import access_support
from tests.access_table import ACCESS


def test_every_route_has_an_entry_in_the_access_table(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    missing = sorted(endpoints - set(ACCESS))
    assert not missing, "Say who may reach these routes in tests/access_table.py: " + ", ".join(missing)
    stale = sorted(set(ACCESS) - endpoints)
    assert not stale, "tests/access_table.py names routes that no longer exist: " + ", ".join(stale)


# The objects each route is tried with ------------------------------------------------------------


def _samples(db, relation, users):
    """For each sample name, the rows (url arguments, case id or None, {object word: the ids of the
    people it names}) it offers, oldest first."""
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
    from odr.evidence.models import (
        ClaimChart,
        ClaimChartRow,
        Exhibit,
        PreservationRequest,
        preservation_exhibits,
    )
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

    def rows(query, make, words=lambda o: {}):
        return [(*make(o), words(o)) for o in db.session.scalars(query)]

    def by_case(model, arg, where=(), case=lambda o: o.case_id, words=lambda o: {}):
        query = sa.select(model).where(*where).order_by(model.id)
        return rows(query, lambda o: ({arg: o.id}, case(o)), words)

    def plain(model, arg, where=(), words=lambda o: {}):
        query = sa.select(model).where(*where).order_by(model.id)
        return rows(query, lambda o: ({arg: o.id}, None), words)

    def owner(*ids):
        return {"owner": set(ids)}

    def side(case_id, side):
        """The people of one side of a case: its parties' accounts and their approved agents."""
        return {u for (c, u), found in relation.items() if c == case_id and side in found}

    def party(p):
        """A party's account and its approved agents."""
        return {p.user_id} | {a.agent_id for a in p.powers if a.state == "approved"}

    def liaisons(court_id):
        return {
            u.id
            for u in users
            if u is not None and u.has_role(Role.COURT_LIAISON) and u.organisation_id == court_id
        }

    def entity(entry):
        return owner(*db.session.scalars(sa.select(User.id).where(User.credit_code == entry.credit_code)))

    def exhibit_words(e):
        courts = db.session.scalars(
            sa.select(PreservationRequest.court_id)
            .join(preservation_exhibits, preservation_exhibits.c.request_id == PreservationRequest.id)
            .where(preservation_exhibits.c.exhibit_id == e.id)
        ).all()
        return {"owner": side(e.case_id, e.side.value), "addressee": set().union(*map(liaisons, courts))}

    def exhibits(visibility, side_=None):
        where = [Exhibit.visibility == visibility] + ([Exhibit.side == side_] if side_ else [])
        return by_case(Exhibit, "exhibit_id", where=where, words=exhibit_words)

    def room_file(message):
        room = db.session.get(Room, message.room_id)
        if room.kind == RoomKind.JOINT:
            return owner(*side(room.case_id, "claimant"), *side(room.case_id, "respondent"))
        return {"owner": side(room.case_id, room.kind.side.value)}

    def chart_rows(*states):
        return rows(
            sa.select(ClaimChartRow)
            .join(ClaimChart, ClaimChart.id == ClaimChartRow.chart_id)
            .where(ClaimChart.state.in_(states))
            .order_by(ClaimChartRow.id),
            lambda r: ({"chart_id": r.chart_id, "row_id": r.id}, r.chart.case_id),
        )

    def sessions(kinds):
        rooms = sa.select(Room.id).where(Room.kind.in_(kinds))
        return by_case(
            MediationSession,
            "session_id",
            where=[MediationSession.room_id.in_(rooms)],
            words=lambda s: owner(*s.participants),
        )

    mediation_rooms = sa.select(Room.id).where(Room.kind != RoomKind.HEARING)
    return {
        "case": by_case(Case, "case_id", case=lambda c: c.id),
        "case_party": rows(
            sa.select(CaseParty).order_by(CaseParty.id),
            lambda p: ({"case_id": p.case_id, "party_id": p.id}, p.case_id),
            lambda p: owner(p.user_id),
        ),
        "power": rows(
            sa.select(PowerOfAttorney).order_by(PowerOfAttorney.id),
            lambda p: ({"case_id": p.party.case_id, "power_id": p.id}, p.party.case_id),
            lambda p: owner(p.party.user_id, p.agent_id),
        ),
        "extension": rows(
            sa.select(ExtensionProposal).order_by(ExtensionProposal.id),
            lambda p: ({"case_id": p.case_id, "proposal_id": p.id}, p.case_id),
        ),
        "assignment": by_case(Assignment, "assignment_id", words=lambda a: owner(a.expert_id)),
        "recusal": by_case(RecusalRequest, "request_id"),
        "opinion": by_case(TechnicalOpinion, "opinion_id", words=lambda o: owner(o.investigator_id)),
        "attachment": by_case(
            OpinionAttachment,
            "attachment_id",
            case=lambda a: db.session.get(TechnicalOpinion, a.opinion_id).case_id,
            words=lambda a: owner(db.session.get(TechnicalOpinion, a.opinion_id).investigator_id),
        ),
        "joint_room": by_case(Room, "room_id", where=[Room.kind == RoomKind.JOINT]),
        "room_file": by_case(
            Message,
            "message_id",
            where=[Message.kind == MessageKind.FILE, Message.room_id.in_(mediation_rooms)],
            case=lambda m: db.session.get(Room, m.room_id).case_id,
            words=room_file,
        ),
        "joint_session": sessions([RoomKind.JOINT]),
        "caucus_session": sessions([RoomKind.CAUCUS_CLAIMANT, RoomKind.CAUCUS_RESPONDENT]),
        "private_exhibit": exhibits("private"),
        "shared_exhibit": exhibits("shared", "claimant"),
        "confidential_exhibit": exhibits("confidential"),
        "draft_chart": by_case(ClaimChart, "chart_id", where=[ClaimChart.state == "draft"]),
        "draft_row": chart_rows("draft"),
        "submitted_chart": by_case(ClaimChart, "chart_id", where=[ClaimChart.state == "submitted"]),
        "chart_row": chart_rows("submitted"),
        "preservation": by_case(
            PreservationRequest,
            "request_id",
            words=lambda r: {"owner": side(r.case_id, r.side.value), "addressee": liaisons(r.court_id)},
        ),
        "agreement": by_case(Agreement, "agreement_id"),
        "effective_agreement": by_case(
            Agreement, "agreement_id", where=[Agreement.state.notin_(("draft", "under_review", "abandoned"))]
        ),
        "confirmation": by_case(
            ConfirmationApplication,
            "application_id",
            where=[ConfirmationApplication.submitted_at.is_not(None)],
        ),
        "materials": by_case(
            MaterialsRequest,
            "request_id",
            where=[MaterialsRequest.file_sha256.is_not(None)],
            case=lambda m: m.application.case_id,
        ),
        "breach": by_case(
            Breach,
            "breach_id",
            case=lambda b: b.obligation.agreement.case_id,
            words=lambda b: {"owner": party(b.obligation.debtor)},
        ),
        "obligation": by_case(Obligation, "obligation_id", case=lambda o: o.agreement.case_id),
        "enforcement": by_case(
            EnforcementApplication, "enforcement_id", words=lambda e: {"addressee": liaisons(e.court_id)}
        ),
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
        "expert_profile": plain(ExpertProfile, "profile_id", words=lambda p: owner(p.user_id)),
        "identity_request": plain(IdentityVerification, "request_id"),
        "identity_document": plain(IdentityDocument, "document_id"),
        "typical_case": plain(TypicalCase, "typical_id"),
        "entry": plain(Entry, "entry_id", words=entity),
        "published_entry": plain(Entry, "entry_id", where=[Entry.state == "published"]),
        "finding_with_document": plain(Finding, "finding_id", where=[Finding.document_sha256.is_not(None)]),
        "repair": plain(RepairApplication, "application_id"),
        "login_session": plain(LoginSession, "session_id", words=lambda s: owner(s.user_id)),
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
    """The demo accounts, the credit officer, a party of no demo case (the company the list of
    infringers names), and a visitor."""
    from odr.registry.seed import LISTED_ACCOUNT, OFFICER

    emails = [a[0] for a in seed.ACCOUNTS] + [OFFICER[0], LISTED_ACCOUNT]
    found = {u.email: u for u in db.session.scalars(sa.select(User).where(User.email.in_(emails)))}
    return [found[e] for e in emails] + [None]


RENDER = flask.templating._render


class Browser:
    """The test client's session cookie, written and read directly: who is signed in, and the
    messages a response left for the next page."""

    def __init__(self, app, client):
        self.client = client
        self.pages_shown = True
        self.name = app.config["SESSION_COOKIE_NAME"]
        self.serializer = app.session_interface.get_signing_serializer(app)

    def render(self, app, template, context):
        """Flask's rendering, or nothing where the answer's words are not read (a refusal's error
        page, the page a refused POST returns to): what is refused shows in the status or a message."""
        return RENDER(app, template, context) if self.pages_shown else ""

    def sign_in(self, person):
        """Make the session PERSON's (or nobody's), with no message left over."""
        if person.cookie is None:
            self.client.delete_cookie(self.name)
        else:
            self.client.set_cookie(self.name, person.cookie)

    def flashed_danger(self) -> bool:
        cookie = self.client.get_cookie(self.name)
        session = self.serializer.loads(cookie.value) if cookie is not None else {}
        return any(category == "danger" for category, _ in session.get("_flashes", []))

    def refused(self, response) -> bool:
        """An error, the way to sign in, or a message saying why."""
        if response.status_code >= 400:
            return True
        if response.status_code in (301, 302, 303) and "/login" in response.headers.get("Location", ""):
            return True
        return self.flashed_danger()


def _url(adapter: Map, endpoint, args):
    return adapter.build(endpoint, args, append_unknown=True)


def _methods(app):
    found = {}
    for rule in app.url_map.iter_rules():
        found.setdefault(rule.endpoint, set()).update(rule.methods - {"HEAD", "OPTIONS"})
    return found


@dataclass(frozen=True)
class Person:
    """Who makes a request, read once (the test's objects are re-read after each request)."""

    email: str
    id: int | None
    words: frozenset
    cookie: str | None = None  # the session cookie of a browser they signed in with


def _people(users, browser) -> list[Person]:
    from odr.accounts.sessions import token_for_test

    people = []
    for u in users:
        if u is None:
            people.append(Person("visitor", None, frozenset(_role_words(None))))
            continue
        signed_in = {"_user_id": str(u.id), "_fresh": True, "sid": token_for_test(u)}
        people.append(Person(u.email, u.id, frozenset(_role_words(u)), browser.serializer.dumps(signed_in)))
    return people


@dataclass(frozen=True)
class Visit:
    endpoint: str
    url: str
    person: Person
    case_id: int | None
    named: dict
    allowed: bool
    entry: object
    who: str  # for the report

    @property
    def path(self):
        return self.url.split("?")[0]


class Sweep:
    """Who may reach which object: the demo data and what tests/access_support.py adds, every account
    of it, and what the table says of each request."""

    def __init__(self, app, db, browser):
        seed.run()
        access_support.build()
        db.session.flush()
        users = _demo_users(db)
        self.relation = _case_words(db, users)
        self.samples = _samples(db, self.relation, users)
        self.people = _people(users, browser)
        self.adapter = app.url_map.bind("localhost")
        self.methods = _methods(app)

    def words_of(self, person, case_id, named) -> set:
        found = set(person.words)
        if person.id is not None:
            found |= self.relation.get((case_id, person.id), set())
            found |= {word for word, ids in named.items() if person.id in ids}
        return found

    def related(self, person, case_id) -> bool:
        return person.id is not None and (case_id, person.id) in self.relation

    def objects_for(self, entry, person):
        """Of PERSON's own cases an object that names them and one that does not, and an object of
        another case (for objects of no case: the first, and one that names them)."""
        if entry.sample is None:
            return [({}, None, {})]
        offered = self.samples[entry.sample]

        def names(o):
            return any(person.id in ids for ids in o[2].values())

        if offered[0][1] is None:
            mine = next((o for o in offered if names(o)), None)
            return [offered[0]] + ([mine] if mine is not None and mine is not offered[0] else [])
        own = [o for o in offered if self.related(person, o[1])]
        picked = [
            next((o for o in own if names(o)), None),
            next((o for o in own if not names(o)), None),
            next((o for o in offered if not self.related(person, o[1])), None),
        ]
        return [o for i, o in enumerate(picked) if o is not None and o not in picked[:i]]

    def visits(self):
        """Every request to make: the GETs, and the POSTs of those the table refuses."""
        gets, posts = [], []
        for endpoint in sorted(self.methods):
            entry = ACCESS.get(endpoint)
            if entry is None or endpoint == "static":
                continue
            for person in self.people:
                for args, case_id, named in self.objects_for(entry, person):
                    own = "own" if case_id is not None and self.related(person, case_id) else "other"
                    visit = Visit(
                        endpoint,
                        _url(self.adapter, endpoint, {**entry.args, **args}),
                        person,
                        case_id,
                        named,
                        bool(entry.who & self.words_of(person, case_id, named)),
                        entry,
                        f"{person.email} ({own} case {case_id})",
                    )
                    if "GET" in self.methods[endpoint]:
                        gets.append(visit)
                    if "POST" in self.methods[endpoint] and (
                        (entry.smoke and person.id is None) or (not entry.smoke and not visit.allowed)
                    ):
                        posts.append(visit)
        return gets, posts

    def admitted(self, visit):
        """The people the table lets make VISIT's request."""
        return [
            p
            for p in self.people
            if p.id is not None and visit.entry.who & self.words_of(p, visit.case_id, visit.named)
        ]


def _open(client, browser, gets, book, report):
    """GET every page: a refusal where the table refuses, an answer where it allows; keep the forms."""
    for visit in gets:
        browser.sign_in(visit.person)
        browser.pages_shown = visit.allowed
        response = client.get(visit.url)
        status = response.status_code
        refused = browser.refused(response)
        if status == 200 and not refused and response.mimetype == "text/html":
            book.read(response.get_data(as_text=True), visit.url)
        response.close()
        if status >= 500:
            report.append(f"GET {visit.url} as {visit.who}: {status}")
        elif not visit.entry.smoke and refused == visit.allowed:
            report.append(
                f"GET {visit.url} [{visit.endpoint}] as {visit.who}: {status}, "
                f"the table says {'allowed' if visit.allowed else 'refused'}"
            )


def _look_for_forms(client, browser, sweep, posts, book):
    """A form the pages did not show is on a page above its action's (an exhibit's page for the
    response to it), or on the case page, as someone the table lets post it sees them."""
    opened, looked = set(), set()
    for visit in posts:
        if book.has(visit.path) or visit.path in looked:
            continue
        looked.add(visit.path)
        for page in access_support.pages_above(sweep.adapter, visit.path, visit.case_id):
            for person in sweep.admitted(visit)[:1]:
                if (page, person.id) in opened or book.has(visit.path):
                    continue
                opened.add((page, person.id))
                browser.sign_in(person)
                response = client.get(page)
                if response.status_code == 200 and response.mimetype == "text/html":
                    book.read(response.get_data(as_text=True), page)
                response.close()


def _post(client, browser, db, posts, book, password, report):
    """POST each form the table refuses, filled in as a browser sends it (empty where no page shows
    it): a refusal, and nothing written."""
    browser.pages_shown = False
    with access_support.Changes() as watch:
        for visit in posts:
            browser.sign_in(visit.person)
            savepoint = db.session.connection().begin_nested()
            watch.reset()
            try:
                form = book.form_for(visit.path, visit.endpoint)
                response = client.post(visit.url, **access_support.as_posted(form, password))
                status = response.status_code
                refused = browser.refused(response)
                response.close()
            finally:
                savepoint.rollback()
                db.session.expire_all()
            where = f"POST {visit.url} [{visit.endpoint}] as {visit.who}: {status}"
            if status >= 500:
                report.append(where)
            elif visit.entry.smoke:
                continue
            elif watch.changed:
                report.append(f"{where}, changed {', '.join(sorted(watch.changed))}; the table says refused")
            elif not refused:
                report.append(f"{where} and no word of refusal; the table says refused")


def test_each_route_admits_exactly_whom_the_table_names(app, db, client, monkeypatch):
    browser = Browser(app, client)
    monkeypatch.setattr(flask.templating, "_render", browser.render)
    sweep = Sweep(app, db, browser)
    untried = sorted(e for e, entry in ACCESS.items() if entry.sample and not sweep.samples[entry.sample])
    assert not untried, "No object to try these routes with: " + ", ".join(untried)
    gets, posts = sweep.visits()
    book = access_support.FormBook(sweep.adapter, {v.path for v in posts})
    report = []
    _open(client, browser, gets, book, report)
    _look_for_forms(client, browser, sweep, posts, book)
    _post(client, browser, db, posts, book, app.config["DEMO_PASSWORD"], report)
    assert not report, f"{len(report)} requests not as the table says:\n" + "\n".join(report)
