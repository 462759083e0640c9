"""Obligations have kinds. Paying or acting by a date is tracked to its due day; an undertaking to stop
infringing and not resume starts on a day that may be today, has no due date and never goes overdue,
and the party it is owed to reports a breach with evidence, which the obliged party and the mediator
see, the obliged party may answer, and which feeds the application for enforcement like a default.

The forms are posted as the browser sends them: the page's own fields, names and defaults."""

from datetime import timedelta
from io import BytesIO

import pytest
import sqlalchemy as sa
from flask_babel import force_locale
from freezegun import freeze_time
from pypdf import PdfReader
from werkzeug.datastructures import MultiDict

from odr.agreements import confirmation, performance
from odr.agreements.models import (
    Agreement,
    AgreementState,
    EnforcementApplication,
    ObligationKind,
    ObligationState,
)
from odr.agreements.operations import AgreementError
from odr.core import storage
from odr.deadlines import operations as deadlines
from odr.deadlines.models import Deadline, DeadlineKind
from odr.notifications.models import Notification
from tests.agreement_support import D0, T0, apply_jointly, day, draft_and_finalise, sign_all
from tests.form_support import fill, find_form, submit


@pytest.fixture(autouse=True)
def english(app, db):
    """Refusals read in English here (the operations speak the user's language)."""
    with app.test_request_context(), force_locale("en"):
        yield


PNG = b"\x89PNG\r\n\x1a\n" + b"\x01" * 80


def undertaking_items(case, from_date=None):
    claimant, respondent = case.claimants[0], case.respondents[0]
    return [
        {
            "key": "payment",
            "values": {
                "debtor": str(respondent.id),
                "creditor": str(claimant.id),
                "amount": "20000.00",
                "due": day(10),
                "purpose": "赔偿经济损失",
                "method": "银行转账",
            },
        },
        {
            "key": "cease_infringement",
            "values": {
                "debtor": str(respondent.id),
                "creditor": str(claimant.id),
                "scope": "在网店销售标有“茂圣”字样的茶叶",
                "from_date": from_date or D0.isoformat(),
            },
        },
    ]


def post_editor(client, url, html, values):
    """Post the agreement editor at URL as the page renders it, with VALUES typed in (by field name)."""
    form = find_form(html, testid="agreement-editor")
    return client.post(form.action or url, data=MultiDict(fill(form, values, button="save-version")))


def test_a_cease_infringement_clause_may_start_today_but_a_payment_may_not_fall_due_today(
    db, in_mediation, make_client
):
    case, mediator = in_mediation["case"], in_mediation["mediator"]
    claimant, respondent = case.claimants[0], case.respondents[0]
    with freeze_time(T0):  # 10:00 in Beijing on D0
        client = make_client(mediator)
        client.post(f"/cases/{case.id}/agreement")
        agreement = db.session.scalar(sa.select(Agreement).where(Agreement.case_id == case.id))
        editor = f"/agreements/{agreement.id}/edit"
        added = client.post(
            editor, data={"facts": "双方确认的事实", "n": "0", "add": "1", "add_key": "cease_infringement"}
        )
        assert added.status_code == 200 and 'name="c-0-from_date"' in added.text
        typed = {
            "c-0-debtor": str(respondent.id),
            "c-0-creditor": str(claimant.id),
            "c-0-scope": "在网店销售标有“茂圣”字样的茶叶",
        }
        yesterday = post_editor(client, editor, added.text, {**typed, "c-0-from_date": day(-1)})
        assert yesterday.status_code == 200 and "The date cannot be in the past." in yesterday.text
        today = post_editor(client, editor, added.text, {**typed, "c-0-from_date": D0.isoformat()})
        assert today.status_code == 302, today.text[:400]
        assert today.headers["Location"].endswith(f"/agreements/{agreement.id}/versions/1")
        # A duty by a date still has to fall due after today.
        added = client.post(editor, data={"facts": "f", "n": "0", "add": "1", "add_key": "payment"})
        paying = post_editor(
            client,
            editor,
            added.text,
            {
                "c-0-debtor": str(respondent.id),
                "c-0-creditor": str(claimant.id),
                "c-0-amount": "100",
                "c-0-due": D0.isoformat(),
                "c-0-purpose": "赔偿",
                "c-0-method": "转账",
            },
        )
        assert paying.status_code == 200 and "The date must be in the future." in paying.text


def signed_and_confirmed(db, in_mediation, claimant, respondent, courts, liaison):
    case, mediator = in_mediation["case"], in_mediation["mediator"]
    with freeze_time(T0):
        agreement = draft_and_finalise(case, mediator, undertaking_items(case))
        sign_all(agreement, [claimant, respondent, mediator])
    application = apply_jointly(agreement, claimant, respondent, courts["wanxiu"])
    with freeze_time(T0 + timedelta(days=3)):
        confirmation.court_accepts(application, liaison, "（2026）桂0403民特77号")
        confirmation.decide(
            application, liaison, confirm=True, ruling_number="（2026）桂0403民特77号", judge_name="黄法官"
        )
    db.session.commit()
    payment, undertaking = performance.obligations_of(agreement)
    return agreement, payment, undertaking


def test_an_undertaking_has_no_due_date_and_never_goes_overdue(
    db, in_mediation, claimant, respondent, courts, liaison, make_client
):
    agreement, payment, undertaking = signed_and_confirmed(
        db, in_mediation, claimant, respondent, courts, liaison
    )
    assert (undertaking.kind, undertaking.starts_on, undertaking.due_on) == (ObligationKind.ONGOING, D0, None)
    assert payment.kind == ObligationKind.BY_DATE and payment.due_on == D0 + timedelta(days=10)
    due_kinds = db.session.scalars(
        sa.select(Deadline.object_id).where(Deadline.kind == DeadlineKind.OBLIGATION_DUE)
    ).all()
    assert undertaking.id not in due_kinds and payment.id in due_kinds
    with freeze_time(T0 + timedelta(days=5)):
        performance.report(payment, respondent, text="已转账")
        performance.answer_report(payment, claimant, accept=True)
        db.session.commit()
    # Every dated duty is performed: the agreement is performed; the undertaking binds on.
    assert agreement.state == AgreementState.PERFORMED
    with freeze_time(T0 + timedelta(days=800)):
        deadlines.sweep()
        db.session.expire_all()
        assert agreement.state == AgreementState.PERFORMED
        assert undertaking.overdue_at is None and not performance.is_overdue(undertaking)
        page = make_client(respondent).get(f"/cases/{agreement.case_id}").get_data(as_text=True)
    block = page[page.index('data-kind="ongoing"') :]
    block = block[: block.index('data-testid="obligation"') if 'data-testid="obligation"' in block else None]
    assert "never overdue" in block and "overdue</span>" not in block
    assert "Report performance" not in block  # the infringer does not report "not infringing"


def test_a_breach_with_evidence_reaches_the_other_side_and_the_mediator_and_feeds_enforcement(
    db, in_mediation, claimant, respondent, courts, liaison, make_client
):
    agreement, _payment, undertaking = signed_and_confirmed(
        db, in_mediation, claimant, respondent, courts, liaison
    )
    mediator = in_mediation["mediator"]
    case_page = f"/cases/{agreement.case_id}"
    breach_form = f"/obligations/{undertaking.id}/breach"
    with freeze_time(T0 + timedelta(days=6)):
        right_holder, infringer = make_client(claimant), make_client(respondent)
        # The obliged party is offered no breach form of its own undertaking, and a post is refused.
        assert breach_form not in infringer.get(case_page).get_data(as_text=True)
        refused = infringer.post(breach_form, data={"breach-text": "x", "breach-observed_on": D0.isoformat()})
        assert refused.status_code == 302 and not undertaking.breaches
        # No evidence attached: refused, saying what is missing.
        response = submit(
            right_holder,
            case_page,
            action=breach_form,
            values={"breach-observed_on": day(5), "breach-text": "被申请人网店仍在销售“茂圣”茶叶。"},
        )
        assert response.status_code == 302 and not undertaking.breaches
        assert "Attach the evidence of the breach" in right_holder.get(case_page).get_data(as_text=True)
        response = submit(
            right_holder,
            case_page,
            action=breach_form,
            values={"breach-observed_on": day(5), "breach-text": "被申请人网店仍在销售“茂圣”茶叶。"},
            upload=("网店截图.png", PNG),
        )
        assert response.status_code == 302
        db.session.expire_all()
        assert undertaking.state == ObligationState.BREACHED and len(undertaking.breaches) == 1
        breach = undertaking.breaches[0]
        # A confirmed agreement goes into default, as with an overdue payment.
        assert agreement.state == AgreementState.IN_DEFAULT
        told = set(
            db.session.scalars(
                sa.select(Notification.user_id).where(Notification.code.like("obligation.breach%"))
            )
        )
        assert {respondent.id, mediator.id} <= told and claimant.id not in told
        # The obliged party and the mediator read the report and download exactly the evidence.
        for user in (respondent, mediator):
            client = make_client(user)
            page = client.get(case_page).get_data(as_text=True)
            assert "被申请人网店仍在销售“茂圣”茶叶。" in page and "网店截图.png" in page
            with client.get(f"/breaches/{breach.id}/evidence") as evidence:
                assert evidence.status_code == 200 and evidence.data == PNG
        # The obliged party answers from the page; the right holder reads the answer.
        response = submit(
            infringer,
            case_page,
            testid="answer-breach",
            values={"breachanswer-text": "该批茶叶系协议签订前的库存，已全部下架。"},
        )
        assert response.status_code == 302 and breach.answer == "该批茶叶系协议签订前的库存，已全部下架。"
        assert "已全部下架" in right_holder.get(case_page).get_data(as_text=True)
        # The enforcement application, drafted from the file, names the breach.
        response = submit(
            right_holder,
            case_page,
            action=f"/agreements/{agreement.id}/enforcement",
            values={"enforce-facts": "被申请人违反停止侵权的承诺，继续销售侵权茶叶。"},
        )
        assert response.status_code == 302
    db.session.expire_all()
    assert agreement.state == AgreementState.ENFORCEMENT_REQUESTED
    application = db.session.scalar(
        sa.select(EnforcementApplication).where(EnforcementApplication.agreement_id == agreement.id)
    )
    assert application.obligation_ids == [undertaking.id]
    pdf = "".join(p.extract_text() for p in PdfReader(BytesIO(storage.read(application.pdf_sha256))).pages)
    pdf = pdf.replace("\n", "").replace(" ", "")
    assert "停止" in pdf and "持续履行" in pdf
    assert "违反该项承诺" in pdf and "仍在销售“茂圣”茶叶" in pdf and "网店截图.png" in pdf
    assert "已全部下架" in pdf  # the obliged party's answer goes with it


def test_a_dated_obligation_is_not_reported_broken_and_an_undertaking_not_reported_performed(
    db, in_mediation, claimant, respondent, courts, liaison
):
    _agreement, payment, undertaking = signed_and_confirmed(
        db, in_mediation, claimant, respondent, courts, liaison
    )
    with freeze_time(T0 + timedelta(days=6)):
        with pytest.raises(AgreementError, match="ongoing undertaking is not reported performed"):
            performance.report(undertaking, respondent, text="未再销售")
        with pytest.raises(AgreementError, match="becomes overdue instead"):
            performance.report_breach(
                payment, claimant, text="未付款", observed_on=D0, filename="a.png", data=PNG
            )
        with pytest.raises(AgreementError, match="cannot be in the future"):
            performance.report_breach(
                undertaking,
                claimant,
                text="仍在销售",
                observed_on=D0 + timedelta(days=7),
                filename="a.png",
                data=PNG,
            )
