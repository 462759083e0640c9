"""Arbitral award and hearing record PDFs: content, line breaking, page numbers, bytes."""

from datetime import UTC, datetime

import pytest

from odr.arbitration.pdf import FINALITY, render_award, render_hearing_record
from odr.core.pdf import FONT_ENV, PLATFORM_NAME, cjk_font
from tests.test_agreement_pdf import (
    CLOSING,
    LONG_CLAUSE,
    OPENING,
    all_text,
    company,
    pages_text,
    person,
    squashed,
)

ENFORCEMENT = "向有管辖权的人民法院申请执行"


@pytest.fixture(params=["embedded", "builtin"])
def font(request, monkeypatch):
    """Rendering tests that depend on glyph widths run with the embedded font and with STSong-Light."""
    if request.param == "builtin":
        monkeypatch.setenv(FONT_ENV, "STSong-Light")
    else:
        monkeypatch.delenv(FONT_ENV, raising=False)
        if not cjk_font().embedded:
            pytest.skip("no TrueType CJK font installed")
    return cjk_font()


def consent_award_data(**overrides):
    """A consent award by a sole arbitrator under the summary procedure."""
    data = {
        "commission_name": "梧州仲裁委员会",
        "award_number": "（2026）梧仲裁字第12号",
        "kind": "consent_award",
        "arbitration_case_number": "（2026）梧仲案字第31号",
        "platform_case_number": "WZIP-2026-000123",
        "case_title": "侵害发明专利权纠纷",
        "claimants": [company()],
        "respondents": [person()],
        "arbitration_basis": "申请人与被申请人于2026年11月28日签订的《调解协议书》第五条约定的仲裁条款",
        "applied_at": datetime(2026, 12, 1, 2, 0, tzinfo=UTC),
        "tribunal": [{"role_label": "独任仲裁员", "name": "覃思远"}],
        "formed_at": datetime(2026, 12, 4, 3, 0, tzinfo=UTC),
        "track_label": "简易程序",
        "hearings": [{"held_at": datetime(2026, 12, 10, 2, 0, tzinfo=UTC), "place": "线上仲裁庭"}],
        "claims": [
            "裁决被申请人停止侵害申请人的发明专利权；",
            "裁决被申请人赔偿申请人经济损失人民币50,000.00元。",
        ],
        "counterclaims": [],
        "defence": "",
        "facts_found": "",
        "reasons": "",
        "decisions": [
            "被申请人于2026年12月31日前停止制造、销售被诉侵权产品，并销毁库存。",
            "被申请人于2027年1月15日前向申请人支付赔偿金人民币30,000.00元。",
        ],
        "settlement_terms": [
            {"title": "停止侵权", "text": "被申请人停止制造、销售被诉侵权产品，并销毁库存。"},
            {"title": "赔偿损失", "text": "被申请人向申请人支付赔偿金人民币30,000.00元。"},
        ],
        "costs": "本案仲裁费人民币1,150.00元，由申请人与被申请人各半负担。",
        "issued_at": datetime(2026, 12, 20, 17, 0, tzinfo=UTC),  # 01:00 on the 21st in Beijing
        "dissent": None,
        "signatures": [{"role_label": "独任仲裁员", "name": "覃思远"}],
        "secretary_name": "莫晓雯",
    }
    return data | overrides


def contested_award_data(**overrides):
    """A contested award by three arbitrators, one of whom dissents, with a counterclaim."""
    tribunal = [
        {"role_label": "首席仲裁员", "name": "黎国华"},
        {"role_label": "仲裁员", "name": "蒙雅琴"},
        {"role_label": "仲裁员", "name": "苏振邦"},
    ]
    data = consent_award_data(
        kind="award",
        award_number="（2026）梧仲裁字第15号",
        tribunal=tribunal,
        track_label="普通程序",
        hearings=[
            {"held_at": datetime(2026, 12, 10, 2, 0, tzinfo=UTC), "place": "线上仲裁庭"},
            {"held_at": datetime(2026, 12, 17, 6, 30, tzinfo=UTC), "place": "梧州仲裁委员会第一仲裁庭"},
        ],
        counterclaims=["裁决申请人返还被申请人已支付的技术许可费人民币8,000.00元。"],
        defence="被诉侵权产品使用的是现有技术，不落入涉案专利的保护范围。\n\n申请人主张的赔偿数额过高。",
        facts_found="申请人系ZL202110123456.7号发明专利的专利权人。\n\n被申请人自2025年起制造、销售被诉侵权产品。",
        reasons="被诉侵权产品的技术方案落入涉案专利权利要求1的保护范围，被申请人的现有技术抗辩不能成立。",
        decisions=[
            "被申请人立即停止制造、销售侵害申请人ZL202110123456.7号发明专利权的产品。",
            "被申请人于本裁决作出之日起十日内向申请人支付赔偿金人民币40,000.00元。",
            "驳回被申请人的全部仲裁反请求。",
        ],
        settlement_terms=[],
        costs="本案本请求仲裁费人民币2,300.00元、反请求仲裁费人民币500.00元，均由被申请人负担。",
        dissent={
            "arbitrator_name": "苏振邦",
            "text": "本人认为，被申请人提交的证据足以证明现有技术抗辩成立，应当驳回申请人的全部仲裁请求。",
        },
        signatures=tribunal,
    )
    return data | overrides


def test_consent_award_by_a_sole_arbitrator():
    data = consent_award_data()
    pdf = render_award(data)
    text = all_text(pdf)
    for expected in (
        "梧州仲裁委员会",
        "裁决书",
        "（2026）梧仲裁字第12号",
        "申请人：梧州某茶业有限公司（法人或其他组织），统一社会信用代码：91450400MA5L2X8Y3K",
        "委托代理人：王晓岚，广西某某律师事务所",
        "被申请人：陈国栋（自然人），公民身份号码：450403198507150012。",
        "根据申请人与被申请人于2026年11月28日签订的《调解协议书》第五条约定的仲裁条款",
        "于2026年12月1日向本会提交的书面仲裁申请",
        "案号为（2026）梧仲案字第31号",
        "调解案号：WZIP-2026-000123",
        "本案适用简易程序审理。2026年12月4日，由独任仲裁员覃思远组成仲裁庭",
        "仲裁庭于2026年12月10日在线上仲裁庭开庭审理了本案",
        "双方当事人自行达成和解协议，并请求仲裁庭根据和解协议的内容作出裁决",
        "一、案情",
        "1．裁决被申请人停止侵害申请人的发明专利权；",
        "第一条停止侵权",
        "第二条赔偿损失",
        "二、仲裁庭意见",
        "三、裁决",
        "仲裁庭根据双方当事人的和解协议，裁决如下：",
        "三、本案仲裁费人民币1,150.00元，由申请人与被申请人各半负担。",
        FINALITY,
        "独任仲裁员覃思远二〇二六年十二月二十一日（仲裁委员会印章）仲裁秘书莫晓雯",
    ):
        assert expected in text
    for n, decision in zip("一二", data["decisions"], strict=True):
        assert f"{n}、{decision}" in text
    assert ENFORCEMENT not in text
    assert "不同意见" not in text
    assert "经审理查明" not in text


def test_contested_award_by_three_arbitrators_with_a_dissent():
    data = contested_award_data()
    text = all_text(render_award(data))
    for expected in (
        "（2026）梧仲裁字第15号",
        "本案适用普通程序审理。2026年12月4日，由首席仲裁员黎国华、仲裁员蒙雅琴、仲裁员苏振邦组成仲裁庭",
        "仲裁庭于2026年12月10日在线上仲裁庭，2026年12月17日在梧州仲裁委员会第一仲裁庭开庭审理了本案",
        "被申请人陈国栋答辩称：被诉侵权产品使用的是现有技术",
        "申请人主张的赔偿数额过高。",
        "被申请人陈国栋提出如下仲裁反请求：1．裁决申请人返还被申请人已支付的技术许可费人民币8,000.00元。",
        "经审理查明：申请人系ZL202110123456.7号发明专利的专利权人。",
        "仲裁庭认为：被诉侵权产品的技术方案",
        "综上，依照《中华人民共和国仲裁法》的有关规定，仲裁庭裁决如下：",
        "四、本案本请求仲裁费人民币2,300.00元",
        "本裁决系根据仲裁庭多数仲裁员的意见作出。仲裁员苏振邦对本裁决持不同意见",
        squashed(data["dissent"]["text"]),
        "首席仲裁员黎国华仲裁员蒙雅琴仲裁员苏振邦二〇二六年十二月二十一日（仲裁委员会印章）仲裁秘书莫晓雯",
    ):
        assert expected in text
    for n, decision in zip("一二三", data["decisions"], strict=True):
        assert f"{n}、{decision}" in text
    assert "和解协议" not in text
    # Decision, finality and enforcement, then the dissent, then the signatures.
    order = [
        text.index(f"三、{data['decisions'][2]}"),
        text.index(FINALITY),
        text.index(ENFORCEMENT),
        text.index("仲裁员不同意见"),
        text.index(squashed(data["dissent"]["text"])),
        text.index("首席仲裁员黎国华仲裁员蒙雅琴"),
    ]
    assert order == sorted(order)


def test_award_without_hearings_or_mediation_case_or_secretary():
    data = consent_award_data(hearings=[], platform_case_number=None, secretary_name=None)
    text = all_text(render_award(data))
    assert "依据书面材料对本案进行了审理" in text
    assert "调解案号" not in text
    assert text.endswith("（仲裁委员会印章）仲裁秘书")  # the secretary's line stays, blank


def test_long_award_keeps_the_line_breaking_rules_and_numbers_every_page(font):
    paragraphs = [LONG_CLAUSE[shift:].lstrip(CLOSING) for shift in range(0, 40, 3)]
    data = contested_award_data(
        facts_found="\n\n".join(paragraphs[:6]),
        reasons="\n\n".join(paragraphs[6:]),
        decisions=paragraphs[:5],
        dissent={"arbitrator_name": "苏振邦", "text": "\n\n".join(paragraphs[5:9])},
    )
    pages = pages_text(render_award(data, font=font))
    assert len(pages) >= 4
    for number, page in enumerate(pages, start=1):
        assert f"第 {number} 页 共 {len(pages)} 页" in page
        assert not page.lstrip().startswith(
            PLATFORM_NAME
        )  # no platform running head on the commission's document
    lines = [line.strip() for page in pages for line in page.splitlines() if line.strip()]
    assert [line for line in lines if line[0] in CLOSING] == []
    assert [line for line in lines if line[-1] in OPENING] == []
    assert sum(line[-1] in CLOSING for line in lines) > 20  # the marks did fall at line ends
    text = all_text(render_award(data, font=font))
    for paragraph in paragraphs:
        assert squashed(paragraph) in text  # nothing lost or doubled across lines and pages
    for n, decision in zip("一二三四五", data["decisions"], strict=True):
        assert squashed(f"{n}、{decision}") in text


def test_same_award_renders_to_the_same_bytes(font):
    first = render_award(contested_award_data(), font=font)
    assert render_award(contested_award_data(), font=font) == first
    assert render_award(contested_award_data(award_number="（2026）梧仲裁字第16号"), font=font) != first


def test_user_text_in_an_award_is_shown_literally():
    data = contested_award_data(
        case_title="A&B <公司> 纠纷",
        decisions=["<b>被申请人</b> 支付 a<b & c>d 元。"],
        dissent={"arbitrator_name": "苏&振<邦>", "text": "x&amp;y <br/> 不换行"},
    )
    text = all_text(render_award(data))
    assert "A&B<公司>纠纷" in text
    assert "一、<b>被申请人</b>支付a<b&c>d元。" in text
    assert "仲裁员苏&振<邦>对本裁决持不同意见" in text
    assert "x&amp;y<br/>不换行" in text


def test_an_unknown_kind_of_award_is_refused():
    with pytest.raises(ValueError, match="interim"):
        render_award(consent_award_data(kind="interim"))


def hearing_data(**overrides):
    data = {
        "commission_name": "梧州仲裁委员会",
        "arbitration_case_number": "（2026）梧仲案字第31号",
        "case_title": "梧州某茶业有限公司与陈国栋侵害发明专利权纠纷",
        "held_at": datetime(2026, 12, 10, 2, 0, tzinfo=UTC),
        "ended_at": datetime(2026, 12, 10, 3, 25, tzinfo=UTC),
        "place": "线上仲裁庭",
        "tribunal": [
            {"role_label": "首席仲裁员", "name": "黎国华"},
            {"role_label": "仲裁员", "name": "蒙雅琴"},
            {"role_label": "仲裁员", "name": "苏振邦"},
        ],
        "attendees": [
            {"role_label": "申请人委托代理人", "name": "王晓岚"},
            {"role_label": "被申请人", "name": "陈国栋"},
            {"role_label": "仲裁秘书", "name": "莫晓雯"},
        ],
        "record_text": (
            "首席仲裁员：现在开庭。请核对当事人身份。\n申请人委托代理人：王晓岚，广西某某律师事务所律师。"
            "\n\n首席仲裁员：申请人陈述仲裁请求及事实和理由。\n\n被申请人：我方认为 <现有技术> & 抗辩成立。"
        ),
        "confirmations": [
            {
                "name": "王晓岚",
                "confirmed_at": datetime(2026, 12, 10, 4, 1, 5, tzinfo=UTC),
                "objection": None,
            },
            {"name": "陈国栋", "confirmed_at": None, "objection": "第3页记录的答辩意见不完整。"},
            {"name": "莫晓雯", "confirmed_at": None, "objection": None},
        ],
    }
    return data | overrides


def test_hearing_record():
    data = hearing_data()
    pdf = render_hearing_record(data)
    pages = pages_text(pdf)
    assert all("案号：（2026）梧仲案字第31号" in page for page in pages)
    text = all_text(pdf)
    for expected in (
        "梧州仲裁委员会庭审笔录",
        "仲裁案号（2026）梧仲案字第31号",
        "案件名称梧州某茶业有限公司与陈国栋侵害发明专利权纠纷",
        "开庭时间2026年12月10日10:00",
        "闭庭时间2026年12月10日11:25",
        "开庭地点线上仲裁庭",
        "仲裁庭首席仲裁员黎国华、仲裁员蒙雅琴、仲裁员苏振邦",
        "申请人委托代理人王晓岚",
        "被申请人陈国栋",
        "首席仲裁员：现在开庭。请核对当事人身份。申请人委托代理人：王晓岚",
        "被申请人：我方认为<现有技术>&抗辩成立。",
        "1王晓岚2026年12月10日12:01:05无",
        "2陈国栋未确认第3页记录的答辩意见不完整。",
        "3莫晓雯未确认—",
    ):
        assert expected in text
    assert render_hearing_record(data) == pdf


def test_hearing_record_without_times_or_confirmations():
    data = hearing_data(held_at=None, ended_at=None, confirmations=[], attendees=[], record_text="")
    pdf = render_hearing_record(data)
    text = all_text(pdf)
    assert "开庭时间未记录" in text
    assert "闭庭时间未记录" in text
    assert "（无记录）" in text
    assert render_hearing_record(data) == pdf


def test_long_hearing_record_keeps_the_line_breaking_rules_and_numbers_every_page(font):
    turns = [f"被申请人委托代理人：{LONG_CLAUSE[shift:].lstrip(CLOSING)}" for shift in range(0, 60, 4)]
    data = hearing_data(record_text="\n\n".join(turns))
    pages = pages_text(render_hearing_record(data, font=font))
    assert len(pages) >= 3
    for number, page in enumerate(pages, start=1):
        assert f"第 {number} 页 共 {len(pages)} 页" in page
    lines = [line.strip() for page in pages for line in page.splitlines() if line.strip()]
    assert [line for line in lines if line[0] in CLOSING] == []
    assert [line for line in lines if line[-1] in OPENING] == []
    text = all_text(render_hearing_record(data, font=font))
    assert all(squashed(turn) in text for turn in turns)
