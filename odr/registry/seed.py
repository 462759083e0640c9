"""Demo data of the list: a credit officer, outside decisions, entries published, one under objection,
one removed after credit repair. Created once; running it again adds nothing."""

import io
from datetime import date, timedelta

import sqlalchemy as sa

from odr.accounts.models import PartyKind, Role, User
from odr.audit.operations import record
from odr.core.db import utcnow
from odr.core.identifiers import uscc_check_char
from odr.extensions import db
from odr.registry import findings, operations
from odr.registry.models import Entry, Finding, FindingSource

OFFICER = ("credit@demo.odr", "韦信用（市场监管局）")


def _code(first17: str) -> str:
    return first17 + uscc_check_char(first17)


# entity -> (kind, name, credit code, legal representative, account e-mail or None)
LISTED_ACCOUNT = "listed@demo.odr"
REPAIRED_ACCOUNT = "repaired@demo.odr"
ENTITIES = {
    "repeat": ("company", "苍梧县聚香茶叶商行", "91450421MA5L0D1P4J", "黄聚香", None),
    "willful": ("company", "梧州市恒信电子科技有限公司", _code("91450400MA5KX8Q2H"), "刘恒信", None),
    "sole": ("sole_trader", "岑溪市李记茶叶店", _code("92450481MA5L7T3C1"), "李国华", None),
    "objection": ("company", "藤县宏达建材有限公司", _code("91450422MA5KQ6R8B"), "覃宏达", LISTED_ACCOUNT),
    "repaired": ("company", "梧州市金茗茶业有限公司", _code("91450403MA5L2N9W7"), "莫金茗", REPAIRED_ACCOUNT),
}

# entity -> the outside decisions: (kind, number, date, authority, infringement, willful, punitive)
DECISIONS = {
    "repeat": [
        (
            "court_judgment",
            "（2023）桂04民初211号",
            date(2023, 9, 14),
            "梧州市中级人民法院",
            True,
            False,
            False,
        ),
        (
            "administrative_penalty",
            "梧市监处罚〔2025〕37号",
            date(2025, 6, 3),
            "梧州市市场监督管理局",
            True,
            False,
            False,
        ),
    ],
    "willful": [
        (
            "court_judgment",
            "（2025）桂04知民初58号",
            date(2025, 11, 20),
            "梧州市中级人民法院",
            True,
            True,
            True,
        ),
    ],
    "sole": [
        (
            "court_judgment",
            "（2026）桂0403民初1032号",
            date(2026, 3, 9),
            "梧州市万秀区人民法院",
            True,
            True,
            False,
        ),
    ],
    "objection": [
        (
            "administrative_penalty",
            "藤市监处罚〔2026〕12号",
            date(2026, 8, 18),
            "藤县市场监督管理局",
            True,
            True,
            False,
        ),
    ],
    "repaired": [
        ("court_judgment", "（2024）桂04民初77号", date(2024, 4, 2), "梧州市中级人民法院", True, False, True),
    ],
}


def _document(title: str, number: str) -> bytes:
    """A one-page stand-in for the decision's scanned document (demo data only)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    from odr.core.pdf import cjk_font

    font = cjk_font().name
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    page.setFont(font, 16)
    page.drawString(72, 760, title)
    page.setFont(font, 12)
    page.drawString(72, 730, number)
    page.drawString(72, 700, "（演示数据：此文件代表该决定的扫描件）")
    page.save()
    return buffer.getvalue()


def _account(email, name, code, password_hash) -> User:
    user = db.session.scalar(sa.select(User).where(User.email == email))
    if user is None:
        user = User(
            email=email,
            name=name,
            password_hash=password_hash,
            locale="zh_CN",
            phone="13800000000",
            party_kind=PartyKind.COMPANY,
            credit_code=code,
            contact_name="张经理",
        )
        user.add_role(Role.PARTY)
        db.session.add(user)
        db.session.flush()
        record("user_registered", user, details={"roles": ["party"], "seed": True})
        _verify(user, code)
    return user


def _verify(user: User, code: str):
    """The demo company's business licence has been checked by the clerk (its account is verified)."""
    from odr.identity import methods
    from odr.identity import operations as identity_ops
    from odr.identity.models import IdentityVerification, VerificationState

    clerk = db.session.scalar(sa.select(User).where(User.email == "clerk@demo.odr"))
    request = IdentityVerification(
        user=user,
        method=methods.CLERK_DOCUMENTS.name,
        number=code,
        state=VerificationState.VERIFIED,
        decided_at=utcnow(),
        decided_by=clerk,
        reason="示范数据：营业执照及法定代表人身份证明已核对。",
    )
    db.session.add(request)
    db.session.flush()
    identity_ops.grant(user, code, method=request.method, actor=clerk)


def _officer(password_hash) -> User:
    email, name = OFFICER
    user = db.session.scalar(sa.select(User).where(User.email == email))
    if user is None:
        user = User(email=email, name=name, password_hash=password_hash, locale="zh_CN", phone="13800000000")
        user.add_role(Role.CREDIT_OFFICER)
        db.session.add(user)
        db.session.flush()
        record("staff_account_created", user, details={"roles": ["credit_officer"], "seed": True})
    return user


def _entry(code) -> Entry:
    return db.session.scalars(
        sa.select(Entry).where(Entry.credit_code == code).order_by(Entry.id.desc())
    ).first()


def _notified_earlier(entry: Entry, officer, days_ago: int):
    """Review and notify ENTRY as if the notice went out DAYS_AGO (so its objection period has run)."""
    operations.start_review(entry, officer)
    accounts = operations.entity_accounts(entry)
    operations.notify_entity(
        entry, officer, service_record="" if accounts else "邮寄送达（EMS），签收人：办公室"
    )
    entry.notified_at = utcnow() - timedelta(days=days_ago)
    entry.objection_due_at = operations.days_end(entry.notified_at, entry.rules["objection_days"])


def run(password_hash) -> int:
    """Create the list's demo records if they are missing; return how many were created."""
    officer = _officer(password_hash)
    if db.session.scalar(
        sa.select(sa.func.count()).select_from(Finding).where(Finding.source == FindingSource.EXTERNAL)
    ):
        return 0
    for key, (kind, name, code, representative, email) in ENTITIES.items():
        if email:
            _account(email, name, code, password_hash)
        for decision_kind, number, on, authority, infringement, willful, punitive in DECISIONS[key]:
            findings.record_external(
                officer,
                entity_kind=kind,
                entity_name=name,
                credit_code=code,
                id_number=None,
                legal_representative=representative,
                decision_kind=decision_kind,
                number=number,
                decided_on=on,
                authority=authority,
                infringement=infringement,
                willful=willful,
                punitive=punitive,
                summary="判决（决定）认定构成知识产权侵权。" + ("并判处惩罚性赔偿。" if punitive else ""),
                filename=f"{number}.pdf",
                data=_document("知识产权侵权决定书（演示）", number),
            )
    for key in ("repeat", "willful", "sole", "repaired"):
        entry = _entry(ENTITIES[key][2])
        _notified_earlier(entry, officer, days_ago=30)
        operations.publish_after_period(entry, officer)
    objected = _entry(ENTITIES["objection"][2])
    _notified_earlier(objected, officer, days_ago=3)
    operations.object_to(
        objected,
        db.session.scalar(sa.select(User).where(User.email == LISTED_ACCOUNT)),
        text="该行政处罚决定已被藤县人民法院撤销（附行政判决书），请求不予列入。",
    )
    repaired = _entry(ENTITIES["repaired"][2])
    application = operations.apply_for_repair(
        repaired,
        db.session.scalar(sa.select(User).where(User.email == REPAIRED_ACCOUNT)),
        performance="已按判决支付全部赔偿金及惩罚性赔偿，法院已结案。",
        commitment="本公司承诺今后依法经营，尊重他人知识产权，如有违反自愿接受惩戒。",
        filename="结案通知书.pdf",
        data=_document("执行结案通知书（演示）", "（2024）桂04执301号"),
    )
    operations.decide_repair(
        application, officer, grant=True, reasons="已全部履行生效判决并作出信用承诺，准予信用修复。"
    )
    return len(ENTITIES)
