"""The court liaison officer's forms on an application for judicial confirmation, and the parties'
answers to them, posted as the pages render them (tests/form_support.py)."""

import gc
import warnings
from datetime import timedelta

from freezegun import freeze_time

from odr.agreements import operations as agreement_ops
from odr.agreements.models import AgreementState
from tests.agreement_support import T0, apply_jointly
from tests.form_support import alerts, find_form, follow, submit

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_the_court_asks_for_materials_extends_and_rejects_in_chinese(
    app, monkeypatch, clerk, effective, claimant, respondent, courts, liaison, make_client
):
    application = apply_jointly(effective, claimant, respondent, courts["wanxiu"])
    liaison.locale = "zh_CN"
    desk = f"/court/applications/{application.id}"
    case_page = f"/cases/{effective.case_id}"
    with freeze_time(T0 + timedelta(days=3)):
        court = make_client(liaison)
        page = follow(court, submit(court, desk, button="受理"))
        assert "danger: 法院案号: 请填写法院对本申请的案号。" in alerts(page)
        assert effective.state == AgreementState.CONFIRMATION_REQUESTED
        page = follow(
            court,
            submit(
                court,
                desk,
                on=page,
                button="受理",
                values={"accept-court_case_number": "（2026）桂0403民特7号"},
            ),
        )
        assert "success: 申请已受理，法院将在15日内作出裁定。" in alerts(page)
        assert application.court_case_number == "（2026）桂0403民特7号"

        page = follow(court, submit(court, desk, on=page, button="要求补充并暂停计时"))
        assert "danger: 当事人须补充的材料: 请写明当事人须补充的材料。" in alerts(page)
        assert effective.state == AgreementState.UNDER_COURT_REVIEW
        asked = "请提交商标注册证及许可使用合同复印件。"
        page = follow(
            court, submit(court, desk, on=page, button="要求补充并暂停计时", values={"materials-what": asked})
        )
        assert "success: 已要求当事人补充材料；补充前审查期限暂停计算。" in alerts(page)
        assert effective.state == AgreementState.MATERIALS_REQUESTED

    with freeze_time(T0 + timedelta(days=4)):
        court, other = make_client(liaison), make_client(respondent)
        assert asked in other.get(case_page).get_data(as_text=True)
        party = make_client(claimant)
        monkeypatch.setitem(app.config, "MAX_UPLOAD_BYTES", 1024 * 1024)
        # The test client spools a body this large to a temporary file it never closes: not ours to fix.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ResourceWarning)
            page = follow(
                party,
                submit(
                    party,
                    case_page,
                    action=f"/confirmations/{application.id}/materials",
                    values={"materials-reply": "附注册证。"},
                    upload=("注册证.pdf", PDF + b"0" * 1024 * 1024),
                ),
            )
            gc.collect()
        assert "danger: The file is larger than 1 MB." in alerts(page)
        assert application.material_requests[0].supplied_at is None
        assert effective.state == AgreementState.MATERIALS_REQUESTED
        page = follow(
            party,
            submit(
                party,
                case_page,
                action=f"/confirmations/{application.id}/materials",
                values={"materials-reply": "附注册证。"},
                upload=("注册证.pdf", PDF),
            ),
        )
        assert "success: The materials were sent to the court." in alerts(page)
        supplied = application.material_requests[0]
        assert effective.state == AgreementState.UNDER_COURT_REVIEW
        for reader in (other, court):  # the other side and the court see the file and open it
            shown = reader.get(case_page if reader is other else desk).get_data(as_text=True)
            assert f'href="/materials/{supplied.id}">注册证.pdf</a>' in shown
            download = reader.get(f"/materials/{supplied.id}")
            assert download.status_code == 200 and download.data == PDF
            download.close()

        page = follow(court, submit(court, desk, button="延长"))
        assert "danger: 延长10日的理由: 请说明延长理由，当事人将看到该理由。" in alerts(page)
        assert application.extended_at is None
        due = application.decision_due_at
        page = follow(
            court, submit(court, desk, on=page, button="延长", values={"extend-reason": "需核实许可合同。"})
        )
        assert "success: 审查期限已延长10日。" in alerts(page)
        assert application.decision_due_at - due == timedelta(days=10)
        assert "需核实许可合同。" in other.get(case_page).get_data(as_text=True)

        rejecting = {
            "decide-decision": "reject",
            "decide-judge_name": "黄法官",
            "decide-grounds": ["not_suitable"],
        }
        refused = submit(court, desk, button="作出裁定", values=rejecting)
        assert refused.status_code == 400
        shown = refused.get_data(as_text=True)
        assert "danger: 请说明理由，当事人将看到该说明。" in alerts(shown)
        kept = find_form(shown, action="/decide")  # what the officer chose and typed is still there
        assert ("decide-judge_name", "黄法官") in [(n, v) for _k, n, v, _a in kept.fields]
        assert effective.state == AgreementState.UNDER_COURT_REVIEW
        explanation = "协议第一条涉及商标权属的认定，不属于司法确认的范围。"
        page = follow(
            court,
            submit(
                court,
                desk,
                on=shown,
                button="作出裁定",
                values={**rejecting, "decide-explanation": explanation},
            ),
        )
        assert "success: 裁定已作出并已通知当事人。" in alerts(page)
        assert effective.state == AgreementState.REJECTED
        assert application.rejection_grounds == ["not_suitable"]
        ruling = other.get(case_page).get_data(as_text=True).split('data-testid="ruling"')[1][:2000]
        assert "Confirmation refused by ruling （2026）桂0403民特7号" in ruling
        assert explanation in ruling and "Not suitable for confirmation" in ruling
        assert "Resume mediation for a new agreement" not in other.get(case_page).get_data(as_text=True)
        desk = make_client(clerk)  # the mediation centre's clerk takes the case back into mediation
        page = follow(desk, submit(desk, case_page, button="Resume mediation for a new agreement"))
        assert "success: Mediation resumed. Draft a new agreement when the parties are ready." in alerts(page)
        assert effective.case.state.value == "mediating"
        mediator = make_client(effective.case.assignments[0].expert)  # released at settlement, back on it
        drafting = submit(mediator, case_page, testid="start-agreement")
        assert drafting.status_code == 302 and "/edit" in drafting.headers["Location"]
        new = agreement_ops.current_agreement(effective.case)
        assert new.id != effective.id and new.state.value == "draft"
