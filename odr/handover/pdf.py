"""The hand-over summary (调解不成移交材料): who, what was claimed, what was tried, why it ended, the
undisputed facts, the evidence list with hashes and the minutes, as a Chinese PDF."""

from datetime import datetime

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Spacer, Table, TableStyle

from odr.core.legal_pdf import fragment
from odr.core.pdf import (
    MARGINS,
    PAGE_SIZE,
    CJKParagraph,
    PdfFont,
    build_document,
    chinese_date,
    markup,
    styles,
    text_paragraphs,
)
from odr.core.timeutil import local, local_text

TITLE = "调解不成移交材料"
TEXT_WIDTH = PAGE_SIZE[0] - MARGINS["leftMargin"] - MARGINS["rightMargin"]
GRID = colors.HexColor("#888888")
SHADE = colors.HexColor("#f2f2f2")


def render_handover(data: dict, *, font: PdfFont | None = None) -> bytes:
    """DATA as made by ``odr.handover.package.package_data``; returns PDF bytes."""
    s = styles(font)
    story = [
        CJKParagraph(TITLE, s.title),
        _pairs(
            [
                ("案号", data["case_number"]),
                ("案件名称", data["case_title"]),
                ("调解组织", data["organisation"]),
                (
                    "案件来源",
                    data["channel"] + (f"（{data['delegating_court']}）" if data["delegating_court"] else ""),
                ),
                ("权利类型", data["ip_type"]),
                ("纠纷类型", data["dispute_kind"]),
                ("所属行业", data["industry"]),
                ("程序", data["track"]),
                ("调解结果", data["ended_as"]),
                ("移交日期", chinese_date(data["generated_at"])),
            ],
            s,
        ),
        CJKParagraph("一、当事人", s.heading),
        _grid(
            ["地位", "名称／姓名", "证件号码", "代理人"],
            [
                [p["side"] + "（" + p["kind"] + "）", p["name"], p["identity"], p["agent"] or "—"]
                for p in data["parties"]
            ],
            (30 * mm, 46 * mm, 46 * mm, TEXT_WIDTH - 122 * mm),
            s,
        ),
        CJKParagraph("二、请求事项", s.heading),
        CJKParagraph(markup(f"标的额：人民币 {data['claim_amount']} 元"), s.body),
        *(
            [CJKParagraph(markup(f"权利编号：{data['right_number']}"), s.body)]
            if data["right_number"]
            else []
        ),
        *text_paragraphs(data["remedies"], s.body),
        CJKParagraph("事实与理由：", s.body),
        *text_paragraphs(data["facts"], s.body),
        CJKParagraph("三、调解经过", s.heading),
        *_tried(data, s),
        CJKParagraph("四、调解终结原因", s.heading),
        *text_paragraphs(data["reason"], s.body),
        CJKParagraph("五、经各方当事人确认的无争议事实", s.heading),
        *(
            [
                CJKParagraph(f"{n}．{markup(text)}", s.body)
                for n, text in enumerate(data["undisputed_facts"], 1)
            ]
            or [CJKParagraph("无。", s.body)]
        ),
        CJKParagraph("六、证据清单", s.heading),
        _evidence(data["evidence"], s),
        *_minutes(
            data["minutes"],
            s,
            heading=CJKParagraph("七、调解笔录", s.heading),
        ),
    ]
    return build_document(
        TITLE, f"案号：{data['case_number']}", story, created_at=data["generated_at"], font=font
    )


def _when(value) -> str:
    return local_text(value)


def _stacked(value) -> str:
    """Date over time, for narrow table columns."""
    return local(value).strftime("%Y-%m-%d\n%H:%M")


def _label(text, s):
    """A paragraph introducing the table after it, kept on the same page as the table."""
    return CJKParagraph(text, ParagraphStyle("handover-label", s.body, keepWithNext=1))


def _tried(data, s):
    parts = []
    if data["mediation_started_at"]:
        parts.append(CJKParagraph(markup(f"调解开始时间：{_when(data['mediation_started_at'])}"), s.body))
    experts = "、".join(f"{e['name']}（{e['seat']}）" for e in data["experts"]) or "未指派"
    parts.append(CJKParagraph(markup(f"参与调解的专家：{experts}"), s.body))
    if data["sessions"]:
        parts.append(_label("调解会议：", s))
        parts.append(
            _grid(
                ["时间", "调解室", "议程", "状态", "出席人员"],
                [
                    [
                        _when(x["starts_at"]),
                        x["room"],
                        x["agenda"],
                        x["state"] + ("，有笔录" if x["has_minutes"] else "，无笔录"),
                        "、".join(x["present"]) or "—",
                    ]
                    for x in data["sessions"]
                ],
                (30 * mm, 24 * mm, TEXT_WIDTH - 122 * mm, 30 * mm, 38 * mm),
                s,
            )
        )
    else:
        parts.append(CJKParagraph("未举行调解会议。", s.body))
    if data["opinions"]:
        parts.append(Spacer(1, 2 * mm))
        parts.append(_label("技术审查意见：", s))
        parts.append(
            _grid(
                ["技术调查官", "出具时间", "意见书 SHA-256"],
                [[o["investigator"], _stacked(o["filed_at"]), o["sha256"]] for o in data["opinions"]],
                (30 * mm, 32 * mm, TEXT_WIDTH - 62 * mm),
                s,
                mono_columns=(2,),
            )
        )
    else:
        parts.append(CJKParagraph("未出具技术审查意见。", s.body))
    return parts


def _evidence(items, s):
    if not items:
        return CJKParagraph("无。", s.body)
    return _grid(
        ["序号", "文件名", "提交人", "提交时间", "SHA-256"],
        [
            [
                str(n),
                e["name"],
                e["submitted_by"],
                _stacked(datetime.fromisoformat(e["submitted_at"])),
                e["sha256"],
            ]
            for n, e in enumerate(items, 1)
        ],
        (11 * mm, TEXT_WIDTH - 119 * mm, 22 * mm, 26 * mm, 60 * mm),
        s,
        mono_columns=(4,),
    )


def _minutes(minutes, s, heading):
    if not minutes:
        return [heading, CJKParagraph("无。", s.body)]
    parts = []
    for n, m in enumerate(minutes, 1):
        # Each answer set inside one sentence: an objection typed with its own full stop loses it.
        answers = "；".join(f"{name}：{fragment(answer)}" for name, answer in m["confirmations"])
        # Each session's minutes stay on one page where they fit (KeepTogether splits longer ones).
        parts.append(
            KeepTogether(
                [
                    *([heading] if n == 1 else []),
                    CJKParagraph(
                        markup(
                            f"（{n}）{_when(m['starts_at'])} {m['room']}，第 {m['version']} 稿"
                            + ("" if m.get("confirmed") else "（未经全部参会人员确认）")
                        ),
                        s.body,
                    ),
                    *text_paragraphs(m["text"], s.body),
                    CJKParagraph(markup(f"确认情况：{answers}"), s.small),
                    Spacer(1, 2 * mm),
                ]
            )
        )
    return parts


def _pairs(rows, s):
    table = Table(
        [[CJKParagraph(k, s.cell), CJKParagraph(markup(v or "—"), s.cell)] for k, v in rows],
        colWidths=(26 * mm, TEXT_WIDTH - 26 * mm),
    )
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, GRID),
                ("BACKGROUND", (0, 0), (0, -1), SHADE),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def _grid(header, rows, widths, s, mono_columns=()):
    body = [
        [CJKParagraph(markup(str(v)), s.mono if i in mono_columns else s.cell) for i, v in enumerate(row)]
        for row in rows
    ]
    table = Table([[CJKParagraph(h, s.cell) for h in header], *body], colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, GRID),
                ("BACKGROUND", (0, 0), (-1, 0), SHADE),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table
