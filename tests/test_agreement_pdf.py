"""Settlement agreement and judicial confirmation PDFs: content, line breaking, page numbers, bytes."""

import re
from datetime import UTC, date, datetime
from io import BytesIO

import pytest
from pypdf import PdfReader

from odr.agreements.pdf import (
    chinese_numeral,
    render_agreement,
    render_confirmation_application,
    render_enforcement_application,
    render_ruling,
    render_signed_agreement,
)
from odr.core.pdf import FONT_ENV, PLATFORM_NAME, CJKParagraph, cjk_font, markup, styles

CLOSING = "，。、；：？！）》”’】」』"
OPENING = "（《“‘【「『"

# Dense with marks that may not start a line, so that some of them fall where a line would end.
LONG_CLAUSE = (
    "乙方确认：自本协议生效之日起，乙方立即停止生产、销售、许诺销售被诉侵权的六堡茶发酵温湿度控制装置（型号"
    "LB-2000、LB-3000），并于十五日内销毁库存产品及专用模具；乙方向甲方支付赔偿金及合理开支共计人民币"
    "伍拾万元整（¥500,000.00）！甲方收到款项后，不再就本案所涉行为追究乙方的任何责任？双方同意：“本协议所称"
    "‘关联企业’，指直接或者间接控制乙方、受乙方控制或者与乙方共同受控制的企业。”如乙方违反本条约定，"
    "应当按照《中华人民共和国专利法》第七十一条的规定承担责任，并向甲方支付违约金人民币拾万元整（¥100,000.00）。"
    "双方确认，本条所列款项不含税费；税费由各自依法承担。"
)


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


def company(**overrides):
    party = {
        "side_label": "申请人",
        "name": "梧州某茶业有限公司",
        "kind_label": "法人或其他组织",
        "identity_label": "统一社会信用代码",
        "identity_number": "91450400MA5L2X8Y3K",
        "address": "广西壮族自治区梧州市万秀区西江四路88号",
        "agent_name": "王晓岚",
        "agent_firm": "广西某某律师事务所",
    }
    return party | overrides


def person(**overrides):
    party = {
        "side_label": "被申请人",
        "name": "陈国栋",
        "kind_label": "自然人",
        "identity_label": "公民身份号码",
        "identity_number": "450403198507150012",
        "address": None,
        "agent_name": None,
        "agent_firm": None,
    }
    return party | overrides


def agreement_data(**overrides):
    data = {
        "case_number": "WZIP-2026-000123",
        "case_title": "梧州某茶业有限公司与陈国栋侵害发明专利权纠纷",
        "organisation_name": "梧州市知识产权纠纷人民调解委员会",
        "version_number": 3,
        "finalised_at": datetime(2026, 11, 27, 6, 15, tzinfo=UTC),
        "content_sha256": "a3f1c2d4e5b6a7980112233445566778899aabbccddeeff00112233445566778",
        "parties": [company(), person()],
        "mediators": ["李明远", "黄秀英"],
        "facts": "申请人系ZL202110123456.7号发明专利的专利权人。\n\n被申请人未经许可，制造、销售落入该专利保护范围的产品。",
        "clauses": [
            {"title": "停止侵权", "text": "被申请人自本协议生效之日起停止制造、销售被诉侵权产品。"},
            {"title": "赔偿损失", "text": "被申请人于2026年12月31日前向申请人支付赔偿金人民币50,000.00元。"},
            {"title": "其他", "text": "双方就本案再无其他争议。\n本条第二行。"},
        ],
    }
    return data | overrides


def signature(capacity, party_name, signer, hour, digest):
    return {
        "capacity_label": capacity,
        "party_name": party_name,
        "signer_name": signer,
        "signed_at": datetime(2026, 11, 28, hour, 42, 7, tzinfo=UTC),
        "ip_address": "2001:db8:85a3::8a2e:370:7334" if hour == 2 else "113.16.8.21",
        "hash_signed": digest,
    }


def pages_text(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(BytesIO(pdf)).pages]


def squashed(text: str) -> str:
    """TEXT without whitespace, so wrapped lines compare equal to the text that was wrapped."""
    return re.sub(r"\s+", "", text)


def all_text(pdf: bytes) -> str:
    """The text of every page without the page frame, squashed, so a paragraph split by a page reads whole."""
    # The platform's running head, except on the court's and the commission's own documents.
    frame = re.compile(rf"(?:{PLATFORM_NAME}\n[^\n]*\n)?第 \d+ 页 共 \d+ 页\s*$")
    pages = pages_text(pdf)
    assert all(frame.search(page) for page in pages)
    return squashed("".join(frame.sub("", page) for page in pages))


def long_clauses():
    return [
        {
            "title": f"条款标题{n}",
            "text": "\n\n".join(LONG_CLAUSE[shift:].lstrip(CLOSING) for shift in (0, n, 2 * n + 1)),
        }
        for n in range(1, 11)
    ]


@pytest.mark.parametrize(
    ("n", "numeral"),
    [
        (1, "一"),
        (9, "九"),
        (10, "十"),
        (11, "十一"),
        (20, "二十"),
        (35, "三十五"),
        (99, "九十九"),
        (100, "一百"),
    ],
)
def test_chinese_numeral(n, numeral):
    assert chinese_numeral(n) == numeral


def test_chinese_numeral_hundreds_and_bounds():
    assert [chinese_numeral(n) for n in (101, 110, 999)] == ["一百零一", "一百一十", "九百九十九"]
    with pytest.raises(ValueError):
        chinese_numeral(0)


def test_agreement_shows_parties_clauses_and_digest():
    data = agreement_data()
    text = all_text(render_agreement(data))
    for expected in (
        "调解协议书",
        "WZIP-2026-000123",
        "第3版",
        "申请人：梧州某茶业有限公司（法人或其他组织），统一社会信用代码：91450400MA5L2X8Y3K",
        "委托代理人：王晓岚，广西某某律师事务所",
        "被申请人：陈国栋（自然人），公民身份号码：450403198507150012。",
        "第一条停止侵权",
        "第三条其他",
        squashed(data["clauses"][1]["text"]),
        "第二百零五条",
        "三十日内",
        "本协议内容摘要（SHA-256）",
        data["content_sha256"],
        "调解员：李明远",
        "调解员：黄秀英",
        "申请人委托代理人：王晓岚",
        "2026年11月27日14:15",  # finalised 06:15 UTC, shown in Beijing
    ):
        assert expected in text


def test_long_agreement_keeps_the_line_breaking_rules_and_numbers_every_page(font):
    data = agreement_data(clauses=long_clauses())
    pdf = render_agreement(data, font=font)
    pages = pages_text(pdf)
    assert len(pages) >= 4
    for number, page in enumerate(pages, start=1):
        assert f"第 {number} 页 共 {len(pages)} 页" in page
        assert "案号：WZIP-2026-000123　第3版" in page
    lines = [line.strip() for page in pages for line in page.splitlines() if line.strip()]
    assert len(lines) > 150
    assert [line for line in lines if line[0] in CLOSING] == []
    assert [line for line in lines if line[-1] in OPENING] == []
    assert sum(line[-1] in CLOSING for line in lines) > 30  # the marks did fall at line ends
    text = all_text(pdf)
    for clause in data["clauses"]:
        assert clause["title"] in text
        assert squashed(clause["text"]) in text  # nothing lost or doubled across lines and pages


def test_same_agreement_renders_to_the_same_bytes(font):
    first = render_agreement(agreement_data(), font=font)
    assert render_agreement(agreement_data(), font=font) == first
    assert render_agreement(agreement_data(version_number=4), font=font) != first


def test_signed_agreement_adds_a_signature_page():
    data = agreement_data(clauses=long_clauses())
    unsigned = render_agreement(data)
    digest = "5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8"
    signatures = [
        signature("申请人", "梧州某茶业有限公司", "梁振华", 1, digest),
        signature("申请人委托代理人", "梧州某茶业有限公司", "王晓岚", 2, digest),
        signature("被申请人", "陈国栋", "陈国栋", 3, digest),
        signature("调解员", None, "李明远", 4, digest),
        signature("调解员", None, "黄秀英", 5, digest),
    ]
    effective_at = datetime(2026, 11, 28, 5, 42, 7, tzinfo=UTC)
    signed = render_signed_agreement(data | {"effective_at": effective_at}, signatures)
    unsigned_pages, signed_pages = pages_text(unsigned), pages_text(signed)
    assert len(signed_pages) == len(unsigned_pages) + 1
    last = squashed(signed_pages[-1])
    assert "签署页" in last
    assert "签署页" not in squashed("".join(signed_pages[:-1]))  # it starts on a page of its own
    for sig in signatures:
        assert sig["signer_name"] in last
        assert sig["capacity_label"] in last
        assert sig["ip_address"] in last
    assert last.count(digest) == len(signatures)
    assert "重新输入本人登录密码" in last
    assert "2026年11月28日09:42:07" in last  # first signature, to the second in Beijing
    assert "于2026年11月28日13:42:07（北京时间）生效" in last
    assert signed == render_signed_agreement(data | {"effective_at": effective_at}, signatures)


def test_user_text_is_shown_literally():
    clause = {"title": "<b>赔偿</b> & 费用", "text": "若 a<b 且 b>c，则 x&amp;y 原样显示。"}
    data = agreement_data(case_title="A&B <公司> 纠纷", clauses=[clause], facts="事实 <br/> 不换行 & 符号")
    text = all_text(render_agreement(data))
    assert squashed("第一条　<b>赔偿</b> & 费用") in text
    assert squashed(clause["text"]) in text
    assert "A&B<公司>纠纷" in text
    assert "事实<br/>不换行&符号" in text


def application_data(**overrides):
    data = {
        "court_name": "梧州市中级人民法院",
        "case_number": "WZIP-2026-000123",
        "applicants": [company(), person(side_label="申请人")],
        "applied_at": datetime(2026, 12, 2, 1, 30, tzinfo=UTC),
        "applicant_name": "王晓岚",
        "consenting_names": ["陈国栋"],
        "agreement": {
            "version_number": 3,
            "effective_at": datetime(2026, 11, 28, 5, 42, 7, tzinfo=UTC),
            "pdf_sha256": "0b" * 32,
        },
        "facts_and_reasons": "申请人之间因侵害发明专利权发生纠纷。\n\n经调解，双方自愿达成调解协议。",
        "attachments": [
            {"name": "调解协议书（已签署）.pdf", "sha256": "9f86d081884c7d65" * 4, "size": 245_791},
            {"name": "营业执照<副本>.pdf", "sha256": None, "size": None},
        ],
    }
    return data | overrides


def test_confirmation_application():
    data = application_data()
    pdf = render_confirmation_application(data)
    text = all_text(pdf)
    for expected in (
        "司法确认申请书",
        "请求确认申请人梧州某茶业有限公司、陈国栋于2026年11月28日",
        "调解协议（平台案号：WZIP-2026-000123，第3版）有效",
        "0b" * 32,
        "9f86d081884c7d65" * 4,
        "营业执照<副本>.pdf",
        "240.0KB",
        "不损害国家利益、社会公共利益和他人的合法权益",
        "愿意承担相应的法律责任",
        "此致梧州市中级人民法院",
        "91450400MA5L2X8Y3K",
        "450403198507150012",
        "本申请由王晓岚于2026年12月2日09:30",
        "陈国栋已确认共同申请",
    ):
        assert expected in text
    assert render_confirmation_application(data) == pdf


def ruling_data(**overrides):
    data = {
        "court_name": "梧州市中级人民法院",
        "ruling_number": "（2026）桂04民特12号",
        "applicants": [company(), person(side_label="申请人")],
        "case_number": "WZIP-2026-000123",
        "organisation_name": "梧州市知识产权纠纷人民调解委员会",
        "agreement_effective_at": datetime(2026, 11, 28, 5, 42, tzinfo=UTC),
        "accepted_at": datetime(2026, 12, 3, 2, 0, tzinfo=UTC),
        "decided_at": datetime(2026, 12, 9, 16, 30, tzinfo=UTC),  # 00:30 on the 10th in Beijing
        "outcome": "confirmed",
        "agreement_clauses": [
            {"title": "停止侵权", "text": "被申请人停止制造、销售被诉侵权产品。"},
            {"title": "赔偿损失", "text": "被申请人支付赔偿金人民币50,000.00元。"},
        ],
        "grounds": [],
        "explanation": "",
        "officer_name": "周文斌",
        "clerk_name": "韦丽",
    }
    return data | overrides


def test_ruling_confirming_the_agreement():
    data = ruling_data()
    pdf = render_ruling(data)
    text = all_text(pdf)
    for expected in (
        "梧州市中级人民法院",
        "民事裁定书",
        "（2026）桂04民特12号",
        "WZIP-2026-000123",
        "第一条停止侵权",
        "被申请人支付赔偿金人民币50,000.00元。",
        "符合司法确认调解协议的法定条件",
        "第二百零五条、第二百零六条规定，裁定如下",
        "经梧州市知识产权纠纷人民调解委员会主持调解达成的调解协议有效。",
        "对方当事人可以向人民法院申请强制执行",
        "审判员周文斌",
        "审判员周文斌二〇二六年十二月十日（院印）书记员韦丽",  # the date in Chinese numerals, under the seal
    ):
        assert expected in text
    assert "驳回" not in text
    assert render_ruling(data) == pdf


def test_ruling_rejecting_the_application():
    grounds = ["调解协议内容不明确，无法执行。", "违反自愿原则。"]
    data = ruling_data(
        outcome="rejected", grounds=grounds, explanation="赔偿金额的支付期限约定不明。", clerk_name=None
    )
    text = all_text(render_ruling(data))
    for expected in (
        "（一）调解协议内容不明确，无法执行。",
        "（二）违反自愿原则。",
        "赔偿金额的支付期限约定不明。",
        "驳回申请人梧州某茶业有限公司、陈国栋的司法确认申请。",
        "当事人可以通过调解方式变更原调解协议或者达成新的调解协议，也可以向人民法院提起诉讼。",
    ):
        assert expected in text
    assert text.endswith("书记员")  # the line stays, to be filled in: a clerk expects it
    assert "协议有效" not in text


def test_ruling_refuses_an_unknown_outcome():
    with pytest.raises(ValueError):
        render_ruling(ruling_data(outcome="withdrawn"))


def enforcement_data(**overrides):
    data = {
        "court_name": "梧州市万秀区人民法院",
        "applicant": company(side_label="申请人"),
        "respondent": person(),
        "basis": {
            "ruling_number": "（2026）桂04民特12号",
            "court_name": "梧州市中级人民法院",
            "decided_at": datetime(2026, 12, 10, 2, 0, tzinfo=UTC),
            "case_number": "WZIP-2026-000123",
        },
        "obligations": [
            {
                "description": "支付赔偿金",
                "amount": "50,000.00",
                "due_date": date(2026, 12, 31),
                "performed_note": "仅支付10,000.00元",
            },
            {
                "description": "销毁库存 <侵权产品> & 模具",
                "amount": None,
                "due_date": date(2027, 1, 15),
                "performed_note": None,
            },
        ],
        "requested_amount": "40,000.00",
        "applied_at": datetime(2027, 2, 1, 3, 0, tzinfo=UTC),
        "facts": "履行期限届满后，被执行人仅支付部分款项。",
    }
    return data | overrides


def test_enforcement_application():
    data = enforcement_data()
    pdf = render_enforcement_application(data)
    text = all_text(pdf)
    for expected in (
        "强制执行申请书",
        "申请执行人：梧州某茶业有限公司",
        "被执行人：陈国栋",
        "请求依法强制执行梧州市中级人民法院（2026）桂04民特12号民事裁定书所确认的调解协议",
        "支付人民币40,000.00元",
        "50,000.00",
        "2026年12月31日",
        "仅支付10,000.00元",
        "销毁库存<侵权产品>&模具",
        "未履行",
        "WZIP-2026-000123",
        "此致梧州市万秀区人民法院",
        "2027年2月1日",
    ):
        assert expected in text
    assert render_enforcement_application(data) == pdf


def test_a_paragraph_rewrapped_at_another_width_breaks_again(font):
    def lines(paragraph, width):
        paragraph.wrap(width, 10_000)
        return ["".join(f.text for f in line.words) for line in paragraph.blPara.lines]

    reused = CJKParagraph(markup(LONG_CLAUSE), styles(font).body)
    for width in (300, 180, 300, 420):
        assert lines(reused, width) == lines(CJKParagraph(markup(LONG_CLAUSE), styles(font).body), width), (
            width
        )


def test_a_party_without_identity_number_or_address_is_introduced_by_name():
    text = all_text(render_agreement(agreement_data(parties=[company(), person(identity_number="")])))
    assert "被申请人：陈国栋（自然人）。" in text
