"""The minutes of a session with the room's transcript, as a PDF for the case file."""

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Spacer, Table, TableStyle

from odr.core.pdf import (
    MARGINS,
    PAGE_SIZE,
    CJKParagraph,
    PdfFont,
    build_document,
    markup,
    styles,
    text_paragraphs,
)
from odr.core.timeutil import local

TEXT_WIDTH = PAGE_SIZE[0] - MARGINS["leftMargin"] - MARGINS["rightMargin"]
GRID = colors.HexColor("#888888")


def render_record(data: dict, *, font: PdfFont | None = None) -> bytes:
    """DATA: case_number, case_title, room_label, generated_at (aware), session (None, or dict with
    starts_at, agenda, participants [(name, present or None)], minutes_text, minutes_version,
    confirmations [(name, answer text)]), transcript [(seq, time, sender, text)]."""
    s = styles(font)
    session = data.get("session")
    title = "调解笔录" if session else "调解室记录"
    story = [
        CJKParagraph(title, s.title),
        _table(
            [("案号", data["case_number"]), ("案件名称", data["case_title"]), ("调解室", data["room_label"])],
            s,
        ),
    ]
    if session:
        when = local(session["starts_at"]).strftime("%Y年%m月%d日 %H:%M")
        attendance = "、".join(
            f"{name}（{'出席' if present else '缺席' if present is False else '未记录'}）"
            for name, present in session["participants"]
        )
        story += [
            Spacer(1, 3 * mm),
            _table([("时间", when), ("议程", session["agenda"]), ("参加人员", attendance)], s),
            CJKParagraph(f"一、笔录（第 {session['minutes_version']} 稿）", s.heading),
            *text_paragraphs(session["minutes_text"] or "（尚未制作笔录）", s.body),
            CJKParagraph("二、确认情况", s.heading),
            *[CJKParagraph(markup(f"{name}：{answer}"), s.body) for name, answer in session["confirmations"]],
        ]
    story += [CJKParagraph("三、调解室消息记录" if session else "消息记录", s.heading)]
    rows = [
        [
            CJKParagraph("序号", s.cell),
            CJKParagraph("时间", s.cell),
            CJKParagraph("发言人", s.cell),
            CJKParagraph("内容", s.cell),
        ]
    ]
    for seq, when, sender, text in data["transcript"]:
        rows.append(
            [
                CJKParagraph(str(seq), s.cell),
                CJKParagraph(local(when).strftime("%m-%d %H:%M"), s.cell),
                CJKParagraph(markup(sender), s.cell),
                CJKParagraph(markup(text), s.cell),
            ]
        )
    if len(rows) == 1:
        rows.append([CJKParagraph("—", s.cell)] * 4)
    table = Table(rows, colWidths=(12 * mm, 24 * mm, 30 * mm, TEXT_WIDTH - 66 * mm), repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, GRID),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
            ]
        )
    )
    story.append(table)
    return build_document(
        title, f"案号：{data['case_number']}", story, created_at=data["generated_at"], font=font
    )


def _table(rows, s):
    table = Table(
        [[CJKParagraph(k, s.cell), CJKParagraph(markup(v), s.cell)] for k, v in rows],
        colWidths=(24 * mm, TEXT_WIDTH - 24 * mm),
    )
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, GRID),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f3f3f3")),
            ]
        )
    )
    return table
