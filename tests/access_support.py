"""What the access sweep (tests/test_access_map.py) tries routes with beyond the demo data: the
objects of a case in mediation, a confirmed agreement, a confirmation under review and an arbitration
that the demo seed does not make, each made with the platform's own operations on the demo cases, as
their users would have made them."""

import io
import re
from datetime import timedelta
from html import unescape

import sqlalchemy as sa
from flask import current_app
from freezegun import freeze_time
from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException

from odr.accounts.models import User
from odr.cases.models import Case
from odr.core.db import utcnow
from odr.core.timeutil import local
from odr.extensions import db
from tests.form_support import fill, forms

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64

# The demo cases the objects are made on, by title (odr/seed.py).
MEDIATING = "六堡茶冷发酵工艺发明专利侵权纠纷"  # mediator1 and the investigator serve; a question is open
DELEGATED = "“茂圣”商标网店侵权纠纷（法院委派）"  # in mediation with mediator2, delegated by the court
CONFIRMED = "“茂圣”商标展会侵权纠纷（已司法确认）"  # enforceable, its obligations being performed
ARBITRATING = "“茂圣”商标经销合同纠纷（仲裁中）"  # before its sole arbitrator


def _id_number(first17: str) -> str:
    from odr.core.identifiers import id_check_char

    return first17 + id_check_char(first17)


def _user(email) -> User:
    return db.session.scalar(sa.select(User).where(User.email == email))


def _case(title) -> Case:
    return db.session.scalar(sa.select(Case).where(Case.title == title))


def build():
    """Make, on the demo data, an object for every route the demo data offers none for."""
    people = {
        e.split("@")[0]: _user(e)
        for e in (
            "claimant@demo.odr",
            "respondent@demo.odr",
            "lawyer@demo.odr",
            "agent@demo.odr",
            "clerk@demo.odr",
            "mediator1@demo.odr",
            "mediator2@demo.odr",
            "investigator@demo.odr",
            "court@demo.odr",
            "arbclerk@demo.odr",
            "admin@demo.odr",
        )
    }
    _in_mediation(people)
    _breach_and_enforcement(people)
    _materials_supplied(people)
    _challenge(people)
    _staff_desks(people)


def _in_mediation(p):
    """The docket, the charts, a preservation request, an opinion, a recusal request, an extension,
    a fact, room files and sessions of the case in mediation."""
    from odr.deadlines import extending
    from odr.evidence import charts, preservation
    from odr.evidence import operations as evidence
    from odr.experts import operations as experts
    from odr.experts import opinions
    from odr.experts.models import Seat
    from odr.handover import operations as handover
    from odr.rooms import operations as rooms
    from odr.rooms import sessions
    from odr.rooms.models import RoomKind

    case = _case(MEDIATING)
    mediator = p["mediator1"]

    def deposit(user, title, data=PDF, filename="证据.pdf"):
        return evidence.deposit(
            case,
            user,
            filename=filename,
            data=data,
            title=title,
            proves="被申请人使用了涉案专利方法。",
            source="notarised_purchase",
            obtained_on=local(utcnow()).date() - timedelta(days=3),
        )

    # The claimant's shared exhibit, one its lawyer keeps for the side, and the respondent's secret.
    shared = deposit(p["claimant"], "公证购买的六堡茶及发票")
    evidence.change_visibility(shared, p["claimant"], "share")
    kept = deposit(p["lawyer"], "发酵车间温湿度记录（未共享）")
    secret = deposit(p["agent"], "被申请人的工艺配方（保密）")
    evidence.change_visibility(secret, p["agent"], "confidential")
    # A claim chart still drafted, and one sent to the respondent.
    draft = charts.create_chart(case, p["claimant"], claim="权利要求1", accused_product="被诉冷发酵工艺")
    charts.add_row(draft, p["claimant"], claim_feature="发酵温度25–30℃", accused_feature="发酵温度28℃")
    sent = charts.create_chart(case, p["claimant"], claim="权利要求2", accused_product="被诉冷发酵工艺")
    charts.add_row(
        sent, p["claimant"], claim_feature="湿度85%以上", accused_feature="湿度90%", exhibit_id=shared.id
    )
    charts.submit(sent, p["claimant"])
    # The claimant's side asks the intermediate court to preserve evidence (the respondent is not told).
    court = p["court"].organisation
    preservation.request_preservation(
        case, p["lawyer"], court=court, target="被申请人车间的发酵记录", reason="可能被销毁", exhibits=[kept]
    )
    # The investigator answers the open question; the respondent asks for the investigator's recusal.
    question = opinions.open_questions(case)[0]
    opinions.file_opinion(
        case,
        p["investigator"],
        question_ids=[question.id],
        analysis="被诉工艺的温度、湿度参数落入权利要求1的范围。",
        conclusion="落入保护范围。",
        attachments=[("检测照片.png", PNG)],
    )
    investigator_seat = next(a for a in case.assignments if a.seat == Seat.TECHNICAL_INVESTIGATOR)
    experts.request_recusal(investigator_seat, p["respondent"], "技术调查官曾为申请人提供咨询。")
    extending.propose_extension(case, mediator, reason="双方正在协商赔偿数额。", days=5)
    handover.record_fact(case, mediator, "被申请人自2025年起使用冷发酵工艺生产六堡茶。")
    # A file in the joint room, one in the claimant's caucus; a session in each.
    joint, caucus = (
        next(r for r in rooms.ensure_rooms(case) if r.kind == k)
        for k in (RoomKind.JOINT, RoomKind.CAUCUS_CLAIMANT)
    )
    rooms.set_open(caucus, mediator, True)
    rooms.share_file(joint, p["claimant"], "产品照片.png", PNG)
    rooms.share_file(caucus, p["lawyer"], "底价说明.pdf", PDF)
    start = utcnow() + timedelta(days=3)
    sides = [p["claimant"], p["lawyer"], p["respondent"], p["agent"]]
    sessions.schedule(
        joint,
        mediator,
        starts_at=start,
        duration_minutes=60,
        agenda="联合调解",
        participant_ids=[u.id for u in sides],
    )
    sessions.schedule(
        caucus,
        mediator,
        starts_at=start + timedelta(hours=2),
        duration_minutes=30,
        agenda="背对背：申请人的底价",
        participant_ids=[p["claimant"].id, p["lawyer"].id],
    )


def _breach_and_enforcement(p):
    """Two days on, the claimant finds the undertaking to stop using the mark broken and applies to the
    confirming court for enforcement."""
    from odr.agreements import performance
    from odr.agreements.models import Agreement, ObligationKind

    case = _case(CONFIRMED)
    agreement = db.session.scalar(sa.select(Agreement).where(Agreement.case_id == case.id))
    undertaking = next(o for o in performance.obligations_of(agreement) if o.kind == ObligationKind.ONGOING)
    with freeze_time(utcnow() + timedelta(days=2)):
        performance.report_breach(
            undertaking,
            p["claimant"],
            text="被申请人仍在门店使用近似标识。",
            observed_on=undertaking.starts_on,
            filename="门店照片.png",
            data=PNG,
        )
        performance.apply_for_enforcement(
            agreement, p["lawyer"], facts="被申请人违反停止使用近似标识的承诺。"
        )


def _materials_supplied(p):
    """A dispute the intermediate court delegates settles with mediator2; the parties apply to that
    court, which asks for materials and receives them. (A case of its own: the delegated demo case
    stays in mediation, with the forms it shows there.)"""
    from decimal import Decimal

    from odr.agreements import confirmation
    from odr.agreements import operations as agreements
    from odr.cases import operations as cases
    from odr.experts import operations as experts
    from odr.experts.models import Seat

    mediator, claimant, respondent = p["mediator2"], p["claimant"], p["respondent"]
    delegated = _case(DELEGATED)
    case = cases.file_case(
        claimant,
        organisation=delegated.organisation,
        title="“茂圣”商标包装侵权纠纷（法院委派，待补充材料）",
        ip_type="trademark",
        dispute_kind="infringement",
        industry="liubao_tea",
        place="market",
        claim_amount=Decimal("20000.00"),
        remedies="停止使用近似包装，赔偿 20,000 元。",
        facts="被申请人在茶城门店销售使用近似“茂圣”包装的六堡茶。",
        respondents=[
            {
                "kind": "company",
                "name": respondent.name,
                "credit_code": respondent.credit_code,
                "phone": "13900000000",
                "email": respondent.email,
                "representative": respondent.legal_representative,
            }
        ],
        online_consent=True,
        channel="court_delegated",
        delegating_court=delegated.delegating_court,
    )
    cases.accept_case(case, p["clerk"])
    cases.answer_invitation(case, respondent, consent=True)
    experts.accept(experts.propose(case, Seat.MEDIATOR, mediator, actor=p["clerk"]), mediator)
    debtor, creditor = case.respondents[0], case.claimants[0]
    due = (local(utcnow()).date() + timedelta(days=20)).isoformat()
    agreement = agreements.start_agreement(case, mediator)
    agreements.save_version(
        agreement,
        mediator,
        facts="被申请人承认销售侵权商品，愿意赔偿。",
        items=[
            {
                "key": "payment",
                "values": {
                    "debtor": str(debtor.id),
                    "creditor": str(creditor.id),
                    "amount": "20000.00",
                    "due": due,
                    "purpose": "赔偿经济损失",
                    "method": "银行转账",
                },
            },
            {"key": "costs", "values": {"allocation": "调解费用由被申请人承担。"}},
        ],
    )
    agreements.share_version(agreement, mediator)
    agreements.finalise(agreement, mediator)
    password = current_app.config["DEMO_PASSWORD"]
    for signer in (claimant, respondent, mediator):
        agreements.sign(agreement, signer, version_id=agreement.final_version_id, password=password)
    application = confirmation.apply_for_confirmation(
        agreement, claimant, court_id=case.delegating_court_id, facts_and_reasons="请求确认调解协议有效。"
    )
    confirmation.join(application, respondent)
    confirmation.court_accepts(application, p["court"], f"（{local(utcnow()).year}）桂04民特19号")
    confirmation.request_materials(application, p["court"], "请提交被申请人的营业执照副本。")
    confirmation.supply_materials(
        application, respondent, reply="营业执照副本见附件。", filename="营业执照.pdf", data=PDF
    )


def _challenge(p):
    """The respondent challenges the sole arbitrator; the commission has yet to decide."""
    from odr.arbitration import tribunal
    from odr.arbitration.models import ArbitrationCase

    case = _case(ARBITRATING)
    arbitration = db.session.scalar(sa.select(ArbitrationCase).where(ArbitrationCase.case_id == case.id))
    seat = arbitration.seats[0]
    tribunal.challenge(seat, p["respondent"], "仲裁员曾担任申请人的法律顾问。")


def _staff_desks(p):
    """A typical case in this year's report, a newcomer's identity documents waiting for the clerk, and
    a second signed-in session of the claimant's."""
    from odr.accounts import operations as accounts
    from odr.accounts.sessions import token_for_test
    from odr.identity import operations as identity
    from odr.identity.models import DocumentKind
    from odr.stats import typical

    typical.choose(local(utcnow()).year, _case(CONFIRMED).number, p["admin"])
    newcomer = accounts.register_party(
        email="newcomer@example.com",
        password=current_app.config["DEMO_PASSWORD"],
        name="林新来",
        party_kind="person",
        phone="13700000000",
        locale="zh_CN",
        id_number=_id_number("45040019920304123"),
    )
    identity.submit_documents(newcomer, [(DocumentKind.IDENTITY_DOCUMENT.value, "身份证.png", PNG)])
    token_for_test(p["claimant"])


# Posting a form as a browser would --------------------------------------------------------------------

ACTION = re.compile(r"<form\b[^>]*\baction=\"([^\"]*)\"", re.IGNORECASE)


def _path(action: str, page: str) -> str:
    return unescape(action).split("?")[0].split("#")[0] or page.split("?")[0]


class FormBook:
    """The POST forms the pages of a sweep show, kept by the path they post to and by endpoint, for the
    paths (and their endpoints) the sweep will post to."""

    def __init__(self, adapter, paths):
        self.adapter = adapter
        self.paths = set(paths)
        self.by_path, self.by_endpoint, self._endpoints = {}, {}, {}
        self.endpoints = {self.endpoint(p) for p in self.paths}

    def endpoint(self, path):
        if path not in self._endpoints:
            try:
                self._endpoints[path] = self.adapter.match(path, method="POST")[0]
            except HTTPException:
                self._endpoints[path] = None
        return self._endpoints[path]

    def _wanted(self, path):
        if path in self.paths and path not in self.by_path:
            return True
        endpoint = self.endpoint(path)
        return endpoint in self.endpoints and endpoint not in self.by_endpoint

    def read(self, html: str, page: str):
        """Keep the wanted forms of the page at PAGE."""
        actions = {_path(a, page) for a in ACTION.findall(html)}
        if html.count("<form") > len(actions):
            actions.add(page.split("?")[0])  # a form without an action posts back to its page
        if not any(self._wanted(a) for a in actions):
            return
        for form in forms(html):
            path = _path(form.action, page)
            if form.method != "post" or not self._wanted(path):
                continue
            if path in self.paths:
                self.by_path.setdefault(path, form)
            self.by_endpoint.setdefault(self.endpoint(path), form)

    def has(self, path) -> bool:
        return path in self.by_path

    def form_for(self, path, endpoint):
        """The form a page shows for PATH, else one it shows for another object of the same route."""
        return self.by_path.get(path) or self.by_endpoint.get(endpoint)


def pages_above(adapter, path: str, case_id) -> list[str]:
    """The pages a form posting to PATH may be on: each page above it (/claim-charts/3 for
    /claim-charts/3/rows/5/delete), then the case page."""
    found = []
    parts = path.rstrip("/").split("/")
    for n in range(len(parts) - 1, 1, -1):
        page = "/".join(parts[:n])
        try:
            adapter.match(page, method="GET")
        except HTTPException:
            continue
        found.append(page)
    if case_id is not None:
        found.append(adapter.build("cases.show", {"case_id": case_id}))
    return found


def as_posted(form, password: str) -> dict:
    """The test client's arguments for posting FORM filled in (or nothing, for no form)."""
    if form is None:
        return {"data": {}}
    data = typed(form, password)
    if form.enctype == "multipart/form-data":
        return {"data": MultiDict(data), "content_type": "multipart/form-data"}
    return {"data": MultiDict([(k, v) for k, v in data if not isinstance(v, tuple)])}


def typed(form, password: str) -> list:
    """What a user who fills in every box of FORM sends: a plausible value in each empty box, the
    first choice where nothing is chosen, each box ticked, a small PDF in each file box, and the first
    button."""
    today = local(utcnow()).date()
    values = {}
    radios = {}
    for kind, name, default, attrs in form.fields:
        if kind == "radio":
            radios.setdefault(name, []).append((default, "checked" in attrs))
            continue
        if kind == "checkbox":
            values.setdefault(name, []).append(default)
            continue
        if kind in ("hidden", "file", "select") or default.strip():
            continue
        values[name] = {
            "date": today.isoformat(),
            "datetime-local": f"{today + timedelta(days=3)}T10:00",
            "time": "10:00",
            "number": attrs.get("min") or "1",
            "email": "someone@example.com",
            "password": password,
            "tel": "13800000000",
            "url": "https://example.com/",
        }.get(kind, "依据合同约定，理由如下。")
    for name, offered in radios.items():
        if not any(checked for _value, checked in offered):
            values[name] = offered[0][0]
    for name, chosen in form.options.items():
        kind_attrs = next(a for k, n, _v, a in form.fields if n == name)
        if "multiple" in kind_attrs and not any(s for _v, s in chosen) and chosen:
            values[name] = [chosen[0][0]]
    button = None
    if form.buttons:
        first = form.buttons[0]
        button = first[0] or first[2] or None
    data = fill(form, values, button=button)
    return [(k, (io.BytesIO(PDF), "材料.pdf")) if isinstance(v, tuple) else (k, v) for k, v in data]


# What a request changed ---------------------------------------------------------------------------


class Changes:
    """The tables a request wrote to and committed, besides the sign-in bookkeeping (a session's last
    activity). What a refused request flushed and then rolled back is no change."""

    BOOKKEEPING = {"last_seen_at", "ip"}

    def __init__(self):
        self.changed, self.pending = set(), set()

    def reset(self):
        self.changed, self.pending = set(), set()

    def _bookkeeping(self, obj):
        if getattr(obj, "__tablename__", None) != "login_sessions":
            return False
        state = sa.inspect(obj)
        touched = {a.key for a in state.attrs if a.history.has_changes()}
        return touched <= self.BOOKKEEPING

    def _flush(self, session, context, instances):
        for obj in [*session.new, *session.deleted, *(o for o in session.dirty if session.is_modified(o))]:
            if not self._bookkeeping(obj):
                self.pending.add(getattr(obj, "__tablename__", type(obj).__name__))

    def _execute(self, state):
        if state.is_insert or state.is_update or state.is_delete:
            table = getattr(getattr(state.statement, "table", None), "name", "?")
            if table != "login_sessions":
                self.pending.add(table)

    def _commit(self, session):
        self.changed |= self.pending
        self.pending = set()

    def _rollback(self, session, previous_transaction):
        if not previous_transaction.nested:
            self.pending = set()

    EVENTS = (
        ("before_flush", "_flush"),
        ("do_orm_execute", "_execute"),
        ("after_commit", "_commit"),
        ("after_soft_rollback", "_rollback"),
    )

    def __enter__(self):
        for event, method in self.EVENTS:
            sa.event.listen(Session, event, getattr(self, method))
        return self

    def __exit__(self, *exc):
        for event, method in self.EVENTS:
            sa.event.remove(Session, event, getattr(self, method))
