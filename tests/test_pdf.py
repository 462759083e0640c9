"""Chinese PDF documents: the technical opinion, line breaking, fonts and reproducible bytes."""

import re
from datetime import UTC, datetime
from io import BytesIO

import pytest
from pypdf import PdfReader

from odr.core.pdf import FONT_ENV, CJKParagraph, cjk_font, markup, styles
from odr.experts.pdf import render_technical_opinion

CLOSING = "，。、；：？！）》”’】」』"
OPENING = "（《“‘【「『"

ANALYSIS = (
    "涉案专利权利要求1记载了一种用于六堡茶发酵的温湿度控制装置，包括发酵箱体、温度传感器、湿度传感器和控制器；"
    "被诉侵权产品同样设置有箱体、传感器与控制模块，二者在结构上存在对应关系。经比对，被诉产品的控制器采用分段式"
    "PID算法（见附件1第3页），而涉案专利说明书第[0025]段所述的控制方式为阈值控制。二者是否构成等同，需要结合"
    "“基本相同的手段、基本相同的功能、基本相同的效果”进行判断！本调查官认为：该区别特征（即《比对报告》所称"
    "“控制策略”）对于本领域普通技术人员而言无需经过创造性劳动即可联想到，故构成等同特征。"
)


@pytest.fixture(params=["embedded", "builtin"])
def font(request, monkeypatch):
    """Each rendering test runs once with the embedded TrueType font and once with STSong-Light."""
    if request.param == "builtin":
        monkeypatch.setenv(FONT_ENV, "STSong-Light")
    else:
        monkeypatch.delenv(FONT_ENV, raising=False)
        if not cjk_font().embedded:
            pytest.skip("no TrueType CJK font installed")
    return cjk_font()


@pytest.fixture
def make_opinion():
    def make(**overrides):
        data = {
            "case_number": "WZIP-2026-000123",
            "case_title": "梧州某茶业有限公司诉广西某机械制造有限公司侵害发明专利权纠纷",
            "ip_type_label": "发明专利",
            "investigator_name": "李明远",
            "organisation_name": "梧州市知识产权保护中心",
            "filed_at": datetime(2026, 11, 26, 2, 30, tzinfo=UTC),
            "questions": [
                "被诉侵权产品的温湿度控制方式是否落入涉案专利权利要求1的保护范围？",
                "“分段式PID算法”与专利所述阈值控制是否构成等同技术特征？",
                "检测报告（编号 GX-2026-0815）的检测方法是否符合要求？",
            ],
            "analysis": ANALYSIS,
            "conclusion": "被诉侵权产品落入涉案专利权的保护范围。",
            "attachments": [
                {"name": "技术比对报告.pdf", "sha256": "9f86d081884c7d65" * 4, "size": 2_457_913},
                {"name": "检测报告.pdf", "sha256": "2c26b46b68ffc68f" * 4, "size": 812},
            ],
            "visibility_label": "仅调解员可见",
        }
        return data | overrides

    return make


def pages_text(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(BytesIO(pdf)).pages]


def squashed(text: str) -> str:
    """TEXT without whitespace, so wrapped lines compare equal to the text that was wrapped."""
    return re.sub(r"\s+", "", text)


def test_opinion_text_can_be_extracted(font, make_opinion):
    data = make_opinion()
    text = squashed("".join(pages_text(render_technical_opinion(data))))
    for question in data["questions"]:
        assert squashed(question) in text
    assert data["conclusion"] in text
    assert data["case_number"] in text
    assert data["attachments"][0]["sha256"] in text
    assert "2026年11月26日" in text  # filed 10:30 in Beijing


def test_opinion_date_is_the_day_in_beijing(font, make_opinion):
    late_evening_utc = datetime(2026, 11, 25, 18, 30, tzinfo=UTC)
    text = squashed("".join(pages_text(render_technical_opinion(make_opinion(filed_at=late_evening_utc)))))
    assert "2026年11月26日" in text
    assert "2026年11月25日" not in text


def test_same_data_renders_to_the_same_bytes(font, make_opinion):
    first = render_technical_opinion(make_opinion())
    assert render_technical_opinion(make_opinion()) == first
    assert PdfReader(BytesIO(first)).metadata["/CreationDate"] == "D:20261126103000+08'00'"
    assert render_technical_opinion(make_opinion(conclusion="不构成侵权。")) != first
    assert render_technical_opinion(make_opinion()) == first  # nothing carries over from other documents


def test_metadata(font, make_opinion):
    metadata = PdfReader(BytesIO(render_technical_opinion(make_opinion()))).metadata
    assert metadata.title == "技术审查意见书"
    assert metadata.author == "梧州知识产权纠纷在线调解平台"


def test_long_analysis_numbers_every_page(font, make_opinion):
    analysis = "\n\n".join([ANALYSIS] * 6)
    pages = pages_text(render_technical_opinion(make_opinion(analysis=analysis)))
    assert len(pages) >= 2
    for number, text in enumerate(pages, start=1):
        assert f"第 {number} 页 共 {len(pages)} 页" in text
        assert "WZIP-2026-000123" in text  # the case number heads every page


def test_no_extracted_line_starts_with_closing_punctuation(font, make_opinion):
    analysis = "\n\n".join([ANALYSIS, ANALYSIS[7:], ANALYSIS[13:], ANALYSIS[21:]])
    lines = [
        line.strip()
        for text in pages_text(render_technical_opinion(make_opinion(analysis=analysis)))
        for line in text.splitlines()
        if line.strip()
    ]
    assert len(lines) > 40
    assert [line for line in lines if line[0] in CLOSING] == []
    assert [line for line in lines if line[-1] in OPENING] == []


def test_wrapped_lines_keep_the_line_breaking_rules(font):
    text = ANALYSIS + "他说：“好！”（完）。《条例》、“甲”、【乙】……——「丙」『丁』。"
    paragraph_lines = 0
    for width in range(30, 400, 7):
        paragraph = CJKParagraph(markup(text), styles(font).body)
        paragraph.wrap(width, 10_000)
        lines = ["".join(frag.text for frag in line.words) for line in paragraph.blPara.lines]
        assert "".join(lines) == text, width  # nothing lost or doubled
        assert [line for line in lines[1:] if line[0] in CLOSING] == [], width
        assert [line for line in lines[:-1] if line[-1] in OPENING] == [], width
        if width >= 100:  # narrower, a phrase like （完）。 cannot fit and its last mark hangs in the margin
            assert all(line.currentWidth <= line.maxWidth + 1e-6 for line in paragraph.blPara.lines), width
        paragraph_lines += len(lines)
    assert paragraph_lines > 1000


def test_latin_words_are_kept_whole_where_they_fit(font):
    paragraph = CJKParagraph(
        markup("比对报告见附件 WZIP-2026-000123 与检测报告 GX-2026-0815。"), styles(font).body
    )
    for width in range(120, 300, 5):
        paragraph.wrap(width, 10_000)
        text = "\n".join("".join(f.text for f in line.words) for line in paragraph.blPara.lines)
        assert "WZIP-2026-000123" in text and "GX-2026-0815" in text, width


def test_user_text_is_escaped_not_interpreted(font, make_opinion):
    question = "若 a<b 且 b>c，<b>加粗</b> & 其他？"
    pdf = render_technical_opinion(make_opinion(questions=[question], conclusion="第一行\n第二行"))
    text = "".join(pages_text(pdf))
    assert squashed(question) in squashed(text)
    assert "第一行\n第二行" in text


def test_markup_escapes_and_breaks_lines():
    assert markup("a<b>&c\r\nd\x00") == "a&lt;b&gt;&amp;c<br/>d"


def test_forced_builtin_font_embeds_nothing(monkeypatch, make_opinion):
    monkeypatch.setenv(FONT_ENV, "STSong-Light")
    assert (cjk_font().name, cjk_font().embedded) == ("STSong-Light", False)
    pdf = render_technical_opinion(make_opinion())
    assert b"/FontFile2" not in pdf
    assert "WZIP-2026-000123" in "".join(pages_text(pdf))


def test_missing_font_file_falls_back(monkeypatch, tmp_path):
    monkeypatch.setenv(FONT_ENV, str(tmp_path / "missing.ttf"))
    assert cjk_font().name  # the next candidate or STSong-Light, never an error


def test_a_paragraph_split_across_pages_keeps_its_text_and_the_rules(font):
    text = ANALYSIS * 3
    paragraph = CJKParagraph(markup(text), styles(font).body)
    first, rest = paragraph.split(300, 200)
    lines = []
    for part in (first, rest):
        part.wrap(300, 10_000)
        lines += ["".join(frag.text for frag in line.words) for line in part.blPara.lines]
    assert "".join(lines) == text
    assert [line for line in lines[1:] if line[0] in CLOSING] == []


def test_a_run_of_closing_marks_stays_near_the_margin(font):
    paragraph = CJKParagraph("真的吗" + "？" * 40 + "！", styles(font).small)
    paragraph.wrap(100, 10_000)
    lines = paragraph.blPara.lines
    assert len(lines) > 3
    assert all(line.currentWidth <= line.maxWidth + 2 * 10.5 + 1e-6 for line in lines)


def test_a_digest_wraps_inside_its_column(font):
    digest = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
    paragraph = CJKParagraph(digest, styles(font).mono)
    paragraph.wrap(32 * 4.8 + 1, 10_000)
    assert ["".join(f.text for f in line.words) for line in paragraph.blPara.lines] == [
        digest[:32],
        digest[32:],
    ]
