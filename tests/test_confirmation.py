"""Judicial confirmation with frozen time: the 30-day window, the court's 3/15/+10-day clock and its
pauses, the competent court, rulings; then performance, default and enforcement."""

from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa
from flask_babel import force_locale
from freezegun import freeze_time
from pypdf import PdfReader

from odr.accounts.models import OrgKind
from odr.agreements import competence, confirmation, operations, performance
from odr.agreements.competence import CourtBasis
from odr.agreements.models import AgreementState, ObligationState
from odr.agreements.operations import AgreementError
from odr.cases.models import CaseState, IPType
from odr.cases.workflow import TransitionError
from odr.core import storage
from odr.deadlines import operations as deadlines
from odr.deadlines.models import Deadline, DeadlineKind, DeadlineState
from odr.notifications.models import Notification
from tests.agreement_support import (
    T0,
    apply_jointly,
)
from tests.deadline_support import end_of


@pytest.fixture(autouse=True)
def english(app, db):
    with app.test_request_context(), force_locale("en"):
        yield


def text_of(sha256):
    from io import BytesIO

    text = "".join(p.extract_text() for p in PdfReader(BytesIO(storage.read(sha256))).pages)
    return text.replace("\n", "").replace(" ", "")  # lines are joined: a number may wrap


def deadline(kind, obj):
    from odr.extensions import db

    return db.session.scalar(
        sa.select(Deadline)
        .where(Deadline.kind == kind, Deadline.object_id == obj.id)
        .order_by(Deadline.id.desc())
    )


def sweep_at(db, when):
    db.session.commit()
    with freeze_time(when):
        return deadlines.sweep()


# The competent court ---------------------------------------------------------------------------------


def test_court_selection_rule(db, in_mediation, courts, make_org):
    case = in_mediation["case"]
    # A trademark dispute of 80,000 yuan mediated in 万秀区: the basic court there.
    options = competence.competent_courts(case)
    assert [(o.court, o.basis) for o in options] == [(courts["wanxiu"], CourtBasis.MEDIATION_ORGANISATION)]
    # A party domiciled in 岑溪 adds that court; the mediation organisation's court stays first.
    case.respondents[0].address = "广西梧州岑溪市岑城镇玉梧大道8号"
    options = competence.competent_courts(case)
    assert [o.court for o in options] == [courts["wanxiu"], courts["cenxi"]]
    assert options[1].basis == CourtBasis.PARTY_DOMICILE
    # A high claim goes to the intermediate court; so does a patent dispute of any amount.
    case.claim_amount = Decimal("6000000")
    assert [(o.court, o.basis) for o in competence.competent_courts(case)] == [
        (courts["intermediate"], CourtBasis.INTERMEDIATE)
    ]
    case.claim_amount = Decimal("1000")
    case.ip_type = IPType.INVENTION_PATENT
    assert competence.competent_courts(case)[0].court == courts["intermediate"]
    # A delegating court always takes it back.
    delegating = make_org(OrgKind.BASIC_COURT, name="长洲区人民法院（测试）", region="梧州市长洲区")
    case.delegating_court = delegating
    assert [(o.court, o.basis) for o in competence.competent_courts(case)] == [
        (delegating, CourtBasis.DELEGATED)
    ]


def test_the_subject_matter_connects_a_court_and_unconnected_courts_are_never_offered(
    db, in_mediation, courts, mediation_org
):
    case = in_mediation["case"]
    case.subject_matter_place = "梧州市岑溪市南渡镇某仓库"
    options = competence.competent_courts(case)
    assert [(o.court, o.basis) for o in options] == [
        (courts["wanxiu"], CourtBasis.MEDIATION_ORGANISATION),
        (courts["cenxi"], CourtBasis.SUBJECT_MATTER),
    ]
    # Nothing on file points at a court on the platform: none is proposed, least of all every court.
    case.subject_matter_place = "南宁市青秀区某仓库"
    mediation_org.region, mediation_org.address = "广西壮族自治区南宁市", "南宁市青秀区民族大道1号"
    for party in case.parties:
        party.address = None
    assert competence.competent_courts(case) == []


def test_the_clerk_names_the_court_when_none_is_connected(
    client, db, effective, claimant, clerk, courts, mediation_org
):
    case = effective.case
    mediation_org.region, mediation_org.address = "广西壮族自治区南宁市", "南宁市青秀区民族大道1号"
    for party in case.parties:
        party.address = None
    EN = {"Accept-Language": "en"}
    with freeze_time(T0 + timedelta(days=1)):
        page = client.login(claimant).get(f"/cases/{case.id}", headers=EN).get_data(as_text=True)
        assert "No court on the platform is connected to this dispute" in page
        assert courts["wanxiu"].name not in page and courts["cenxi"].name not in page
        # A party cannot name the court; the clerk must give a reason.
        client.post(
            f"/agreements/{effective.id}/competent-court",
            data={"court-court_id": courts["cenxi"].id, "court-reason": "x"},
        )
        assert case.named_court is None
        client.login(clerk)
        assert "Name the competent court" in client.get(f"/cases/{case.id}", headers=EN).get_data(
            as_text=True
        )
        refused = client.post(
            f"/agreements/{effective.id}/competent-court",
            data={"court-court_id": courts["cenxi"].id, "court-reason": " "},
            headers=EN,
            follow_redirects=True,
        )
        assert "Say why this court is competent" in refused.get_data(as_text=True)
        client.post(
            f"/agreements/{effective.id}/competent-court",
            data={"court-court_id": courts["cenxi"].id, "court-reason": "被申请人实际经营地在岑溪市"},
        )
    db.session.expire_all()
    assert case.named_court == courts["cenxi"]
    assert [(o.court, o.basis, o.detail) for o in competence.competent_courts(case)] == [
        (courts["cenxi"], CourtBasis.NAMED_BY_CLERK, "被申请人实际经营地在岑溪市")
    ]


def test_an_incompetent_court_is_refused(db, effective, claimant, courts):
    with freeze_time(T0 + timedelta(days=1)), pytest.raises(AgreementError, match="not competent"):
        confirmation.apply_for_confirmation(
            effective, claimant, court_id=courts["intermediate"].id, facts_and_reasons="请求确认"
        )


# The 30-day window -------------------------------------------------------------------------------------


def test_application_within_30_days_goes_to_the_court_when_both_have_joined(
    db, effective, claimant, respondent, courts
):
    with freeze_time(T0 + timedelta(days=29)):
        application = confirmation.apply_for_confirmation(
            effective, claimant, court_id=courts["wanxiu"].id, facts_and_reasons="请求确认"
        )
        assert effective.state == AgreementState.EFFECTIVE and application.submitted_at is None
        with pytest.raises(AgreementError, match="already joined"):
            confirmation.join(application, claimant)
        confirmation.join(application, respondent)
    assert effective.state == AgreementState.CONFIRMATION_REQUESTED
    # joined on Wednesday 30 Dec: 3 days end on Saturday 2 Jan 2027, a rest day: Monday 4 Jan
    assert application.acceptance_due_at == end_of("2027-01-04")
    form = text_of(application.form_pdf_sha256)
    assert courts["wanxiu"].name in form and effective.case.number in form
    assert deadline(DeadlineKind.CONFIRMATION_WINDOW, effective).state == DeadlineState.MET
    assert deadline(DeadlineKind.COURT_ACCEPTANCE, application).due_at == end_of("2027-01-04")


def test_after_30_days_the_application_is_refused_with_the_reason(db, effective, claimant, courts):
    # effective Tuesday 1 Dec 10:00: the 30 days end at 24:00 on Thursday 31 Dec, not at 10:00
    with (
        freeze_time(end_of("2026-12-31")),
        pytest.raises(AgreementError, match="ended at 24:00 on 31 Dec 2026"),
    ):
        confirmation.apply_for_confirmation(
            effective, claimant, court_id=courts["wanxiu"].id, facts_and_reasons="请求确认"
        )
    with freeze_time(end_of("2026-12-31") - timedelta(seconds=1)):  # 23:59:59 of the last day
        application = confirmation.apply_for_confirmation(
            effective, claimant, court_id=courts["wanxiu"].id, facts_and_reasons="请求确认"
        )
    assert application.id is not None


def test_consent_after_30_days_is_refused_and_the_sweep_closes_the_window(
    db, effective, claimant, respondent, courts
):
    with freeze_time(T0 + timedelta(days=28)):
        application = confirmation.apply_for_confirmation(
            effective, claimant, court_id=courts["wanxiu"].id, facts_and_reasons="请求确认"
        )
    with freeze_time(T0 + timedelta(days=31)), pytest.raises(AgreementError, match="30 days"):
        confirmation.join(application, respondent)
    sweep_at(db, T0 + timedelta(days=30, minutes=-1))  # the obligations' dates pass; the window stays open
    assert deadline(DeadlineKind.CONFIRMATION_WINDOW, effective).state == DeadlineState.PENDING
    assert sweep_at(db, end_of("2026-12-31") - timedelta(minutes=1)) == 0
    assert sweep_at(db, end_of("2026-12-31")) == 1
    db.session.expire_all()
    assert application.withdrawn_at is not None
    assert effective.state == AgreementState.EFFECTIVE
    assert deadline(DeadlineKind.CONFIRMATION_WINDOW, effective).state == DeadlineState.MISSED


# The court's clock -----------------------------------------------------------------------------------


def test_acceptance_late_is_escalated_once(db, effective, claimant, respondent, courts, liaison, clerk):
    application = apply_jointly(effective, claimant, respondent, courts["wanxiu"])
    due = end_of("2026-12-07")  # applied Thursday 3 Dec; 3 days end on Sunday 6 Dec: Monday 7 Dec
    assert application.acceptance_due_at == due
    sweep_at(db, due - timedelta(minutes=1))  # 23:59 of the last day (an obligation falls due too)
    assert deadline(DeadlineKind.COURT_ACCEPTANCE, application).state == DeadlineState.PENDING
    assert sweep_at(db, due) == 1
    assert sweep_at(db, due + timedelta(hours=2)) == 0
    told = [
        n.user_id
        for n in db.session.scalars(
            sa.select(Notification).where(Notification.code == "confirmation.acceptance_overdue")
        )
    ]
    assert sorted(told) == sorted([liaison.id, clerk.id])
    assert deadline(DeadlineKind.COURT_ACCEPTANCE, application).state == DeadlineState.MISSED


def test_decision_clock_15_days_extension_once_and_pause_for_materials(
    db, effective, claimant, respondent, courts, liaison
):
    application = apply_jointly(effective, claimant, respondent, courts["wanxiu"])
    accepted = T0 + timedelta(days=3)
    with freeze_time(accepted):
        confirmation.court_accepts(application, liaison, "（2026）桂0403民特88号")
    assert effective.state == AgreementState.UNDER_COURT_REVIEW
    # accepted Friday 4 Dec: 15 days end on Saturday 19 Dec, a rest day: Monday 21 Dec
    assert application.decision_due_at == end_of("2026-12-21")
    with freeze_time(accepted + timedelta(days=5)):
        confirmation.extend_review(application, liaison, "需核实商标权属")
        with pytest.raises(AgreementError, match="already been extended once"):
            confirmation.extend_review(application, liaison, "再次延长")
    assert application.decision_due_at == end_of("2026-12-31")  # 10 more days from 21 Dec
    assert deadline(DeadlineKind.COURT_DECISION, application).due_at == end_of("2026-12-31")
    # Materials requested on day 10 (15 days left); supplied on day 14: the clock resumes with 15 days left.
    with freeze_time(accepted + timedelta(days=10)):
        confirmation.request_materials(application, liaison, "请提交商标注册证复印件")
    assert effective.state == AgreementState.MATERIALS_REQUESTED
    assert deadline(DeadlineKind.COURT_DECISION, application).state == DeadlineState.PAUSED
    sweep_at(db, accepted + timedelta(days=26))  # past the extended date, but the clock is paused
    assert deadline(DeadlineKind.COURT_DECISION, application).state == DeadlineState.PAUSED
    with freeze_time(accepted + timedelta(days=27)):
        confirmation.supply_materials(
            application, claimant, reply="已上传商标注册证", filename="reg.pdf", data=b"%PDF-1.4 test"
        )
    assert effective.state == AgreementState.UNDER_COURT_REVIEW
    # 17 days were left (14 Dec to 31 Dec); resumed on 31 Dec: Sunday 17 Jan, so Monday 18 Jan
    assert application.decision_due_at == end_of("2027-01-18")
    assert confirmation.paused_total(application) == timedelta(days=17)
    sweep_at(db, accepted + timedelta(days=41))
    assert deadline(DeadlineKind.COURT_DECISION, application).state == DeadlineState.PENDING
    assert sweep_at(db, end_of("2027-01-18") - timedelta(minutes=1)) == 0
    assert sweep_at(db, end_of("2027-01-18")) == 1
    assert deadline(DeadlineKind.COURT_DECISION, application).state == DeadlineState.MISSED


def test_only_the_courts_liaison_acts_and_bad_input_is_refused(
    db, effective, claimant, respondent, courts, make_user
):
    from odr.accounts.models import Role

    other = make_user(Role.COURT_LIAISON, organisation=courts["cenxi"])
    application = apply_jointly(effective, claimant, respondent, courts["wanxiu"])
    with pytest.raises(AgreementError, match="Only a liaison officer"):
        confirmation.court_accepts(application, other, "（2026）桂0481民特1号")
    with pytest.raises(AgreementError, match="Only a liaison officer"):
        confirmation.court_accepts(application, claimant, "x")


def test_confirmation_makes_the_agreement_enforceable_with_a_ruling(
    db, effective, claimant, respondent, courts, liaison
):
    application = apply_jointly(effective, claimant, respondent, courts["wanxiu"])
    with freeze_time(T0 + timedelta(days=3)):
        confirmation.court_accepts(application, liaison, "（2026）桂0403民特88号")
    with freeze_time(T0 + timedelta(days=10)):
        with pytest.raises(AgreementError, match="number of the ruling"):
            confirmation.decide(application, liaison, confirm=True, ruling_number=" ", judge_name="黄法官")
        with pytest.raises(AgreementError, match="name of the judge"):
            confirmation.decide(application, liaison, confirm=True, ruling_number="R2", judge_name=" ")
        # The number is checked against the court's pattern, with an error that shows the pattern.
        for wrong, message in (
            ("R2", "reads like （2026）桂0403民特17号"),
            ("2026桂0403民特88号", "not a ruling number of the special procedure"),
            ("（2026）桂0403民初88号", "not a ruling number of the special procedure"),
            ("（2025）桂0403民特88号", "not the year the court took the case on"),
            ("（2026）桂0405民特88号", "court code in the ruling number .桂0405. is not"),
        ):
            with pytest.raises(AgreementError, match=message):
                confirmation.decide(
                    application, liaison, confirm=True, ruling_number=wrong, judge_name="黄法官"
                )
        confirmation.decide(
            application,
            liaison,
            confirm=True,
            ruling_number="(2026)桂0403民特88号",  # half-width brackets, as typed: set right
            judge_name="黄法官",
            clerk_name="韦书记",
        )
    assert effective.state == AgreementState.ENFORCEABLE
    assert application.ruling_number == "（2026）桂0403民特88号"
    ruling = text_of(application.ruling_pdf_sha256)
    assert "（2026）桂0403民特88号" in ruling and "有效" in ruling and "审判员黄法官" in ruling
    assert "书记员韦书记" in ruling and "二〇二六年十二月十一日" in ruling
    assert deadline(DeadlineKind.COURT_DECISION, application).state == DeadlineState.MET


def test_rejection_needs_grounds_and_reasons_and_mediation_can_resume(
    db, effective, claimant, respondent, courts, liaison, in_mediation, clerk
):
    application = apply_jointly(effective, claimant, respondent, courts["wanxiu"])
    with freeze_time(T0 + timedelta(days=3)):
        confirmation.court_accepts(application, liaison, "（2026）桂0403民特89号")
        with pytest.raises(AgreementError, match="statutory grounds"):
            confirmation.decide(
                application, liaison, confirm=False, ruling_number="R1", judge_name="黄法官", explanation="x"
            )
        with pytest.raises(AgreementError, match="Explain"):
            confirmation.decide(
                application,
                liaison,
                confirm=False,
                ruling_number="R1",
                judge_name="黄法官",
                grounds=["not_suitable"],
            )
        confirmation.decide(
            application,
            liaison,
            confirm=False,
            judge_name="黄法官",
            ruling_number="（2026）桂0403民特89号",
            grounds=["not_suitable", "involuntary"],
            explanation="协议第三条约定确认商标无效，超出司法确认范围；被申请人称签署时受到胁迫。",
        )
    assert effective.state == AgreementState.REJECTED
    ruling = "".join(text_of(application.ruling_pdf_sha256).split())
    assert "超出司法确认范围" in ruling
    # Each ground with its basis (SPC interpretation art. 358), voluntariness among them.
    assert (
        "违反自愿原则（《最高人民法院关于适用〈中华人民共和国民事诉讼法〉的解释》第三百五十八条第四项）"
        in ruling
    )
    assert "第三百五十八条第六项" in ruling
    case = effective.case
    assert case.state == CaseState.SETTLED
    with freeze_time(T0 + timedelta(days=4)):
        # The mediator was released when the case settled: the clerk resumes the mediation, and the
        # mediator takes up the seat again.
        with pytest.raises(TransitionError):
            operations.resume_mediation(case, in_mediation["mediator"])
        operations.resume_mediation(case, clerk)
        assert case.state == CaseState.MEDIATING
        second = operations.start_agreement(case, in_mediation["mediator"])
    assert second.id != effective.id


def test_resuming_mediation_needs_a_rejection(db, effective, in_mediation):
    with pytest.raises(AgreementError, match="after the court refused"):
        operations.resume_mediation(effective.case, in_mediation["mediator"])


# Performance and enforcement ---------------------------------------------------------------------------


def confirmed(db, effective, claimant, respondent, courts, liaison):
    application = apply_jointly(effective, claimant, respondent, courts["wanxiu"])
    with freeze_time(T0 + timedelta(days=3)):
        confirmation.court_accepts(application, liaison, "（2026）桂0403民特90号")
        confirmation.decide(
            application, liaison, confirm=True, ruling_number="（2026）桂0403民特90号", judge_name="黄法官"
        )
    return application


def test_performance_reported_confirmed_and_the_agreement_performed(
    db, effective, claimant, respondent, courts, liaison
):
    confirmed(db, effective, claimant, respondent, courts, liaison)
    listing, payment = sorted(performance.obligations_of(effective), key=lambda o: o.due_on)
    with freeze_time(T0 + timedelta(days=4)):
        with pytest.raises(AgreementError, match="Only the party that owes"):
            performance.report(listing, claimant, text="已删除")
        performance.report(
            listing, respondent, text="链接已删除", filename="shot.png", data=b"\x89PNG\r\n\x1a\n...."
        )
        with pytest.raises(AgreementError, match="Only the party owed"):
            performance.answer_report(listing, respondent, accept=True)
        with pytest.raises(AgreementError, match="Say why"):
            performance.answer_report(listing, claimant, accept=False)
        performance.answer_report(listing, claimant, accept=False, reason="第二个链接仍可访问")
        assert listing.state == ObligationState.DISPUTED
        performance.report(listing, respondent, text="第二个链接也已删除")
        performance.answer_report(listing, claimant, accept=True)
        performance.report(payment, respondent, text="已转账30000元")
        performance.answer_report(payment, claimant, accept=True)
    assert effective.state == AgreementState.PERFORMED
    assert deadline(DeadlineKind.OBLIGATION_DUE, payment).state == DeadlineState.MET


def test_overdue_obligation_puts_a_confirmed_agreement_in_default_and_enforcement_is_drafted(
    db, effective, claimant, respondent, courts, liaison
):
    confirmed(db, effective, claimant, respondent, courts, liaison)
    listing, payment = sorted(performance.obligations_of(effective), key=lambda o: o.due_on)
    with freeze_time(T0 + timedelta(days=4)):
        performance.report(listing, respondent, text="链接已删除")
        performance.answer_report(listing, claimant, accept=True)
        with pytest.raises(AgreementError, match="when an obligation of a confirmed agreement is overdue"):
            performance.apply_for_enforcement(effective, claimant, facts="未付款")
    # The payment was due on day 20 (Beijing): overdue from the start of day 21 there.
    due = performance.due_moment(payment)
    assert sweep_at(db, due - timedelta(minutes=1)) == 0
    assert sweep_at(db, due) == 1
    db.session.expire_all()
    assert effective.state == AgreementState.IN_DEFAULT
    window = deadline(DeadlineKind.ENFORCEMENT_WINDOW, effective)
    # two years from the last performance date, 21 Dec 2026, end on 21 Dec 2028 (across 29 Feb 2028)
    assert window.due_at == end_of("2028-12-21")
    with freeze_time(due + timedelta(days=3)):
        with pytest.raises(
            AgreementError, match="No overdue obligation or broken undertaking is owed to your side"
        ):
            performance.apply_for_enforcement(effective, respondent, facts="x")
        application = performance.apply_for_enforcement(
            effective, claimant, facts="被申请人逾期未支付赔偿款。"
        )
    assert effective.state == AgreementState.ENFORCEMENT_REQUESTED
    assert application.court == courts["wanxiu"] and application.amount == Decimal("30000.00")
    text = text_of(application.pdf_sha256)
    assert "（2026）桂0403民特90号" in text and "30,000.00" in text
    assert performance.enforcement_queue_for(liaison) == [application]
    performance.court_records_enforcement(application, liaison, "（2027）桂0403执100号")
    with pytest.raises(AgreementError, match="already recorded"):
        performance.court_records_enforcement(application, liaison, "（2027）桂0403执101号")


def test_enforcement_after_two_years_is_refused(db, effective, claimant, respondent, courts, liaison):
    confirmed(db, effective, claimant, respondent, courts, liaison)
    _listing, payment = sorted(performance.obligations_of(effective), key=lambda o: o.due_on)
    sweep_at(db, performance.due_moment(payment) + timedelta(minutes=1))
    db.session.expire_all()
    with (
        freeze_time(end_of("2028-12-21")),
        pytest.raises(AgreementError, match="ended at 24:00 on 21 Dec 2028"),
    ):
        performance.apply_for_enforcement(effective, claimant, facts="未付款")
    # 730 days would have ended a day early: on 21 Dec 2028 itself the application is in time.
    with freeze_time(end_of("2028-12-21") - timedelta(minutes=1)):
        assert performance.apply_for_enforcement(effective, claimant, facts="未付款").id


def test_an_overdue_obligation_of_an_unconfirmed_agreement_is_marked_but_not_default(db, effective):
    listing, _payment = sorted(performance.obligations_of(effective), key=lambda o: o.due_on)
    assert sweep_at(db, performance.due_moment(listing) + timedelta(minutes=1)) == 1
    db.session.expire_all()
    assert listing.overdue_at is not None
    assert effective.state == AgreementState.EFFECTIVE
