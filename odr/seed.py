"""Demo data for `make run`: organisations, one account per role, and cases at several stages.

Running it again creates nothing twice.
"""

from decimal import Decimal

import sqlalchemy as sa
from flask import current_app

from odr.accounts.auth import hash_password
from odr.accounts.models import Organisation, OrgKind, PartyKind, Role, User
from odr.audit.operations import record
from odr.cases import operations as case_ops
from odr.cases.models import Case
from odr.core.db import utcnow
from odr.extensions import db

ORGANISATIONS = [
    (
        "梧州市知识产权纠纷人民调解委员会",
        "Wuzhou IP Dispute People's Mediation Committee",
        OrgKind.MEDIATION_COMMITTEE,
    ),
    (
        "梧州六堡茶产业园知识产权服务站",
        "Wuzhou Liubao Tea Industrial Park IP Service Station",
        OrgKind.PARK_STATION,
    ),
    ("梧州仲裁委员会", "Wuzhou Arbitration Commission", OrgKind.ARBITRATION_COMMISSION),
    ("梧州市中级人民法院", "Wuzhou Intermediate People's Court", OrgKind.INTERMEDIATE_COURT),
    ("梧州市万秀区人民法院", "Wanxiu District People's Court of Wuzhou", OrgKind.BASIC_COURT),
    ("梧州市公证处", "Wuzhou Notary Office", OrgKind.NOTARY),
]
MEDIATION = ORGANISATIONS[0][0]
# Where an organisation's area is narrower than the city: a district court hears its district.
REGIONS = {"梧州市万秀区人民法院": "广西壮族自治区梧州市万秀区"}
# The committee sits in 万秀区, so the basic court there is competent for what it mediates (DESIGN §5),
# and a new demo case's confirmation goes to a court that a demo account serves.
ADDRESSES = {MEDIATION: "广西壮族自治区梧州市万秀区新兴二路1号"}

# The natural person each demo organisation acts through (its legal representative).
DEMO_REPRESENTATIVES = {"claimant@demo.odr": "陈茂生", "respondent@demo.odr": "梁聚香"}

# (e-mail, name, roles, organisation, party kind, identity number)
ACCOUNTS = [
    (
        "claimant@demo.odr",
        "梧州茂圣六堡茶业有限公司",
        [Role.PARTY],
        None,
        PartyKind.COMPANY,
        "91450400MA5K3B7L24",
    ),
    (
        "respondent@demo.odr",
        "苍梧县聚香茶叶商行",
        [Role.PARTY],
        None,
        PartyKind.COMPANY,
        "91450421MA5L0D1P4J",
    ),
    ("lawyer@demo.odr", "张明律师", [Role.PARTY], None, PartyKind.PERSON, "450400198003152010"),
    ("agent@demo.odr", "苏丽（聚香商行员工）", [Role.PARTY], None, PartyKind.PERSON, "450400199007081023"),
    ("clerk@demo.odr", "李晓梅", [Role.CLERK], MEDIATION, None, None),
    ("mediator1@demo.odr", "黄志强", [Role.MEDIATOR], MEDIATION, None, None),
    ("mediator2@demo.odr", "陈丽华", [Role.MEDIATOR, Role.ARBITRATOR], MEDIATION, None, None),
    ("arbitrator@demo.odr", "周建国", [Role.ARBITRATOR], "梧州仲裁委员会", None, None),
    ("investigator@demo.odr", "莫文杰", [Role.TECHNICAL_INVESTIGATOR], MEDIATION, None, None),
    ("court@demo.odr", "覃法官助理", [Role.COURT_LIAISON], "梧州市中级人民法院", None, None),
    ("basiccourt@demo.odr", "蒙立案法官助理", [Role.COURT_LIAISON], "梧州市万秀区人民法院", None, None),
    ("arbclerk@demo.odr", "梁仲裁秘书", [Role.CLERK], "梧州仲裁委员会", None, None),
    ("admin@demo.odr", "平台管理员", [Role.ADMIN], None, None, None),
]


def _org(name):
    return db.session.scalar(sa.select(Organisation).where(Organisation.name == name))


def _user(email):
    return db.session.scalar(sa.select(User).where(User.email == email))


def run() -> int:
    """Create whatever demo records are missing; return how many were created."""
    created = 0
    for name, name_en, kind in ORGANISATIONS:
        existing = _org(name)
        if existing is not None and existing.address is None and name in ADDRESSES:
            existing.address = ADDRESSES[name]  # a demo database seeded before the address was known
        if existing is None:
            org = Organisation(
                name=name,
                name_en=name_en,
                kind=kind,
                region=REGIONS.get(name, "广西壮族自治区梧州市"),
                address=ADDRESSES.get(name),
            )
            db.session.add(org)
            db.session.flush()
            record("organisation_created", org, details={"name": name, "kind": kind.value, "seed": True})
            created += 1
    password = hash_password(current_app.config["DEMO_PASSWORD"])
    for email, name, roles, org_name, party_kind, number in ACCOUNTS:
        if _user(email) is not None:
            continue
        user = User(
            email=email,
            name=name,
            password_hash=password,
            locale="zh_CN",
            phone="13800000000",
            organisation=_org(org_name) if org_name else None,
            party_kind=party_kind,
            credit_code=number if party_kind == PartyKind.COMPANY else None,
            id_number=number if party_kind == PartyKind.PERSON else None,
            contact_name="张经理" if party_kind == PartyKind.COMPANY else None,
            legal_representative=DEMO_REPRESENTATIVES.get(email) if party_kind == PartyKind.COMPANY else None,
        )
        for role in roles:
            user.add_role(role)
        db.session.add(user)
        db.session.flush()
        record(
            "staff_account_created" if not party_kind else "user_registered",
            user,
            details={"roles": [r.value for r in roles], "seed": True},
        )
        created += 1
    created += _verify_demo_parties()
    from odr.experts import seed as expert_seed

    created += expert_seed.run(password, _user("respondent@demo.odr").name)
    from odr.registry import seed as registry_seed

    created += registry_seed.run(password)
    claimant = _user("claimant@demo.odr")
    if not db.session.scalar(
        sa.select(sa.func.count()).select_from(Case).where(Case.filed_by_id == claimant.id)
    ):
        created += _demo_cases(claimant)
    return created + _demo_powers()


# (agent's e-mail, the principal's e-mail, scope): the agents act in every demo case of their principal.
POWERS = [
    ("lawyer@demo.odr", "claimant@demo.odr", "special"),
    ("agent@demo.odr", "respondent@demo.odr", "general"),
]


def _power_document(agent, principal, scope) -> bytes:
    """A one-page 授权委托书 for the demo (the real one is the party's signed and sealed letter)."""
    import io

    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    page.setFont("STSong-Light", 18)
    page.drawString(240, 760, "授权委托书")
    page.setFont("STSong-Light", 12)
    authority = "特别授权：代为调解、和解，签署调解协议，申请司法确认" if scope == "special" else "一般授权"
    lines = [
        f"委托人：{principal.name}（统一社会信用代码 {principal.credit_code}）",
        f"受托人：{agent.name}（身份证号码 {agent.id_number}）",
        f"委托权限：{authority}",
        "（示范数据）",
    ]
    for i, line in enumerate(lines):
        page.drawString(72, 700 - 24 * i, line)
    page.showPage()
    page.save()
    return buffer.getvalue()


def _demo_powers() -> int:
    """The demo agents' powers of attorney, approved by the clerk, in each case of their principal."""
    from odr.cases.models import AttorneyScope, CaseParty, PowerOfAttorney, PowerState
    from odr.core import storage

    clerk = _user("clerk@demo.odr")
    done = 0
    for agent_email, principal_email, scope in POWERS:
        agent, principal = _user(agent_email), _user(principal_email)
        parties = db.session.scalars(
            sa.select(CaseParty).where(CaseParty.user_id == principal.id).order_by(CaseParty.id)
        ).all()
        document = None
        for party in parties:
            if any(a.agent_id == agent.id for a in party.powers):
                continue
            document = document or storage.store(
                _power_document(agent, principal, scope), allowed={"application/pdf"}
            )
            power = PowerOfAttorney(
                party=party,
                agent=agent,
                scope=AttorneyScope(scope),
                state=PowerState.APPROVED,
                filename="授权委托书.pdf",
                sha256=document.sha256,
                size=document.size,
                content_type=document.content_type,
                submitted_by=principal,
                decided_by=clerk,
                decided_at=utcnow(),
                reason="示范数据：授权委托书已核对。",
            )
            db.session.add(power)
            db.session.flush()
            record(
                "case.power_of_attorney_approved",
                power,
                case=party.case,
                actor=clerk,
                details={"agent_id": agent.id, "scope": scope, "sha256": document.sha256, "seed": True},
            )
            done += 1
    return done


def _verify_demo_parties() -> int:
    """The demo parties and agents have had their documents checked by the clerk."""
    from odr.identity import methods
    from odr.identity import operations as identity_ops
    from odr.identity.models import IdentityVerification, VerificationState

    clerk = _user("clerk@demo.odr")
    done = 0
    for email, _name, _roles, _org_name, party_kind, number in ACCOUNTS:
        user = _user(email)
        if not party_kind or user.identity_verified:
            continue
        request = IdentityVerification(
            user=user,
            method=methods.CLERK_DOCUMENTS.name,
            number=number,
            state=VerificationState.VERIFIED,
            decided_at=utcnow(),
            decided_by=clerk,
            reason="示范数据：营业执照及法定代表人身份证明已核对。"
            if party_kind == PartyKind.COMPANY
            else "示范数据：身份证已核对。",
        )
        db.session.add(request)
        db.session.flush()
        identity_ops.grant(user, number, method=request.method, actor=clerk)
        done += 1
    return done


def _demo_cases(claimant) -> int:
    mediation = _org(MEDIATION)
    clerk = _user("clerk@demo.odr")
    respondent = _user("respondent@demo.odr")
    common = {"online_consent": True, "channel": "self_filed"}
    demo_respondent = {
        "kind": "company",
        "name": respondent.name,
        "credit_code": respondent.credit_code,
        "phone": "13900000000",
        "email": respondent.email,
        "representative": respondent.legal_representative,
    }

    # 1. A Liubao tea geographical-indication dispute waiting in the clerk's intake queue.
    case_ops.file_case(
        claimant,
        organisation=mediation,
        title="“六堡茶”地理标志证明商标侵权纠纷",
        ip_type="geographical_indication",
        dispute_kind="infringement",
        industry="liubao_tea",
        place="ecommerce_platform",
        right_number="第 6069836 号",
        claim_amount=Decimal("80000.00"),
        remedies="1. 停止在网店销售标注“六堡茶”字样的非产区茶叶；2. 下架相关商品链接；3. 赔偿经济损失 80,000 元。",
        facts="被申请人在某电商平台店铺销售外包装标注“六堡茶”“梧州原产”的茶叶，经公证购买，"
        "其产地并非梧州六堡茶地理标志保护范围，且未经许可使用证明商标。",
        respondents=[demo_respondent],
        **common,
    )
    # 2. A trademark dispute accepted and waiting for the respondent's answer.
    second = case_ops.file_case(
        claimant,
        organisation=mediation,
        title="“茂圣”注册商标专用权纠纷",
        ip_type="trademark",
        dispute_kind="infringement",
        industry="liubao_tea",
        place="market",
        right_number="第 12345678 号",
        claim_amount=Decimal("30000.00"),
        remedies="停止使用近似标识，销毁库存包装，赔偿 30,000 元。",
        facts="被申请人在梧州茶城门店销售使用与“茂圣”近似标识包装的六堡茶。",
        respondents=[demo_respondent],
        **common,
    )
    case_ops.accept_case(second, clerk)
    # 3. A complex patent dispute against a manufacturer with no account yet (invitation link).
    third = case_ops.file_case(
        claimant,
        organisation=mediation,
        title="茶叶渥堆发酵设备发明专利侵权纠纷",
        ip_type="invention_patent",
        dispute_kind="infringement",
        industry="metallurgy_machinery",
        place="offline",
        right_number="ZL 2019 1 0123456.7",
        claim_amount=Decimal("650000.00"),
        remedies="停止制造、销售被诉侵权设备，赔偿经济损失及合理开支 650,000 元。",
        facts="被申请人制造并销售的渥堆发酵设备落入申请人发明专利权利要求 1–5 的保护范围。",
        respondents=[
            {
                "kind": "company",
                "name": "广西某机械制造有限公司",
                "credit_code": "91450400MA5K4C8M3W",
                "phone": "0774-5555555",
                "representative": "黄志强",
            }
        ],
        **common,
    )
    case_ops.accept_case(third, clerk)
    # 4. A complex technical case whose respondent agreed: the clerk now assigns its experts.
    fourth = case_ops.file_case(
        claimant,
        organisation=mediation,
        title="六堡茶揉捻机实用新型专利侵权纠纷",
        ip_type="utility_model",
        dispute_kind="infringement",
        industry="liubao_tea",
        place="exhibition",
        right_number="ZL 2021 2 0456789.1",
        claim_amount=Decimal("520000.00"),
        remedies="停止制造、许诺销售被诉揉捻机，赔偿经济损失 520,000 元。",
        facts="被申请人在梧州茶博会上展出并许诺销售的揉捻机，其揉盘结构与申请人实用新型专利相同。",
        respondents=[demo_respondent],
        **common,
    )
    case_ops.accept_case(fourth, clerk)
    case_ops.answer_invitation(fourth, respondent, consent=True)
    # 5. A case in mediation: its mediator and technical investigator accepted; a question is open.
    fifth = case_ops.file_case(
        claimant,
        organisation=mediation,
        title="六堡茶冷发酵工艺发明专利侵权纠纷",
        ip_type="invention_patent",
        dispute_kind="infringement",
        industry="liubao_tea",
        place="market",
        right_number="ZL 2020 1 0987654.3",
        claim_amount=Decimal("120000.00"),
        remedies="停止使用涉案发酵工艺，赔偿 120,000 元。",
        facts="被申请人使用与申请人专利方法相同的冷发酵工艺生产六堡茶。",
        respondents=[demo_respondent],
        **common,
    )
    case_ops.accept_case(fifth, clerk, track="simple", override_reason="双方均同意简易程序，争议焦点单一")
    case_ops.answer_invitation(fifth, respondent, consent=True)
    from odr.experts import operations as expert_ops
    from odr.experts import opinions
    from odr.experts.models import Seat

    mediator = _user("mediator1@demo.odr")
    investigator = _user("investigator@demo.odr")
    expert_ops.accept(expert_ops.propose(fifth, Seat.MEDIATOR, mediator, actor=clerk), mediator)
    expert_ops.accept(
        expert_ops.propose(fifth, Seat.TECHNICAL_INVESTIGATOR, investigator, actor=clerk), investigator
    )
    opinions.ask_question(
        fifth, mediator, "被诉工艺的发酵温度、湿度及时间参数是否落入专利权利要求 1 的范围？"
    )
    from odr.rooms import operations as room_ops

    joint = room_ops.ensure_rooms(fifth)[0]
    room_ops.set_open(joint, mediator, True)
    room_ops.post_message(
        joint, mediator, "各位好，欢迎参加本案在线调解。请双方先简要陈述各自意见。", "seed-1"
    )
    # 6. A trademark dispute the intermediate court delegated to the committee (委派调解), in
    # mediation with 陈丽华: the parties are close to a settlement the court will be asked to confirm.
    sixth = case_ops.file_case(
        claimant,
        organisation=mediation,
        title="“茂圣”商标网店侵权纠纷（法院委派）",
        ip_type="trademark",
        dispute_kind="infringement",
        industry="ecommerce",
        place="ecommerce_platform",
        right_number="第 12345678 号",
        claim_amount=Decimal("45000.00"),
        remedies="删除侵权商品链接，赔偿经济损失 45,000 元。",
        facts="被申请人在某电商平台开设的网店销售使用“茂圣”商标的六堡茶，该商品并非申请人生产。",
        respondents=[demo_respondent],
        online_consent=True,
        channel="court_delegated",
        delegating_court=_org("梧州市中级人民法院"),
    )
    case_ops.accept_case(sixth, clerk)
    case_ops.answer_invitation(sixth, respondent, consent=True)
    second_mediator = _user("mediator2@demo.odr")
    expert_ops.accept(expert_ops.propose(sixth, Seat.MEDIATOR, second_mediator, actor=clerk), second_mediator)
    room_ops.set_open(room_ops.ensure_rooms(sixth)[0], second_mediator, True)
    return (
        6
        + _arbitration_cases(claimant, demo_respondent, common)
        + _confirmed_agreement(claimant, demo_respondent)
    )


def _confirmed_agreement(claimant, demo_respondent) -> int:
    """10. A settlement the intermediate court confirmed: enforceable, its obligations being performed."""
    from datetime import timedelta

    from odr.agreements import confirmation, operations
    from odr.core.timeutil import local, utcnow
    from odr.experts import operations as expert_ops
    from odr.experts.models import Seat
    from odr.rooms import operations as room_ops

    password = current_app.config["DEMO_PASSWORD"]
    clerk, mediator = _user("clerk@demo.odr"), _user("mediator1@demo.odr")
    respondent, court_officer = _user("respondent@demo.odr"), _user("court@demo.odr")
    case = case_ops.file_case(
        claimant,
        organisation=_org(MEDIATION),
        title="“茂圣”商标展会侵权纠纷（已司法确认）",
        ip_type="trademark",
        dispute_kind="infringement",
        industry="liubao_tea",
        place="exhibition",
        claim_amount=Decimal("28000.00"),
        remedies="停止在展会上使用“茂圣”标识，赔偿 28,000 元。",
        facts="被申请人在梧州茶博会展位上使用与“茂圣”近似的标识推销茶叶。",
        respondents=[demo_respondent],
        online_consent=True,
        channel="court_delegated",
        delegating_court=_org("梧州市中级人民法院"),
    )
    case_ops.accept_case(case, clerk)
    case_ops.answer_invitation(case, respondent, consent=True)
    expert_ops.accept(expert_ops.propose(case, Seat.MEDIATOR, mediator, actor=clerk), mediator)
    room_ops.ensure_rooms(case)
    today = local(utcnow()).date()
    claimant_party, respondent_party = case.claimants[0], case.respondents[0]
    agreement = operations.start_agreement(case, mediator)
    operations.save_version(
        agreement,
        mediator,
        facts=case.facts + "\n\n经调解，被申请人承认使用近似标识的事实，愿意赔偿并停止使用。",
        items=[
            {
                "key": "instalments",
                "values": {
                    "debtor": str(respondent_party.id),
                    "creditor": str(claimant_party.id),
                    "total": "28000",
                    "schedule": f"{(today + timedelta(days=10)).isoformat()} 14000\n"
                    f"{(today + timedelta(days=40)).isoformat()} 14000",
                },
            },
            {
                "key": "cease_infringement",
                "values": {
                    "debtor": str(respondent_party.id),
                    "creditor": str(claimant_party.id),
                    "scope": "在展会、门店及网络上使用与“茂圣”近似的标识",
                    "from_date": (today + timedelta(days=1)).isoformat(),
                },
            },
            {"key": "costs", "values": {"allocation": "本案调解不收取费用，各方自行承担律师费"}},
        ],
    )
    operations.share_version(agreement, mediator)
    operations.finalise(agreement, mediator)
    for signer in (claimant, respondent, mediator):
        operations.sign(
            agreement,
            signer,
            version_id=agreement.final_version_id,
            password=password,
            ip_address="127.0.0.1",
        )
    application = confirmation.apply_for_confirmation(
        agreement,
        claimant,
        court_id=case.delegating_court_id,
        facts_and_reasons="双方经法院委派调解自愿达成调解协议，请求确认协议有效。",
    )
    confirmation.join(application, respondent)
    confirmation.court_accepts(application, court_officer, f"（{today.year}）桂04民特18号")
    confirmation.decide(
        application,
        court_officer,
        confirm=True,
        ruling_number=f"（{today.year}）桂04民特18号",
        judge_name="黄志明",
    )
    return 1


def _failed_mediation(claimant, demo_respondent, title, facts, remedies, amount):
    """A trademark dispute mediated by 黄志强 without agreement."""
    from odr.cases import workflow
    from odr.cases.workflow import Action, Capacity
    from odr.experts import operations as expert_ops
    from odr.experts.models import Seat

    clerk = _user("clerk@demo.odr")
    mediator = _user("mediator1@demo.odr")
    case = case_ops.file_case(
        claimant,
        organisation=_org(MEDIATION),
        title=title,
        ip_type="trademark",
        dispute_kind="infringement",
        industry="liubao_tea",
        place="market",
        claim_amount=Decimal(amount),
        remedies=remedies,
        facts=facts,
        respondents=[demo_respondent],
        online_consent=True,
        channel="self_filed",
    )
    case_ops.accept_case(case, clerk)
    case_ops.answer_invitation(case, _user("respondent@demo.odr"), consent=True)
    expert_ops.accept(expert_ops.propose(case, Seat.MEDIATOR, mediator, actor=clerk), mediator)
    workflow.apply(
        case,
        Action.TERMINATE,
        actor=mediator,
        capacity=Capacity.MEDIATOR,
        updates={"closing_reason": "双方对赔偿数额分歧较大，调解不成。"},
    )
    return case


def _arbitration_cases(claimant, demo_respondent, common) -> int:
    """7. An arbitration before its sole arbitrator; 8. an arbitration closed by a consent award;
    9. a failed mediation whose parties have an arbitration clause and may now go to arbitration."""
    from odr.arbitration import awards, tribunal
    from odr.arbitration import operations as arb_ops
    from odr.arbitration.models import SeatRole

    password = current_app.config["DEMO_PASSWORD"]
    commission = _org("梧州仲裁委员会")
    arb_clerk = _user("arbclerk@demo.odr")
    arbitrator = _user("arbitrator@demo.odr")
    respondent = _user("respondent@demo.odr")
    basis = "双方于2025年6月签订的《六堡茶经销合同》第十五条：因本合同引起的争议，提交梧州仲裁委员会仲裁。"

    seventh = _failed_mediation(
        claimant,
        demo_respondent,
        "“茂圣”商标经销合同纠纷（仲裁中）",
        "被申请人在经销合同终止后继续使用“茂圣”商标销售茶叶。",
        "1. 停止使用“茂圣”商标；2. 赔偿经济损失 60,000 元。",
        "60000.00",
    )
    hearing = arb_ops.start_from_mediation(
        seventh,
        claimant,
        commission_id=commission.id,
        basis=basis,
        claims="1. 停止使用“茂圣”商标\n2. 赔偿经济损失60,000元",
    )
    arb_ops.accept(hearing, arb_clerk, expedited=True)
    arb_ops.answer(hearing, respondent, defence="被申请人库存商品系经销合同期内购进，不构成侵权。")
    tribunal.nominate(hearing, claimant, SeatRole.SOLE, arbitrator)
    seat = tribunal.nominate(hearing, respondent, SeatRole.SOLE, arbitrator)
    tribunal.answer_seat(seat, arbitrator, accept=True, password=password, disclosure="无")
    from odr.rooms import operations as room_ops

    room_ops.set_open(room_ops.ensure_hearing_room(seventh), arbitrator, True)

    eighth = arb_ops.apply_directly(
        claimant,
        commission_id=commission.id,
        basis="双方《商标使用许可合同》第九条：争议提交梧州仲裁委员会仲裁。",
        respondents=[demo_respondent],
        title="“茂圣”商标许可使用费纠纷（已裁决）",
        ip_type="trademark",
        dispute_kind="licence_contract",
        industry="liubao_tea",
        place="offline",
        claim_amount=Decimal("36000.00"),
        remedies="支付拖欠的商标许可使用费 36,000 元。",
        facts="被申请人自2026年1月起未按合同支付许可使用费。",
        online_consent=True,
    )
    arb_ops.accept(eighth, arb_clerk, expedited=True)
    tribunal.nominate(eighth, claimant, SeatRole.SOLE, arbitrator)
    seat = tribunal.nominate(eighth, respondent, SeatRole.SOLE, arbitrator)
    tribunal.answer_seat(seat, arbitrator, accept=True, password=password, disclosure="无")
    consent = awards.record_settlement(
        eighth,
        arbitrator,
        terms="被申请人于2027年1月31日前向申请人支付许可使用费36,000元。\n双方继续履行《商标使用许可合同》。",
        costs="仲裁费人民币1,200元，由双方各半负担。",
    )
    awards.review_award(consent, arb_clerk, remarks="请核对付款期限与合同约定的付款方式是否一致。")
    awards.sign_award(consent, arbitrator, password=password)

    _failed_mediation(
        claimant,
        demo_respondent,
        "“茂圣”商标特许经营纠纷（调解不成）",
        "被申请人在特许经营合同到期后继续以“茂圣”名义经营门店。合同第二十条约定争议提交梧州仲裁委员会仲裁。",
        "1. 停止使用“茂圣”字号和商标；2. 赔偿经济损失 50,000 元。",
        "50000.00",
    )
    return 3


def print_accounts(echo):
    """Print the demo accounts and their password."""
    password = current_app.config["DEMO_PASSWORD"]
    echo("Demo accounts (password for all: %s):" % password)
    for email, name, roles, org_name, _kind, _number in ACCOUNTS:
        echo(
            f"  {', '.join(r.value for r in roles):<32} {email:<24} {name}"
            + (f"  ({org_name})" if org_name else "")
        )
    from odr.registry import seed as registry_seed

    echo(f"  {'credit_officer':<32} {registry_seed.OFFICER[0]:<24} {registry_seed.OFFICER[1]}")
    echo(
        f"  {'party (listed, objecting)':<32} {registry_seed.LISTED_ACCOUNT:<24} "
        f"{registry_seed.ENTITIES['objection'][1]}"
    )
    echo(
        f"  {'party (credit repaired)':<32} {registry_seed.REPAIRED_ACCOUNT:<24} "
        f"{registry_seed.ENTITIES['repaired'][1]}"
    )
    echo(
        "  and the expert pool (mediators, arbitrators, technical investigators): "
        "expert01@demo.odr ... expert32@demo.odr"
    )
