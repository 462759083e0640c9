"""The arbitration forms of the case page and the panel page, posted as rendered
(tests/form_support.py): a three-arbitrator tribunal named from the panel, a seat declined, a
challenge and its decision, a consent award recorded, withdrawn, reviewed and signed."""

import re
from datetime import timedelta

import sqlalchemy as sa
from freezegun import freeze_time

from odr.arbitration import awards
from odr.arbitration.models import ArbitrationState, Challenge, SeatRole, SeatState
from odr.extensions import db
from tests.agreement_support import T0
from tests.arbitration_support import accepted_arbitration, seat_and_accept
from tests.conftest import PASSWORD
from tests.form_support import alerts, follow, submit

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def name_from_panel(client, case_page, role, arbitrator, on=None):
    """The party follows the seat's "Name from the panel" link on the case page (ON, if they are on it
    already) and asks ARBITRATOR in their row; the case page they land on."""
    page = on or client.get(case_page).get_data(as_text=True)
    link = re.search(rf'href="([^"]+)" data-testid="(?:name|appoint)-{role.value}"', page)
    assert link, f"no link to name the {role.value}"
    return follow(client, submit(client, link.group(1), carrying={"expert_id": arbitrator.id}))


def accept_seat(client, case_page):
    values = {"seat-decision": "accept", "seat-declaration": "y", "seat-password": PASSWORD}
    assert submit(client, case_page, testid="seat-answer", values=values).status_code == 302


def test_a_three_arbitrator_tribunal_is_formed_from_the_pages_and_records_a_consent_award(
    failed_case, claimant, respondent, commission, commission_clerk, panel, make_client
):
    arbitration = accepted_arbitration(failed_case, claimant, commission, commission_clerk, expedited=False)
    assert set(arbitration.roles) == {
        SeatRole.PRESIDING,
        SeatRole.CLAIMANT_NOMINEE,
        SeatRole.RESPONDENT_NOMINEE,
    }
    case_page = f"/cases/{failed_case.id}"
    first, second, third, chair = panel
    with freeze_time(T0 + timedelta(days=1)):
        claimant.locale = first.locale = "zh_CN"
        side_a, side_b = make_client(claimant), make_client(respondent)
        page = name_from_panel(side_a, case_page, SeatRole.CLAIMANT_NOMINEE, first)
        assert f"success: 已请{first.name}担任仲裁庭成员。" in alerts(page)

        declining = make_client(first)
        page = follow(
            declining, submit(declining, case_page, testid="seat-answer", values={"seat-decision": "decline"})
        )
        assert "danger: 请说明拒绝的理由。" in alerts(page)
        assert arbitration.seat(SeatRole.CLAIMANT_NOMINEE).state == SeatState.PROPOSED
        values = {"seat-decision": "decline", "seat-reason": "本人近期出国，无法参加开庭。"}
        declined = submit(declining, case_page, testid="seat-answer", values=values)
        page = follow(declining, declined)  # no longer on the case, they land on their own cases
        assert "success: 您的答复已记录。" in alerts(page) and declined.headers["Location"].endswith(
            "/caseload"
        )
        assert arbitration.seat(SeatRole.CLAIMANT_NOMINEE) is None  # the seat is free to be named again

        on_a = name_from_panel(side_a, case_page, SeatRole.CLAIMANT_NOMINEE, second)
        accepting = make_client(second)
        page = follow(
            accepting, submit(accepting, case_page, testid="seat-answer", values={"seat-decision": "accept"})
        )
        assert "danger: Sign the declaration of independence to accept." in alerts(page)
        values = {"seat-decision": "accept", "seat-declaration": "y", "seat-password": PASSWORD}
        assert submit(accepting, case_page, on=page, testid="seat-answer", values=values).status_code == 302
        on_b = name_from_panel(side_b, case_page, SeatRole.RESPONDENT_NOMINEE, third)
        accept_seat(make_client(third), case_page)
        page = name_from_panel(side_a, case_page, SeatRole.PRESIDING, chair, on=on_a)
        assert any(a.startswith("info:") for a in alerts(page))  # waiting for the other side's same choice
        name_from_panel(side_b, case_page, SeatRole.PRESIDING, chair, on=on_b)
        accept_seat(make_client(chair), case_page)
        assert arbitration.state == ArbitrationState.HEARING
        tribunal = side_b.get(case_page).get_data(as_text=True).split('data-testid="tribunal"')[1][:3000]
        for arbitrator in (second, third, chair):
            assert arbitrator.name in tribunal
        assert first.name not in tribunal

        presiding = make_client(chair)
        terms = {"settle-costs": "仲裁费由双方各半负担。"}
        refused = submit(presiding, case_page, button="Record and send for review", values=terms)
        assert refused.status_code == 400
        shown = refused.get_data(as_text=True)
        assert "danger: Write the terms the parties agreed on." in alerts(shown)
        assert "仲裁费由双方各半负担。" in shown  # what the chair typed is still in the box
        terms["settle-terms"] = "被申请人于2026年12月31日前支付申请人30000元。\n被申请人停止销售涉案商品。"
        page = follow(
            presiding,
            submit(presiding, case_page, on=shown, button="Record and send for review", values=terms),
        )
        assert arbitration.state == ArbitrationState.AWARD_REVIEW
        page = follow(presiding, submit(presiding, case_page, on=page, button="Withdraw the draft"))
        assert "success: The draft award was withdrawn." in alerts(page)
        assert arbitration.state == ArbitrationState.HEARING and awards.pending_award(arbitration) is None
        assert 'data-testid="record-settlement"' in page  # the chair may record the settlement again
        submit(presiding, case_page, on=page, button="Record and send for review", values=terms)
        award = awards.pending_award(arbitration)
        desk = make_client(commission_clerk)
        assert submit(desk, case_page, testid="review-award").status_code == 302
        assert arbitration.state == ArbitrationState.AWARD_PENDING
        for arbitrator in (second, third, chair):
            signing = submit(
                make_client(arbitrator), case_page, testid="sign-award", values={"sign-password": PASSWORD}
            )
            assert signing.status_code == 302
        assert award.issued_at is not None and arbitration.state == ArbitrationState.AWARDED
        issued = side_b.get(case_page).get_data(as_text=True)
        assert 'data-testid="award-issued"' in issued


def test_a_party_challenges_the_sole_arbitrator_and_the_commission_dismisses_it_in_chinese(
    failed_case, claimant, respondent, commission, commission_clerk, panel, make_client
):
    arbitration = accepted_arbitration(failed_case, claimant, commission, commission_clerk)
    seat_and_accept(arbitration, commission_clerk, SeatRole.SOLE, panel[0], T0 + timedelta(days=16))
    seat = arbitration.seat(SeatRole.SOLE)
    case_page = f"/cases/{failed_case.id}"
    respondent.locale = commission_clerk.locale = "zh_CN"
    with freeze_time(T0 + timedelta(days=17)):
        party = make_client(respondent)
        page = follow(party, submit(party, case_page, button="提交回避申请"))
        assert any(a.startswith("danger:") and "此项为必填项。" in a for a in alerts(page))
        assert db.session.scalar(sa.select(sa.func.count(Challenge.id))) == 0
        grounds = "该仲裁员曾担任申请人的法律顾问。"
        page = follow(party, submit(party, case_page, button="提交回避申请", values={"ch-grounds": grounds}))
        assert "success: 您的回避申请已提交仲裁委员会。" in alerts(page)
        item = db.session.scalar(sa.select(Challenge))
        assert item.grounds == grounds and item.seat_id == seat.id

        desk = make_client(commission_clerk)
        decide = f"/challenges/{item.id}/decide"
        page = follow(desk, submit(desk, case_page, action=decide, values={"dec-decision": "dismiss"}))
        assert any(a.startswith("danger:") and "此项为必填项。" in a for a in alerts(page))
        assert item.state.value == "pending"
        reason = "经查，该仲裁员与申请人的顾问关系已于五年前终止，不影响公正仲裁。"
        page = follow(
            desk,
            submit(desk, case_page, action=decide, values={"dec-decision": "dismiss", "dec-reason": reason}),
        )
        assert "success: 回避申请已作出决定。" in alerts(page)
        assert item.state.value == "dismissed" and arbitration.seat(SeatRole.SOLE) == seat
        for reader in (party, make_client(claimant)):
            shown = reader.get(case_page).get_data(as_text=True).split('data-testid="challenge"')[1][:1500]
            assert grounds in shown and reason in shown


def test_the_commission_does_not_accept_an_application_from_the_case_page(
    failed_case, claimant, commission, commission_clerk, make_client
):
    from odr.arbitration import operations as arb_ops
    from tests.arbitration_support import BASIS

    with freeze_time(T0):
        arbitration = arb_ops.start_from_mediation(
            failed_case, claimant, commission_id=commission.id, basis=BASIS, claims="赔偿50000元"
        )
        desk = make_client(commission_clerk)
        case_page = f"/cases/{failed_case.id}"
        page = follow(desk, submit(desk, case_page, action=f"/arbitrations/{arbitration.id}/refuse"))
        assert (
            "danger: Give the reason for not accepting the application; the claimant will see it."
            in alerts(page)
        )
        assert arbitration.state == ArbitrationState.SUBMITTED
        grounds = "所附仲裁条款约定的仲裁机构并非本会。"
        page = follow(
            desk,
            submit(
                desk,
                case_page,
                action=f"/arbitrations/{arbitration.id}/refuse",
                values={"ref-grounds": grounds},
            ),
        )
        assert "success: The application was not accepted." in alerts(page)
        assert arbitration.state == ArbitrationState.REFUSED
        claimant.locale = "zh_CN"
        page = make_client(claimant).get(case_page).get_data(as_text=True)
    shown = page.split('data-testid="arbitration-closed"')[1].split("</div>\n  </div>")[0]
    assert "梧州仲裁委员会（测试）对2026-12-01 10:00提交的仲裁申请决定不予受理。" in shown
    assert "不予受理的理由" in shown and grounds in shown
    assert 'data-testid="arbitration-apply"' in page  # and the claimant may apply again


def test_the_claimant_withdraws_the_application_from_the_case_page(
    failed_case, claimant, respondent, commission, commission_clerk, make_client
):
    arbitration = accepted_arbitration(failed_case, claimant, commission, commission_clerk)
    case_page = f"/cases/{failed_case.id}"
    claimant.locale = "zh_CN"
    with freeze_time(T0 + timedelta(days=2)):
        assert 'data-testid="withdraw-arbitration"' not in make_client(respondent).get(case_page).get_data(
            as_text=True
        )
        party = make_client(claimant)
        reason = "双方已庭外和解。"
        page = follow(party, submit(party, case_page, button="撤回仲裁申请", values={"reason": reason}))
        assert "success: 申请已撤回。" in alerts(page)
        assert arbitration.state == ArbitrationState.WITHDRAWN
        for reader, text in (
            (party, "申请人于2026-12-03 10:00撤回了仲裁申请。"),
            (make_client(respondent), "withdrew"),
        ):
            shown = (
                reader.get(case_page)
                .get_data(as_text=True)
                .split('data-testid="arbitration-closed"')[1][:600]
            )
            assert text in shown and reason in shown


def test_the_respondent_reports_performance_of_the_award_with_proof_and_the_claimant_disputes_it(
    failed_case, claimant, respondent, commission, commission_clerk, panel, make_client
):
    from tests.arbitration_support import review_and_sign

    arbitration = accepted_arbitration(failed_case, claimant, commission, commission_clerk)
    seat_and_accept(arbitration, commission_clerk, SeatRole.SOLE, panel[0], T0 + timedelta(days=16))
    with freeze_time(T0 + timedelta(days=20)):
        award = awards.record_settlement(
            arbitration, panel[0], terms="被申请人于2027年1月10日前支付40,000元。", costs="各半负担。"
        )
    review_and_sign(award, commission_clerk, [panel[0]], T0 + timedelta(days=21))
    assert arbitration.state == ArbitrationState.AWARDED
    case_page = f"/cases/{failed_case.id}"
    report = f"/awards/{award.id}/performance"
    with freeze_time(T0 + timedelta(days=25)):
        respondent.locale = "zh_CN"
        debtor = make_client(respondent)
        page = follow(debtor, submit(debtor, case_page, action=report, upload=("转账凭证.png", PNG)))
        assert (
            "danger: 裁决的履行情况: 请说明裁决的履行情况。" in alerts(page)
            and award.performance_reported_at is None
        )
        done = {"perf-text": "已于2026年12月25日转账40,000元。"}
        page = follow(
            debtor,
            submit(debtor, case_page, on=page, action=report, values=done, upload=("转账凭证.png", PNG)),
        )
        assert award.performance_proof_name == "转账凭证.png" and award.performance_reported_at is not None

        creditor = make_client(claimant)
        shown = creditor.get(case_page).get_data(as_text=True)
        assert f'href="/awards/{award.id}/proof">转账凭证.png</a>' in shown
        proof = creditor.get(f"/awards/{award.id}/proof")
        assert proof.status_code == 200 and proof.data == PNG
        proof.close()
        answer = f"/awards/{award.id}/performance/answer"
        page = follow(creditor, submit(creditor, case_page, on=shown, action=answer))
        assert "danger: Choose an answer." in alerts(page)  # nothing chosen: not taken for a dispute
        page = follow(
            creditor, submit(creditor, case_page, on=page, action=answer, values={"decision": "dispute"})
        )
        assert "danger: Say why you dispute the performance; the other side will read it." in alerts(page)
        why = "仅收到20,000元。"
        page = follow(
            creditor,
            submit(
                creditor, case_page, on=page, action=answer, values={"decision": "dispute", "reason": why}
            ),
        )
        assert "success: Your answer was recorded." in alerts(page) and award.performance_dispute == why
        assert why in debtor.get(case_page).get_data(as_text=True)


def test_the_respondent_files_a_defence_and_a_counterclaim_in_chinese(
    failed_case, claimant, respondent, commission, commission_clerk, make_client
):
    arbitration = accepted_arbitration(failed_case, claimant, commission, commission_clerk)
    case_page = f"/cases/{failed_case.id}"
    respondent.locale = "zh_CN"
    with freeze_time(T0 + timedelta(days=2)):
        party = make_client(respondent)
        refused = submit(
            party, case_page, button="提交答辩", values={"ans-counterclaims": "请求确认不侵权。"}
        )
        shown = refused.get_data(as_text=True)
        assert refused.status_code == 400 and "danger: 答辩: 请填写答辩意见。" in alerts(shown)
        assert "请求确认不侵权。" in shown and arbitration.answered_at is None  # what was typed stays
        defence = "被申请人销售的茶叶来源合法，不构成侵权。"
        page = follow(
            party, submit(party, case_page, on=shown, button="提交答辩", values={"ans-defence": defence})
        )
        assert "success: 您的答辩已提交。" in alerts(page)
        assert arbitration.defence == defence and arbitration.counterclaims == "请求确认不侵权。"
        assert defence in make_client(claimant).get(case_page).get_data(as_text=True)


def test_an_unperformed_award_goes_to_the_court_which_records_its_enforcement_case(
    failed_case, claimant, respondent, commission, commission_clerk, panel, courts, make_user, make_client
):
    from odr.accounts.models import Role
    from odr.arbitration import performance
    from tests.arbitration_support import review_and_sign

    arbitration = accepted_arbitration(failed_case, claimant, commission, commission_clerk)
    seat_and_accept(arbitration, commission_clerk, SeatRole.SOLE, panel[0], T0 + timedelta(days=16))
    with freeze_time(T0 + timedelta(days=20)):
        award = awards.record_settlement(
            arbitration, panel[0], terms="被申请人支付40,000元。", costs="各半负担。"
        )
    review_and_sign(award, commission_clerk, [panel[0]], T0 + timedelta(days=21))
    case_page = f"/cases/{failed_case.id}"
    officer = make_user(Role.COURT_LIAISON, organisation=courts["intermediate"], locale="zh_CN")
    with freeze_time(performance.due_moment(award) + timedelta(days=2)):
        party = make_client(claimant)
        apply = f"/awards/{award.id}/enforcement"
        page = follow(party, submit(party, case_page, action=apply))
        assert "danger: Describe what was not performed." in alerts(page)
        assert arbitration.state == ArbitrationState.AWARDED
        facts = "被申请人至今未支付40,000元。"
        page = follow(party, submit(party, case_page, on=page, action=apply, values={"facts": facts}))
        assert arbitration.state == ArbitrationState.ENFORCEMENT_REQUESTED
        [enforcement] = performance.enforcements_of(award)

        court = make_client(officer)
        accept = f"/court/enforcements/{enforcement.id}/accept"
        page = follow(court, submit(court, "/court/", action=accept))
        assert "danger: 执行案号: 请填写法院的执行案号。" in alerts(page) and enforcement.accepted_at is None
        number = "（2027）桂04执5号"
        page = follow(
            court, submit(court, "/court/", on=page, action=accept, values={"enf-court_case_number": number})
        )
        assert "success: 强制执行申请的立案情况已登记。" in alerts(page)
        assert enforcement.court_case_number == number
        assert (
            number in party.get(case_page).get_data(as_text=True).split('data-testid="enforcement"')[1][:600]
        )
