"""The buttons users click, posted as the browser sends them (the page's own form, its field names and
defaults): each of these once broke a real user while the operations' tests stayed green."""

import re
from datetime import timedelta
from decimal import Decimal

import sqlalchemy as sa
from freezegun import freeze_time

from odr.agreements import confirmation, performance
from odr.agreements import operations as agreement_ops
from odr.agreements.models import AgreementState, ObligationState
from odr.extensions import db
from odr.rooms import operations as room_ops
from odr.rooms.models import Message, Room, RoomKind
from tests.agreement_support import T0, apply_jointly
from tests.form_support import submit

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def rooms_of(case) -> dict:
    return {r.kind: r for r in db.session.scalars(sa.select(Room).where(Room.case_id == case.id))}


def test_the_mediator_moves_the_joint_room_to_a_caucus(in_mediation, make_client):
    """转至: the joint room's "Move" form takes the mediator to the chosen caucus room."""
    rooms = rooms_of(in_mediation["case"])
    joint, caucus = rooms[RoomKind.JOINT], rooms[RoomKind.CAUCUS_RESPONDENT]
    room_ops.set_open(joint, in_mediation["mediator"], True)
    mediator = make_client(in_mediation["mediator"])
    response = submit(
        mediator, f"/rooms/{joint.id}", action="/move", values={"to": RoomKind.CAUCUS_RESPONDENT.value}
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/rooms/{caucus.id}")
    assert db.session.get(Room, caucus.id).is_open
    notice = db.session.scalars(
        sa.select(Message).where(Message.room_id == joint.id).order_by(Message.seq.desc())
    ).first()
    assert '"moved"' in notice.body and RoomKind.CAUCUS_RESPONDENT.value in notice.body
    page = mediator.get(f"/rooms/{joint.id}").get_data(as_text=True)
    assert "The mediator continues in another room" in page  # the notice's text reaches the page


def confirmed(effective, claimant, respondent, courts, liaison):
    application = apply_jointly(effective, claimant, respondent, courts["wanxiu"])
    with freeze_time(T0 + timedelta(days=3)):
        confirmation.court_accepts(application, liaison, "（2026）桂0403民特90号")
        confirmation.decide(
            application, liaison, confirm=True, ruling_number="（2026）桂0403民特90号", judge_name="黄法官"
        )
    return application


def test_proof_of_performance_reaches_the_other_side(
    db, effective, claimant, respondent, courts, liaison, make_client
):
    """The obliged party reports with a proof file; the creditor downloads exactly that file."""
    confirmed(effective, claimant, respondent, courts, liaison)
    listing = min(performance.obligations_of(effective), key=lambda o: o.due_on)
    case_page = f"/cases/{effective.case_id}"
    with freeze_time(T0 + timedelta(days=4)):
        debtor = make_client(respondent)
        response = submit(
            debtor,
            case_page,
            action=f"/obligations/{listing.id}/report",
            values={"report-text": "两个商品链接均已删除，见截图。"},
            upload=("删除截图.png", PNG),
        )
        assert response.status_code == 302
        assert listing.state == ObligationState.REPORTED
        creditor = make_client(claimant)
        page = creditor.get(case_page).get_data(as_text=True)
        assert f"/obligations/{listing.id}/proof" in page and "删除截图.png" in page
        proof = creditor.get(f"/obligations/{listing.id}/proof")
        assert proof.status_code == 200 and proof.data == PNG
        proof.close()


def test_materials_the_court_asks_for_reach_the_court(
    db, effective, claimant, respondent, courts, liaison, make_client
):
    application = apply_jointly(effective, claimant, respondent, courts["wanxiu"])
    with freeze_time(T0 + timedelta(days=3)):
        confirmation.court_accepts(application, liaison, "（2026）桂0403民特91号")
        confirmation.request_materials(application, liaison, "请提交商标注册证复印件")
    assert effective.state == AgreementState.MATERIALS_REQUESTED
    with freeze_time(T0 + timedelta(days=5)):
        party = make_client(claimant)
        response = submit(
            party,
            f"/cases/{effective.case_id}",
            action=f"/confirmations/{application.id}/materials",
            values={"materials-reply": "附商标注册证。"},
            upload=("商标注册证.pdf", PDF),
        )
        assert response.status_code == 302
        request_ = application.material_requests[0]
        assert request_.supplied_at is not None and request_.file_name == "商标注册证.pdf"
        court_page = make_client(liaison).get(f"/court/applications/{application.id}").get_data(as_text=True)
        assert f"/materials/{request_.id}" in court_page or "商标注册证.pdf" in court_page
        download = make_client(liaison).get(f"/materials/{request_.id}")
        assert download.status_code == 200 and download.data == PDF
        download.close()


def test_a_newly_filed_demo_case_reaches_a_demo_court_for_confirmation(db, make_client):
    """The README's demo journey: the demo claimant files against the demo respondent; once the
    agreement is effective, the court proposed on the page is one a demo court account serves."""
    from odr import seed
    from odr.accounts.models import Role, User
    from odr.cases import operations as case_ops
    from odr.experts import operations as expert_ops
    from odr.experts.models import Seat
    from tests.agreement_support import draft_and_finalise

    seed.run()
    demo = {u.email: u for u in db.session.scalars(sa.select(User).where(User.email.like("%@demo.odr")))}
    claimant, respondent = demo["claimant@demo.odr"], demo["respondent@demo.odr"]
    with freeze_time(T0 - timedelta(days=5)):
        case = case_ops.file_case(
            claimant,
            organisation=demo["clerk@demo.odr"].organisation,
            respondents=[
                {
                    "kind": "company",
                    "name": respondent.name,
                    "credit_code": respondent.credit_code,
                    "phone": "13900000000",
                    "email": None,
                    "is_foreign": False,
                }
            ],
            title="六堡茶地理标志证明商标侵权纠纷",
            ip_type="geographical_indication",
            dispute_kind="infringement",
            industry="liubao_tea",
            place="ecommerce_platform",
            claim_amount=Decimal("50000"),
            remedies="停止侵权，赔偿损失五万元。",
            facts="被申请人在电商平台销售标注“六堡茶”的非产区茶叶。",
            channel="self_filed",
            online_consent=True,
        )
        case_ops.accept_case(case, demo["clerk@demo.odr"])
        case_ops.answer_invitation(case, respondent, consent=True)
        mediator = demo["mediator1@demo.odr"]
        expert_ops.accept(
            expert_ops.propose(case, Seat.MEDIATOR, mediator, actor=demo["clerk@demo.odr"]), mediator
        )
    with freeze_time(T0):
        agreement = draft_and_finalise(case, mediator)
        for user in (claimant, respondent, mediator):
            agreement_ops.sign(
                agreement,
                user,
                version_id=agreement.final_version_id,
                password="Demo-2026!",
                ip_address="10.0.0.8",
            )
    with freeze_time(T0 + timedelta(days=1)):
        response = submit(
            make_client(claimant),
            f"/cases/{case.id}",
            action=f"/agreements/{agreement.id}/confirmation",
            values={"apply-facts_and_reasons": "双方经调解自愿达成协议，请求司法确认。"},
        )
        assert response.status_code == 302
        submit(make_client(respondent), f"/cases/{case.id}", testid="join-application")
    assert agreement.state == AgreementState.CONFIRMATION_REQUESTED
    officers = [u for u in demo.values() if u.has_role(Role.COURT_LIAISON)]
    serving = [
        u.email for u in officers if case.number in make_client(u).get("/court/").get_data(as_text=True)
    ]
    assert serving, "no demo court account finds the application in its queue"


def test_the_invitation_to_mediate_opens_the_answer_page_and_waits_on_the_dashboard(
    db, make_case, clerk, respondent, make_user, make_client
):
    """The notification asking a mediator to serve opens the page where they answer; the dashboard
    shows the request and its 48-hour limit until it is answered; reading the list clears the bell."""
    import re

    from odr.accounts.models import Role
    from odr.cases import operations as case_ops
    from odr.experts import operations as expert_ops
    from odr.experts.models import ExpertProfile, Seat

    with freeze_time(T0):
        case = make_case(respondents=[respondent])
        case_ops.accept_case(case, clerk)
        case_ops.answer_invitation(case, respondent, consent=True)
        mediator = make_user(Role.MEDIATOR, organisation=clerk.organisation, name="黄调解员")
        db.session.add(
            ExpertProfile(user=mediator, specialties=["geographical_indication"], max_open_cases=5)
        )
        db.session.flush()
        assignment = expert_ops.propose(case, Seat.MEDIATOR, mediator, actor=clerk)
    with freeze_time(T0 + timedelta(hours=6)):
        browser = make_client(mediator)
        dashboard = browser.get("/dashboard").get_data(as_text=True)
        assert 'data-testid="bell"' in dashboard and re.search(r'id="bell-count">1<', dashboard)
        assert f"/assignments/{assignment.id}" in dashboard  # the pending request, on the dashboard
        assert "2026-12-03 10:00" in dashboard  # answer by: 48 hours after 10:00 Beijing time on 1 Dec
        assert "42" in re.sub(r"\s+", " ", dashboard.split('data-testid="pending-requests"')[1][:1500])
        listing = browser.get("/notifications").get_data(as_text=True)
        listing = listing.split('data-testid="notifications"')[1].split("</ul>")[0]
        links = [link.replace("&amp;", "&") for link in re.findall(r'href="([^"]+)"', listing)]
        assert links, "the notification has no link"
        for link in links:
            page = browser.get(link)
            assert page.status_code == 200, (link, page.status_code)
        assert f"/assignments/{assignment.id}" in links
        answer = browser.get(f"/assignments/{assignment.id}").get_data(as_text=True)
        assert re.search(r'id="bell-count">0<', answer)  # the list was read: the bell is cleared


def test_a_closed_room_says_why_its_text_box_is_disabled(db, in_mediation, claimant, client, make_client):
    rooms = rooms_of(in_mediation["case"])
    party = make_client(claimant)
    page = party.get(f"/rooms/{rooms[RoomKind.CAUCUS_CLAIMANT].id}").get_data(as_text=True)
    assert re.search(r'<textarea[^>]*id="body"[^>]*disabled', page)
    assert "The mediator has not opened this room." in page.split('data-testid="cannot-post"')[1][:300]
    room_ops.set_open(rooms[RoomKind.JOINT], in_mediation["mediator"], True)
    page = party.get(f"/rooms/{rooms[RoomKind.JOINT].id}").get_data(as_text=True)
    assert not re.search(r'<textarea[^>]*id="body"[^>]*disabled', page)
    with client.get("/favicon.ico") as icon:
        assert icon.status_code == 200 and b"<svg" in icon.data
    assert 'rel="icon"' in page


def test_who_mediated_stays_on_the_record_after_settlement(db, effective, claimant, make_client):
    from odr.cases.models import CaseState

    assert effective.case.state == CaseState.SETTLED
    page = make_client(claimant).get(f"/cases/{effective.case_id}").get_data(as_text=True)
    row = page.split('data-seat="mediator"')[1].split("</tr>")[0]
    assert "黄调解员" in row and 'data-testid="served"' in row and "Not assigned" not in row


def test_sessions_and_their_reminders_end_with_the_mediation(
    db, in_mediation, claimant, respondent, make_client
):
    from odr.deadlines.models import Deadline, DeadlineState
    from odr.rooms import sessions
    from odr.rooms.models import SessionState
    from tests.agreement_support import draft_and_finalise, sign_all

    case, mediator = in_mediation["case"], in_mediation["mediator"]
    joint = rooms_of(case)[RoomKind.JOINT]
    with freeze_time(T0):
        session = sessions.schedule(
            joint,
            mediator,
            starts_at=T0 + timedelta(days=3),
            duration_minutes=60,
            agenda="第二次调解",
            participant_ids=[claimant.id, respondent.id],
        )
        page = make_client(claimant).get("/dashboard").get_data(as_text=True)
        assert "Session reminder" in page.split('data-testid="upcoming-deadlines"')[1]
        agreement = draft_and_finalise(case, mediator)
        sign_all(agreement, [claimant, respondent, mediator])  # settled: mediation is over
        assert session.state == SessionState.CANCELLED
        reminders = db.session.scalars(sa.select(Deadline).where(Deadline.object_id == session.id)).all()
        assert reminders and {d.state for d in reminders if "session" in d.kind.value} == {
            DeadlineState.CANCELLED
        }
        page = make_client(claimant).get("/dashboard").get_data(as_text=True)
        assert "Session reminder" not in page
        notices = db.session.scalars(sa.select(Message.body).where(Message.room_id == joint.id)).all()
        assert any("session_cancelled_mediation_over" in body for body in notices)


def test_a_confirmed_case_reads_as_confirmed_and_enforceable_in_the_list(
    db, effective, claimant, respondent, courts, liaison, make_client
):
    confirmed(effective, claimant, respondent, courts, liaison)
    claimant.locale = "zh_CN"
    listing = make_client(claimant).get("/cases").get_data(as_text=True)
    assert 'data-agreement-state="enforceable"' in listing and "已司法确认" in listing


def test_the_arbitration_commissions_clerk_has_an_arbitration_desk(db, make_client):
    from odr import seed
    from odr.accounts.models import User
    from odr.arbitration.models import ArbitrationCase

    seed.run()
    arbclerk = db.session.scalar(sa.select(User).where(User.email == "arbclerk@demo.odr"))
    clerk = db.session.scalar(sa.select(User).where(User.email == "clerk@demo.odr"))
    arbclerk.locale = "en"
    desk = make_client(arbclerk)
    dashboard = desk.get("/dashboard").get_data(as_text=True)
    assert 'data-testid="arbitration-counters"' in dashboard and 'href="/arbitrations"' in dashboard
    assert 'href="/cases/intake"' not in dashboard and "/assignments" not in dashboard
    queue = desk.get("/arbitrations").get_data(as_text=True)
    commission_cases = db.session.scalars(
        sa.select(ArbitrationCase).where(ArbitrationCase.commission_id == arbclerk.organisation_id)
    ).all()
    assert commission_cases
    for arbitration in commission_cases:
        if arbitration.state.value not in ("refused", "withdrawn", "performed"):
            assert f"/cases/{arbitration.case_id}#arbitration" in queue
    for counter in re.findall(r'href="(/arbitrations\?state=[a-z_]+)"', dashboard):
        assert desk.get(counter).status_code == 200
    assert make_client(clerk).get("/arbitrations").status_code == 403
    assert 'href="/arbitrations"' not in make_client(clerk).get("/dashboard").get_data(as_text=True)


def test_the_case_page_shows_where_the_case_stands_and_a_readable_timeline(
    db, effective, claimant, respondent, courts, liaison, make_client
):
    confirmed(effective, claimant, respondent, courts, liaison)
    with freeze_time(T0 + timedelta(days=4)):
        page = make_client(claimant).get(f"/cases/{effective.case_id}").get_data(as_text=True)
    steps = re.findall(r'data-step="(\w+)" data-status="(\w+)"', page)
    assert [key for key, _status in steps][:3] == ["filed", "accepted", "respondent"]
    assert dict(steps)["enforceable"] == "done" and dict(steps)["performed"] == "current"
    awaited = page.split('data-testid="awaited"')[1].split("</p>")[0]
    assert "obliged party performs" in awaited and "Performance of an obligation" in awaited
    timeline = page.split('data-testid="timeline"')[1].split("</ul>\n    </div>")[0]
    assert "A time limit started: Respondent&#39;s answer to the invitation" in timeline
    assert 'data-testid="platform-group"' in timeline
    people = make_client(claimant).get(f"/cases/{effective.case_id}?timeline=people").get_data(as_text=True)
    people = people.split('data-testid="timeline"')[1].split("</ul>\n    </div>")[0]
    assert "The platform" not in people and "A time limit" not in people and "黄调解员" in people
