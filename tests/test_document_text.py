"""Every kind of document the platform produces, rendered from data as the platform gathers it, its
text extracted and read the way a court clerk or an arbitration secretary reads it: no doubled
punctuation ("仲裁。，以及"), no doubled numbering ("1．1. 赔偿"), no line that starts with closing
punctuation. User text typed with its own numbering and full stops is part of the data."""

import re
from datetime import UTC, datetime
from io import BytesIO

import pytest
from pypdf import PdfReader

from odr.agreements.pdf import (
    render_agreement,
    render_confirmation_application,
    render_enforcement_application,
    render_ruling,
    render_signed_agreement,
)
from odr.arbitration.pdf import render_award, render_hearing_record
from odr.experts.pdf import render_technical_opinion
from tests import evidence_support
from tests.test_agreement_pdf import agreement_data, application_data, enforcement_data, ruling_data
from tests.test_arbitration_pdf import consent_award_data, contested_award_data, hearing_data

docket = evidence_support.docket  # the fixture

CLOSING = set("，。；：、！？）》」』】,.;:!?)")
# Chinese punctuation doubled, or mixed with its ASCII twin (an IPv6 address's "::" is not punctuation).
DOUBLED_PUNCTUATION = re.compile(r"[，。；：、]{2,}|[。！？][，；：、,;:]|[，；：、][,;:]|[,;:][，。；：、]")
DOUBLED_NUMBERING = re.compile(
    r"\d+\s*[．.、]\s*\d+\s*[．.、]\s*(?!\d)"
    r"|[一二三四五六七八九十]+、\s*[一二三四五六七八九十]+、"
    r"|[（(][一二三四五六七八九十\d]+[)）]\s*[（(][一二三四五六七八九十\d]+[)）]"
    r"|[一二三四五六七八九十]+、\s*\d+\s*[．.、]"
    r"|\d+\s*[．.、]\s*[（(]\d+[)）]"
)


def _signatures():
    from tests.test_agreement_pdf import signature

    digest = "5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8"
    return [
        signature("申请人", "梧州某茶业有限公司", "梁振华", 1, digest),
        signature("被申请人", "陈国栋", "陈国栋", 2, digest),
        signature("调解员", None, "李明远", 3, digest),
    ]


def _documents():
    """(name, PDF bytes) for every kind of document, with the user text a real case brings: claims
    typed with their own numbers, a basis and a title ending in a full stop."""
    from tests.test_pdf import ANALYSIS

    messy = {
        "claims": ["1. 赔偿经济损失50000元。", "2、停止侵权", "（3）承担本案仲裁费用"],
        "arbitration_basis": "申请人与被申请人签订的《商标许可合同》第九条约定的仲裁条款：争议提交梧州仲裁委员会仲裁。",
        "case_title": "商标许可使用费纠纷。",
        "decisions": ["1. 被申请人向申请人支付赔偿金人民币30,000.00元；", "二、驳回申请人的其他仲裁请求。"],
    }
    opinion = {
        "case_number": "WZIP-2026-000123",
        "case_title": "梧州某茶业有限公司诉广西某机械制造有限公司侵害发明专利权纠纷",
        "ip_type_label": "发明专利",
        "investigator_name": "李明远",
        "organisation_name": "梧州市知识产权保护中心",
        "filed_at": datetime(2026, 11, 26, 2, 30, tzinfo=UTC),
        "questions": ["1. 被诉侵权产品是否落入权利要求1的保护范围？", "2、检测方法是否符合要求？"],
        "analysis": ANALYSIS,
        "conclusion": "被诉侵权产品落入涉案专利权的保护范围。",
        "attachments": [{"name": "技术比对报告.pdf", "sha256": "9f86d081884c7d65" * 4, "size": 2_457_913}],
        "visibility_label": "仅调解员可见",
    }
    signed_data = agreement_data() | {"effective_at": datetime(2026, 12, 1, 2, 0, tzinfo=UTC)}
    return [
        ("调解协议书", render_agreement(agreement_data())),
        ("调解协议书（已签署）", _signed(signed_data)),
        ("司法确认申请书", render_confirmation_application(application_data())),
        ("民事裁定书（确认）", render_ruling(ruling_data())),
        (
            "民事裁定书（驳回）",
            render_ruling(
                ruling_data(
                    outcome="rejected",
                    grounds=[
                        "违反自愿原则（《最高人民法院关于适用〈中华人民共和国民事诉讼法〉的解释》第三百五十八条第四项）"
                    ],
                    explanation="被申请人称签署时受到胁迫。",
                )
            ),
        ),
        ("强制执行申请书", render_enforcement_application(enforcement_data())),
        ("裁决书", render_award(contested_award_data(**messy))),
        (
            "裁决书（和解）",
            render_award(consent_award_data(**{k: v for k, v in messy.items() if k != "decisions"})),
        ),
        ("庭审笔录", render_hearing_record(hearing_data())),
        ("技术审查意见书", render_technical_opinion(opinion)),
    ]


def _signed(data):
    return render_signed_agreement(data, _signatures())


def lines_of(pdf: bytes) -> list[str]:
    return [
        line.strip()
        for page in PdfReader(BytesIO(pdf)).pages
        for line in page.extract_text().splitlines()
        if line.strip()
    ]


@pytest.mark.parametrize(("name", "pdf"), _documents(), ids=lambda v: v if isinstance(v, str) else "")
def test_a_document_reads_cleanly(app, name, pdf):
    lines = lines_of(pdf)
    assert lines, name
    text = "".join(lines)
    assert not DOUBLED_PUNCTUATION.findall(text), (name, DOUBLED_PUNCTUATION.findall(text))
    assert not DOUBLED_NUMBERING.findall(text), (name, DOUBLED_NUMBERING.findall(text))
    assert [line for line in lines if line[0] in CLOSING] == [], name


def test_claims_typed_with_numbers_are_numbered_once(app):
    text = "".join(lines_of(dict(_documents())["裁决书"]))
    assert "1．赔偿经济损失50000元。" in text and "2．停止侵权" in text and "3．承担本案仲裁费用" in text
    assert "一、被申请人向申请人支付赔偿金" in text and "二、驳回申请人的其他仲裁请求" in text
    assert "争议提交梧州仲裁委员会仲裁，以及申请人" in text
    assert "之间的商标许可使用费纠纷一案" in text


def test_the_checks_catch_what_a_clerk_objects_to():
    assert DOUBLED_PUNCTUATION.search("提交梧州仲裁委员会仲裁。，以及")
    assert DOUBLED_NUMBERING.search("1．1. 赔偿经济损失")
    assert DOUBLED_NUMBERING.search("一、一、驳回")
    assert not DOUBLED_NUMBERING.search("支付人民币30,000.00元；1．停止侵权")
    assert not DOUBLED_PUNCTUATION.search("（¥500,000.00）。")


# The documents built from a case's records: each is produced the way the platform produces it (the
# operations and the pages), its text read from the PDF with pdftotext as well as pypdf, and held to
# the same rules, plus those a clerk adds for a file: no programming leftovers ("None", "{name}",
# "2026-11-20T02:00:00+00:00", "&amp;") and dates written as a clerk writes them.

# The audit checkpoint printed on a document gives its time exactly as signed (UTC, ISO 8601), to be
# typed into the public check page: a value to copy, labelled 时间, not a leftover.
CHECKPOINT_TIME = re.compile(r"时间\s*\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z")
LEFTOVERS = re.compile(
    r"\bNone\b|\bTrue\b|\bFalse\b|\bnan\b|%\(|\{[a-z_]+\}|\d{4}-\d\d-\d\dT\d\d|[+-]00:00\b|&(amp|lt|gt|quot|#\d+);"
)


def pdftotext_lines(pdf: bytes) -> list[str]:
    import subprocess

    out = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    return [line.strip() for line in out.splitlines() if line.strip()]


def read_as_a_clerk(name: str, pdf: bytes) -> str:
    """Fail on what a clerk objects to in NAME; return its text (pypdf) for further checks."""
    assert pdf.startswith(b"%PDF"), name
    for lines in (lines_of(pdf), pdftotext_lines(pdf)):
        assert lines, name
        text = "".join(lines)
        assert not DOUBLED_PUNCTUATION.findall(text), (name, DOUBLED_PUNCTUATION.findall(text))
        assert not DOUBLED_NUMBERING.findall(text), (name, DOUBLED_NUMBERING.findall(text))
        assert [line for line in lines if line[0] in CLOSING] == [], name
        plain = CHECKPOINT_TIME.sub("时间", "\n".join(lines))
        assert not LEFTOVERS.search(plain), (name, LEFTOVERS.findall(plain))
    return "".join(lines_of(pdf))


@pytest.fixture
def failed_with_sessions(db, make_case, make_user, make_client, clerk, claimant, respondent, make_org):
    """A court-delegated case whose period ran out after a session with minutes one side confirmed,
    messages in the joint room and facts recorded: failed and handed over."""
    import sqlalchemy as sa
    from freezegun import freeze_time

    from odr.accounts.models import OrgKind
    from odr.handover import operations as handover_ops
    from odr.rooms import operations as rooms
    from odr.rooms import sessions
    from odr.rooms.models import Room, RoomKind
    from tests.deadline_support import T0, end_of, mediating_case, sweep_at

    court = make_org(OrgKind.INTERMEDIATE_COURT, name="梧州市中级人民法院（测试）")
    case, mediator = mediating_case(
        db, make_case, make_user, clerk, respondent, channel="court_delegated", delegating_court=court
    )
    joint = db.session.scalar(sa.select(Room).where(Room.case_id == case.id, Room.kind == RoomKind.JOINT))
    from datetime import timedelta

    with freeze_time(T0 + timedelta(days=1)):
        rooms.set_open(joint, mediator, True)
        session = sessions.schedule(
            joint,
            mediator,
            starts_at=T0 + timedelta(days=2),
            duration_minutes=60,
            agenda="1. 核对侵权事实；2. 协商赔偿数额。",
            participant_ids=[claimant.id, respondent.id],
        )
    with freeze_time(T0 + timedelta(days=2, hours=2)):
        sessions.record_attendance(session, mediator, [claimant.id, respondent.id, mediator.id])
        rooms.post_message(joint, claimant, "请求赔偿五万元。", "m1")
        rooms.post_message(joint, respondent, "只能接受一万元，", "m2")
        minutes = sessions.write_minutes(
            session, mediator, "一、双方确认被申请人在网店销售涉案茶叶。\n二、双方就赔偿数额分歧较大。"
        )
        sessions.answer_minutes(minutes, claimant, agreed=True)
        sessions.answer_minutes(minutes, respondent, agreed=False, objection="销售数量记录有误。")
        fact = handover_ops.record_fact(case, mediator, "被申请人于2026年9月在其网店销售标注“六堡茶”的茶叶。")
        handover_ops.answer_fact(fact, case, claimant, confirmed=True)
        handover_ops.answer_fact(fact, case, respondent, confirmed=True)
    assert sweep_at(db, end_of("2026-11-17")) >= 1
    db.session.expire_all()
    return {"case": case, "mediator": mediator, "session": session, "joint": joint}


def test_the_handover_summary_reads_as_a_clerk_reads_it(db, failed_with_sessions):
    from odr.core import storage
    from odr.handover import operations as handover_ops

    case = failed_with_sessions["case"]
    text = read_as_a_clerk("调解不成移交材料", storage.read(handover_ops.handover_of(case).pdf_sha256))
    assert "未举行调解会议" not in text and "核对侵权事实" in text
    assert "（未经全部参会人员确认）" in text


def test_the_session_record_and_the_room_transcript_read_cleanly(db, make_client, failed_with_sessions):
    mediator = make_client(failed_with_sessions["mediator"])
    record = mediator.get(f"/sessions/{failed_with_sessions['session'].id}/record.pdf")
    transcript = mediator.get(f"/rooms/{failed_with_sessions['joint'].id}/transcript.pdf")
    assert record.status_code == 200 and transcript.status_code == 200
    text = read_as_a_clerk("调解笔录", record.data)
    assert "调解笔录" in text and "双方就赔偿数额分歧较大" in text and "销售数量记录有误" in text
    text = read_as_a_clerk("调解室记录", transcript.data)
    assert "只能接受一万元" in text


def test_the_deposit_receipt_the_evidence_list_and_the_claim_chart_read_cleanly(db, make_client, docket):
    from odr.core import storage
    from odr.evidence import charts, operations
    from tests.evidence_support import PNG, deposit

    d = docket()
    case = d["case"]
    exhibit = deposit(
        case, d["claimant"], title="公证购买的被诉产品及发票。", proves="1. 被申请人销售了被诉侵权产品。"
    )
    photo = deposit(case, d["claimant"], data=PNG, filename="揉盘照片.png", title="被诉揉捻机揉盘照片")
    text = read_as_a_clerk("存证回执", storage.read(exhibit.receipt_sha256))
    assert exhibit.sha256[:16] in text
    listing = make_client(d["claimant"]).get(f"/cases/{case.id}/evidence/list.pdf")
    assert listing.status_code == 200
    read_as_a_clerk("证据目录", listing.data)

    chart = charts.create_chart(
        case, d["claimant"], claim="权利要求1。", accused_product="JX-45 型六堡茶揉捻机"
    )
    charts.add_row(
        chart,
        d["claimant"],
        claim_feature="1. 一种六堡茶揉捻机，包括机架和揉桶；",
        accused_feature="被诉产品设有机架和揉桶。",
        exhibit_id=photo.id,
    )
    charts.add_row(
        chart, d["claimant"], claim_feature="棱骨截面为半圆形", accused_feature="被诉产品棱骨截面为梯形"
    )
    operations.change_visibility(photo, d["claimant"], "share")
    charts.submit(chart, d["claimant"])
    first, second = chart.rows
    charts.answer_row(first, d["respondent"], "agreed", None)
    charts.answer_row(second, d["respondent"], "disputed", "梯形与半圆形不同。")
    response = make_client(d["claimant"]).get(f"/claim-charts/{chart.id}/pdf")
    assert response.status_code == 200
    text = read_as_a_clerk("技术特征比对表", response.data)
    assert "一种六堡茶揉捻机" in text and "梯形与半圆形不同" in text


def test_the_annual_report_reads_cleanly(db, stats_data):
    from odr.stats import report
    from odr.stats.report_pdf import render_annual_report

    text = read_as_a_clerk("年度报告", render_annual_report(report.annual_data(2026)))
    assert "2026年度梧州市知识产权保护报告" in text
