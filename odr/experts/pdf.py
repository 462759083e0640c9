"""The technical opinion (技术审查意见书) a technical investigator writes for the mediator, as a PDF."""

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Spacer, Table, TableStyle

from odr.core.legal_pdf import size_text, without_number
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

TITLE = "技术审查意见书"
TEXT_WIDTH = PAGE_SIZE[0] - MARGINS["leftMargin"] - MARGINS["rightMargin"]
# The SHA-256 column holds exactly 32 Courier characters at 8 pt, so a digest wraps into two halves.
ATTACHMENT_COLUMNS = (12 * mm, TEXT_WIDTH - 12 * mm - 20 * mm - 60 * mm, 20 * mm, 60 * mm)
GRID = colors.HexColor("#888888")


def render_technical_opinion(data: dict, *, font: PdfFont | None = None) -> bytes:
    """The technical opinion described by DATA, as PDF bytes.

    DATA holds case_number, case_title, ip_type_label, investigator_name, organisation_name, filed_at
    (aware datetime), questions (list of str), analysis and conclusion (text; a blank line separates
    paragraphs), attachments (dicts with name, sha256, size in bytes) and visibility_label.
    """
    s = styles(font)
    story = [
        CJKParagraph(TITLE, s.title),
        _case_block(data, s),
        CJKParagraph("一、技术问题", s.heading),
        *[
            CJKParagraph(f"{n}．{markup(q)}", s.body)
            for n, q in enumerate(filter(None, map(without_number, data["questions"])), start=1)
        ],
        CJKParagraph("二、分析意见", s.heading),
        *text_paragraphs(data["analysis"], s.body),
        CJKParagraph("三、结论", s.heading),
        *text_paragraphs(data["conclusion"], s.body),
        CJKParagraph("四、附件", s.heading),
        _attachments(data["attachments"], s),
        _signature(data, s),
    ]
    return build_document(
        TITLE, f"案号：{data['case_number']}", story, created_at=data["filed_at"], font=font
    )


def _case_block(data, s):
    rows = [
        ("案号", data["case_number"]),
        ("案件名称", data["case_title"]),
        ("权利类型", data["ip_type_label"]),
        ("技术调查官", data["investigator_name"]),
        ("所在单位", data["organisation_name"]),
        ("出具日期", chinese_date(data["filed_at"])),
        ("查阅范围", data["visibility_label"]),
    ]
    table = Table(
        [[CJKParagraph(label, s.cell), CJKParagraph(markup(value), s.cell)] for label, value in rows],
        colWidths=(28 * mm, TEXT_WIDTH - 28 * mm),
    )
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, GRID),
                ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f2f2f2")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    return table


def _attachments(attachments, s):
    if not attachments:
        return CJKParagraph("无。", s.body)
    header = [CJKParagraph(text, s.cell) for text in ("序号", "文件名", "大小", "SHA-256")]
    rows = [
        [
            CJKParagraph(str(n), s.cell),
            CJKParagraph(markup(a["name"]), s.cell),
            CJKParagraph(size_text(a["size"]), s.cell),
            CJKParagraph(markup(a["sha256"]), s.mono),
        ]
        for n, a in enumerate(attachments, start=1)
    ]
    table = Table([header, *rows], colWidths=ATTACHMENT_COLUMNS, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, GRID),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f2f2f2")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    return table


def _signature(data, s):
    right = ParagraphStyle("opinion-signature", s.body, alignment=TA_RIGHT, firstLineIndent=0)
    signing_line = Table(
        [[CJKParagraph("技术调查官（签名）：", right), ""]], colWidths=(50 * mm, 45 * mm), hAlign="RIGHT"
    )
    signing_line.setStyle(
        TableStyle(
            [("LINEBELOW", (1, 0), (1, 0), 0.75, colors.black), ("BOTTOMPADDING", (0, 0), (-1, -1), 1)]
        )
    )
    return KeepTogether(
        [
            Spacer(1, 12 * mm),
            signing_line,
            Spacer(1, 3 * mm),
            CJKParagraph(f"{markup(data['investigator_name'])}　{markup(data['organisation_name'])}", right),
            CJKParagraph(chinese_date(data["filed_at"]), right),
        ]
    )
