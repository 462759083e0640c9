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
from tests.test_agreement_pdf import agreement_data, application_data, enforcement_data, ruling_data
from tests.test_arbitration_pdf import consent_award_data, contested_award_data, hearing_data

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
