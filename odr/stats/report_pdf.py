"""The annual IP protection report as a Chinese PDF: plain data in, bytes out (no Flask here).

Charts are drawn by reportlab's own chart library (reportlab.graphics.charts) in the document's
CJK font, each beside the table it is drawn from.
"""

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.charts.piecharts import Pie
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, PageBreak, Spacer, Table, TableStyle

from odr.core.legal_pdf import GRID, SHADE, TEXT_WIDTH
from odr.core.pdf import (
    PLATFORM_NAME,
    CJKParagraph,
    build_document,
    chinese_date,
    cjk_font,
    markup,
    styles,
    text_paragraphs,
)

PALETTE = [colors.HexColor(c) for c in ("#0b4f6c", "#1b7a8c", "#f0a202", "#c0392b", "#6c757d", "#2e8b57")]
CHART_HEIGHT = 62 * mm


def _table(columns, rows, s, widths=None):
    data = [[CJKParagraph(markup(str(c)), s.cell) for c in columns]]
    data += [[CJKParagraph(markup(str(c)), s.cell) for c in row] for row in rows] or [
        [CJKParagraph("本年度无数据", s.cell)] + [""] * (len(columns) - 1)
    ]
    table = Table(data, colWidths=widths, repeatRows=1, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, GRID),
                ("BACKGROUND", (0, 0), (-1, 0), SHADE),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return table


def _legend(drawing, font, names, x, y):
    legend = Legend()
    legend.x, legend.y = x, y
    legend.fontName, legend.fontSize = font, 8
    legend.alignment = "right"  # the name to the right of its colour
    legend.columnMaximum = 1
    legend.dx = legend.dy = 8
    legend.deltax = 90
    legend.colorNamePairs = list(zip(PALETTE, names, strict=False))
    drawing.add(legend)


def bar_chart(categories, series, font, *, width=TEXT_WIDTH, title=None):
    """A vertical bar chart of SERIES ([(name, values)]) over CATEGORIES."""
    drawing = Drawing(width, CHART_HEIGHT)
    chart = VerticalBarChart()
    chart.x, chart.y = 32, 34
    chart.width, chart.height = width - 48, CHART_HEIGHT - 58
    chart.data = [list(values) or [0] for _, values in series] or [[0]]
    chart.categoryAxis.categoryNames = [str(c) for c in categories] or ["—"]
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.labels.angle = 30 if len(categories) > 5 else 0
    chart.categoryAxis.labels.boxAnchor = "ne" if len(categories) > 5 else "n"
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    top = max((v for _, values in series for v in values), default=0)
    if top <= 5:
        chart.valueAxis.valueMax = 5
        chart.valueAxis.valueStep = 1
    for i in range(len(series)):
        chart.bars[i].fillColor = PALETTE[i % len(PALETTE)]
    drawing.add(chart)
    _legend(drawing, font, [name for name, _ in series], 36, CHART_HEIGHT - 4)
    if title:
        drawing.add(String(0, CHART_HEIGHT - 10, title, fontName=font, fontSize=9))
    return drawing


def line_chart(categories, series, font, *, width=TEXT_WIDTH):
    drawing = Drawing(width, CHART_HEIGHT)
    chart = HorizontalLineChart()
    chart.x, chart.y = 32, 24
    chart.width, chart.height = width - 48, CHART_HEIGHT - 48
    chart.data = [list(values) for _, values in series]
    chart.categoryAxis.categoryNames = list(categories)
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = 7
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    if max((v for _, values in series for v in values), default=0) <= 5:
        chart.valueAxis.valueMax = 5
        chart.valueAxis.valueStep = 1
    for i in range(len(series)):
        chart.lines[i].strokeColor = PALETTE[i % len(PALETTE)]
        chart.lines[i].strokeWidth = 1.5
    drawing.add(chart)
    _legend(drawing, font, [name for name, _ in series], 36, CHART_HEIGHT - 4)
    return drawing


def pie_chart(pairs, font, *, width=TEXT_WIDTH):
    """A pie of PAIRS [(label, value)]; slices of nothing are left out."""
    pairs = [(label, value) for label, value in pairs if value]
    drawing = Drawing(width, CHART_HEIGHT)
    if not pairs:
        drawing.add(
            String(
                width / 2, CHART_HEIGHT / 2, "本年度无数据", fontName=font, fontSize=9, textAnchor="middle"
            )
        )
        return drawing
    pie = Pie()
    pie.x, pie.y = width / 2 - 70, 10
    pie.width = pie.height = CHART_HEIGHT - 24
    pie.data = [value for _, value in pairs]
    pie.labels = [f"{label} {value}" for label, value in pairs]
    pie.simpleLabels = 1
    pie.slices.fontName = font
    pie.slices.fontSize = 8
    for i in range(len(pairs)):
        pie.slices[i].fillColor = [PALETTE[5], PALETTE[3], PALETTE[2], PALETTE[4]][i % 4]
    drawing.add(pie)
    return drawing


def _numbers(rows, column):
    values = []
    for row in rows:
        try:
            values.append(float(str(row[column]).replace(",", "")))
        except ValueError:
            values.append(0)
    return values


def render_annual_report(data: dict) -> bytes:
    """DATA (from odr.stats.report.annual_data) as the report's PDF bytes."""
    font = cjk_font()
    s = styles(font)
    h2 = s.heading
    center = ParagraphStyle("report-center", s.body, firstLineIndent=0, alignment=1)
    year, previous = data["year"], data["previous"]
    story = [
        Spacer(1, 30 * mm),
        CJKParagraph(f"{year}年度梧州市知识产权保护报告", s.title),
        CJKParagraph("——知识产权纠纷多元化解数据与满意度评价", center),
        Spacer(1, 12 * mm),
        CJKParagraph(f"{PLATFORM_NAME}", center),
        CJKParagraph(f"编制日期：{chinese_date(data['generated_at'])}", center),
        Spacer(1, 16 * mm),
        CJKParagraph(
            f"本报告依据平台记录，统计{year}年1月1日至12月31日（北京时间）立案的知识产权纠纷案件，"
            f"并与{previous}年同期比较。案件按立案月份归属；各项用时自立案之日起按日计算，列出中位数与第90百分位数。"
            "满意度数据来自案件办结后向当事人发出的问卷，统计时不记名，答卷少于5份的项目不显示平均分。"
            "典型案例由工作人员选定并已隐去当事人名称、代码、证件号码、联系方式和案号。",
            s.body,
        ),
        PageBreak(),
        CJKParagraph("一、主要指标", h2),
        _table(
            ["指标", f"{year}年", f"{previous}年", "同比变化"],
            data["key"],
            s,
            [62 * mm, 30 * mm, 30 * mm, 36 * mm],
        ),
        Spacer(1, 4 * mm),
        KeepTogether(
            [
                CJKParagraph("二、收案与调解成功的月度变化", h2),
                line_chart(data["monthly"]["categories"], data["monthly"]["series"], font.name),
            ]
        ),
    ]
    for title, key, label in (
        ("三、按知识产权类型统计", "by_ip_type", "知识产权类型"),
        ("四、按行业统计", "by_industry", "行业"),
        ("五、按侵权渠道统计", "by_place", "侵权渠道"),
    ):
        rows = data[key]
        story += [
            KeepTogether(
                [
                    CJKParagraph(title, h2),
                    bar_chart(
                        [r[0] for r in rows],
                        [("收案", _numbers(rows, 1)), ("调解成功", _numbers(rows, 2))],
                        font.name,
                    ),
                    _table(
                        [label, "收案", "调解成功", "成功率"], rows, s, [70 * mm, 28 * mm, 30 * mm, 30 * mm]
                    ),
                ]
            ),
        ]
    durations = data["durations"]
    story += [
        KeepTogether(
            [
                CJKParagraph("六、各环节用时（天）", h2),
                bar_chart(
                    [r[0] for r in durations],
                    [("中位数", _numbers(durations, 2)), ("第90百分位", _numbers(durations, 3))],
                    font.name,
                ),
                _table(
                    ["环节", "案件数", "中位数", "第90百分位", f"{previous}年中位数"],
                    durations,
                    s,
                    [56 * mm, 22 * mm, 24 * mm, 28 * mm, 28 * mm],
                ),
            ]
        ),
    ]
    c = data["confirmation"]
    story += [
        KeepTogether(
            [
                CJKParagraph("七、司法确认", h2),
                pie_chart(
                    [("已确认", c["confirmed"]), ("驳回", c["rejected"]), ("待决", c["pending"])], font.name
                ),
                _table(c["columns"], c["courts"], s),
            ]
        ),
    ]
    perf = data["performance"]
    story += [
        CJKParagraph("八、履行与执行", h2),
        bar_chart(
            ["已履行", "违约", "申请强制执行"],
            [("案件数", [perf["performed"], perf["defaulted"], perf["enforcement"]])],
            font.name,
        ),
    ]
    survey = data["survey"]
    story += [CJKParagraph("九、满意度评价", h2)]
    story += [
        CJKParagraph(
            f"{year}年共收到答卷{survey['answers']}份（{previous}年{survey['previous_answers']}份）。"
            + ("" if survey["shown"] else "答卷不足5份，不显示平均分。"),
            s.body,
        )
    ]
    if survey["shown"]:
        story.append(
            bar_chart(
                [r[0] for r in survey["rows"]], [(f"{year}年平均分", _numbers(survey["rows"], 1))], font.name
            )
        )
    story.append(
        _table(
            ["问题", f"{year}年平均分（1–5）", f"{previous}年平均分"],
            survey["rows"],
            s,
            [70 * mm, 44 * mm, 44 * mm],
        )
    )
    training = data["training"]
    summary = training["summary"]
    story += [
        CJKParagraph("十、专家培训", h2),
        CJKParagraph(
            f"按每人每年不少于{summary['target']}小时的要求，{year}年在册专家{summary['experts']}名，"
            f"达标{summary['met']}名，合计培训{summary['hours']}小时，人均{summary['average'] or 0}小时。",
            s.body,
        ),
    ]
    if training["lines"]:
        lines = training["lines"]
        story.append(
            bar_chart([r[0] for r in lines[:20]], [("培训学时", _numbers(lines[:20], 1))], font.name)
        )
        story.append(_table(["专家", "学时", "是否达标"], lines, s, [70 * mm, 40 * mm, 40 * mm]))
    story.append(CJKParagraph("十一、重复侵权、故意侵权企业名录", h2))
    if data["registry"] is not None:
        rows = data["registry"]
        story.append(bar_chart([r[0] for r in rows], [("条目数", _numbers(rows, 1))], font.name))
        story.append(_table(["指标", "数值"], rows, s, [100 * mm, 58 * mm]))
    else:
        story.append(CJKParagraph("侵权企业名录功能尚未在本平台启用，本年度无相关数据。", s.body))
    story.append(CJKParagraph("十二、典型案例", h2))
    if not data["typical"]:
        story.append(CJKParagraph("本年度未选定典型案例。", s.body))
    for n, case in enumerate(data["typical"], start=1):
        story.append(CJKParagraph(f"案例{n}：{markup(case['title'])}", s.body))
        story += text_paragraphs(case["summary"], s.body)
    return build_document(
        f"{year}年度梧州市知识产权保护报告",
        f"{year}年度报告",
        story,
        created_at=data["generated_at"],
        font=font,
    )
