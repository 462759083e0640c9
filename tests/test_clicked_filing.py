"""Filing through the pages' own forms (tests/form_support.py): a company and a person file a dispute,
the company proves who it is with its documents and the clerk verifies them, and a person applies
for arbitration directly. Blank or wrong fields are named in the user's language and what was typed
stays in the boxes."""

import gc
import re
import warnings
from datetime import timedelta

from odr.accounts.models import OrgKind, PartyKind, Role
from odr.arbitration.models import ArbitrationCase
from odr.cases.models import Case, CaseState
from odr.core.db import utcnow
from odr.core.timeutil import local
from odr.identity.models import IdentityVerification, VerificationState
from tests.conftest import valid_id_number, valid_uscc
from tests.form_support import alerts, find_form, follow, submit

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def typed(page, button):
    """What the boxes of the form with BUTTON hold, as the user sees them again."""
    return {n: v for k, n, v, _a in find_form(page, button=button).fields if k not in ("file", "select")}


def chosen(page, button, name):
    return [v for v, selected in find_form(page, button=button).options[name] if selected]


DISPUTE = {
    "title": "“六堡茶”地理标志侵权纠纷",
    "ip_type": "geographical_indication",
    "industry": "liubao_tea",
    "place": "ecommerce_platform",
    "claim_amount": "80000",
    "remedies": "停止侵权，赔偿损失八万元。",
    "facts": "被申请人在网店销售假冒“六堡茶”地理标志产品。\n已公证购买。",
    "online_consent": "y",
}


def test_a_company_files_with_two_respondents_proves_its_identity_and_the_clerk_takes_the_case_in(
    app, make_user, mediation_org, clerk, make_client, monkeypatch
):
    company = make_user(
        Role.PARTY,
        name="梧州茂圣六堡茶业有限公司",
        verified=False,
        locale="zh_CN",
        legal_representative="王芳",
    )
    filer = make_client(company)
    button = "提交申请"
    new = filer.get("/cases/new").get_data(as_text=True)
    assert typed(new, button)["representative"] == "王芳"  # from the account, as registered
    first = {
        **DISPUTE,
        "remedies": "",
        "organisation_id": str(mediation_org.id),
        "respondents-0-kind": "company",
        "respondents-0-name": "苍梧县聚香茶叶商行",
        "respondents-0-credit_code": "91450400123",
        "respondents-0-phone": "13900000000",
    }
    refused = submit(filer, "/cases/new", on=new, button=button, values=first)
    shown = refused.get_data(as_text=True)
    assert refused.status_code == 200 and Case.query.count() == 0
    assert "danger: 请修改标注的栏目；申请尚未提交。" in alerts(shown)
    assert "此项为必填项。" in shown and "统一社会信用代码" in shown
    kept = typed(shown, button)
    assert kept["title"] == DISPUTE["title"] and kept["facts"] == DISPUTE["facts"]
    assert kept["respondents-0-name"] == "苍梧县聚香茶叶商行" and kept["claim_amount"] == "80000"
    assert chosen(shown, button, "ip_type") == ["geographical_indication"]

    # more respondents: each block is added, nothing typed is lost; one added by mistake is removed
    more = submit(filer, "/cases/new", on=shown, button="增加被申请人", values=first)
    shown = more.get_data(as_text=True)
    assert 'name="respondents-1-name"' in shown and typed(shown, button)["facts"] == DISPUTE["facts"]
    mistaken = {
        "respondents-1-kind": "person",
        "respondents-1-name": "王五",
        "respondents-1-phone": "13700000000",
    }
    shown = submit(filer, "/cases/new", on=shown, button="增加被申请人", values=mistaken).get_data(
        as_text=True
    )
    third = {
        "respondents-2-kind": "person",
        "respondents-2-name": "李四",
        "respondents-2-id_number": valid_id_number(8802),
        "respondents-2-email": "lisi@example.cn",
    }
    shown = submit(filer, "/cases/new", on=shown, button="删除被申请人2", values=third).get_data(as_text=True)
    kept = typed(shown, button)
    assert kept["respondents-0-name"] == "苍梧县聚香茶叶商行" and kept["respondents-1-name"] == "李四"
    assert kept["respondents-1-email"] == "lisi@example.cn" and "respondents-2-name" not in kept
    assert "王五" not in shown and kept["facts"] == DISPUTE["facts"]
    assert Case.query.count() == 0
    second = {
        "remedies": DISPUTE["remedies"],
        "respondents-0-credit_code": valid_uscc(8801),
        "address": "梧州市万秀区茶城路1号",
    }
    filed = submit(filer, "/cases/new", on=shown, button=button, values=second)
    case = Case.query.one()
    page = follow(filer, filed)
    assert "success: 您的调解申请已提交，调解中心将尽快审查。" in alerts(page)
    assert case.facts == DISPUTE["facts"] and case.claim_amount == 80000
    assert [(p.name, p.kind) for p in case.respondents] == [
        ("苍梧县聚香茶叶商行", PartyKind.COMPANY),
        ("李四", PartyKind.PERSON),
    ]
    assert case.claimants[0].representative == "王芳"

    # the company proves who it is: its business licence and its representative's identity document
    monkeypatch.setitem(app.config, "MAX_UPLOAD_BYTES", 1024 * 1024)
    identity = "/account/identity"
    send = "提交书记员核验"
    page = follow(filer, submit(filer, identity, button=send))
    assert "danger: 请选择要上传的材料。" in alerts(page)
    boxes = find_form(page, button=send).file_inputs
    assert {"business_licence", "representative_identity"} <= set(boxes)
    too_big = {
        "business_licence": ("营业执照.pdf", PDF + b"0" * (1024 * 1024)),
        "representative_identity": ("身份证.pdf", PDF),
    }
    # The test client spools a body this large to a temporary file it never closes: not ours to fix.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        page = follow(filer, submit(filer, identity, on=page, button=send, upload=too_big))
        gc.collect()
    assert "danger: 营业执照: 文件超过1 MB。" in alerts(page)  # which of the two is too large
    assert IdentityVerification.query.count() == 0
    proof = {"business_licence": ("营业执照.pdf", PDF), "representative_identity": ("身份证.pdf", PDF)}
    page = follow(filer, submit(filer, identity, on=page, button=send, upload=proof))
    assert "success: 材料已收到，书记员将进行核验。" in alerts(page)
    [request] = IdentityVerification.query.all()
    assert sorted(d.filename for d in request.documents) == ["营业执照.pdf", "身份证.pdf"]

    desk = make_client(clerk)
    queue = desk.get("/identity/queue").get_data(as_text=True)
    review = re.search(rf'href="(/identity/requests/{request.id})"', queue).group(1)
    shown = desk.get(review).get_data(as_text=True)
    for link in re.findall(r'href="(/identity/documents/\d+)"', shown):
        document = desk.get(link)
        assert document.status_code == 200 and document.data == PDF
        document.close()
    page = follow(desk, submit(desk, review, action="", values={"decision": "verify"}))
    assert request.state == VerificationState.PENDING and any(a.startswith("danger:") for a in alerts(page))
    values = {"decision": "verify", "reason": "营业执照与统一社会信用代码一致。"}
    follow(desk, submit(desk, review, action="", values=values))
    assert request.state == VerificationState.VERIFIED and company.identity_verified
    follow(desk, submit(desk, f"/cases/{case.id}", button="Accept the case"))
    assert case.state == CaseState.AWAITING_RESPONDENT


def test_a_person_files_for_mediation_and_applies_for_arbitration_directly(
    make_user, mediation_org, make_org, make_client
):
    person = make_user(Role.PARTY, party_kind=PartyKind.PERSON, name="张三")
    commission = make_org(OrgKind.ARBITRATION_COMMISSION, name="梧州仲裁委员会（测试）")
    filer = make_client(person)
    respondent = {
        "respondents-0-kind": "company",
        "respondents-0-name": "苍梧县聚香茶叶商行",
        "respondents-0-credit_code": valid_uscc(8803),
        "respondents-0-email": "shop@example.cn",
    }
    full_width = str.maketrans(
        "0123456789ABCDEFGHJKLMNPQRTUWXY", "０１２３４５６７８９ＡＢＣＤＥＦＧＨＪＫＬＭＮＰＱＲＴＵＷＸＹ"
    )
    typed_in_chinese = {  # a Chinese keyboard in full-width mode types these
        **respondent,
        "respondents-0-credit_code": valid_uscc(8803).translate(full_width),
        "respondents-0-phone": "０７７４－３８２１２３４",
    }
    page = filer.get("/cases/new").get_data(as_text=True)
    assert 'name="representative"' not in page  # a person acts for themself
    values = {**DISPUTE, **typed_in_chinese, "organisation_id": str(mediation_org.id)}
    follow(filer, submit(filer, "/cases/new", on=page, button="File the dispute", values=values))
    case = Case.query.one()
    assert case.claimants[0].kind == PartyKind.PERSON and case.claimants[0].representative is None
    assert case.respondents[0].credit_code == valid_uscc(8803) and case.respondents[0].phone == "0774-3821234"

    apply = "/arbitration/apply"
    button = "Send to the commission"
    page = filer.get(apply).get_data(as_text=True)
    assert chosen(page, button, "organisation_id") in ([], [str(commission.id)])
    values = {**DISPUTE, **respondent, "organisation_id": str(commission.id), "claim_amount": "八万"}
    refused = submit(filer, apply, on=page, button=button, values=values)
    shown = refused.get_data(as_text=True)
    assert refused.status_code == 200 and ArbitrationCase.query.count() == 0
    assert "danger: The application was not sent: correct the fields marked below." in alerts(shown)
    assert "Quote the arbitration agreement the application rests on." in shown
    kept = typed(shown, button)
    assert kept["facts"] == DISPUTE["facts"] and kept["claim_amount"] == "八万"
    values.update(claim_amount="80000", arbitration_basis="《经销合同》第12条：争议提交梧州仲裁委员会仲裁。")
    sent = submit(filer, apply, on=shown, button=button, values=values)
    page = follow(filer, sent)
    arbitration = ArbitrationCase.query.one()
    assert "success: Your application for arbitration was sent to the commission." in alerts(page)
    assert arbitration.commission_id == commission.id and "第12条" in arbitration.arbitration_basis
    assert arbitration.case.facts == DISPUTE["facts"]

    # the commission takes it in and, the respondent having no account, records how it was served
    secretary = make_user(Role.CLERK, organisation=commission, name="仲裁秘书", locale="zh_CN")
    desk = make_client(secretary)
    case_page = f"/cases/{arbitration.case_id}"
    accept = f"/arbitrations/{arbitration.id}/accept"
    page = follow(desk, submit(desk, case_page, action=accept, values={"acc-expedited": "1"}))
    assert arbitration.accepted_at is not None and arbitration.served_at is None
    service = f"/arbitrations/{arbitration.id}/service"
    offered = [v for _k, n, v, _a in find_form(page, action=service).fields if n == "srv-method"]
    assert "electronic" not in offered and "post" in offered
    today = local(utcnow()).date()
    bad = {"srv-served_on": f"{today.year}-02-30", "srv-method": "post"}
    page = follow(desk, submit(desk, case_page, on=page, action=service, values=bad))
    assert "danger: 送达日期: 不是有效的日期值。" in alerts(page) and arbitration.served_at is None
    later = {"srv-served_on": (today + timedelta(days=1)).isoformat(), "srv-method": "post"}
    page = follow(desk, submit(desk, case_page, on=page, action=service, values=later))
    assert "danger: 送达日期应在受理之日至今日之间。" in alerts(page) and arbitration.served_at is None
    served = {"srv-served_on": today.isoformat(), "srv-method": "post"}
    page = follow(desk, submit(desk, case_page, on=page, action=service, values=served))
    assert "success: 已登记送达；答辩期限和选定仲裁员的期限自该日起算。" in alerts(page)
    assert arbitration.service_method == "post" and arbitration.answer_due_at is not None
