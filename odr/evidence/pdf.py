"""Documents of the evidence docket: the deposit receipt, the claim chart and the evidence list.

Each layout takes plain data and returns PDF bytes; nothing here knows Flask or the database.
"""

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Spacer, Table, TableStyle

from odr.core.legal_pdf import checkpoint_block
from odr.core.pdf import (
    MARGINS,
    PAGE_SIZE,
    CJKParagraph,
    PdfFont,
    build_document,
    chinese_date,
    markup,
    styles,
)
from odr.core.timeutil import local

TEXT_WIDTH = PAGE_SIZE[0] - MARGINS["leftMargin"] - MARGINS["rightMargin"]
GRID = colors.HexColor("#888888")
SHADE = colors.HexColor("#f2f2f2")
RECEIPT_TITLE = "电子证据存证回执"
CHART_TITLE = "技术特征比对表"
LIST_TITLE = "证据目录"


def _grid(table, header_row=False, label_column=False):
    commands = [("GRID", (0, 0), (-1, -1), 0.5, GRID), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]
    if header_row:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), SHADE))
    if label_column:
        commands.append(("BACKGROUND", (0, 0), (0, -1), SHADE))
    table.setStyle(TableStyle(commands))
    return table


def size_text(size: int) -> str:
    """SIZE in bytes the way people read it, with the exact count: 35.2 KB（36,045 字节）."""
    if size < 1024:
        human = f"{size} B"
    elif size < 1024 * 1024:
        human = f"{size / 1024:.1f} KB"
    else:
        human = f"{size / (1024 * 1024):.1f} MB"
    return f"{human}（{size:,} 字节）"


def beijing_time(value) -> str:
    return local(value).strftime("%Y-%m-%d %H:%M:%S") + "（北京时间）"


def render_receipt(data: dict, *, font: PdfFont | None = None) -> bytes:
    """The deposit receipt (存证回执) for one exhibit, as PDF bytes.

    DATA holds case_number, case_title, exhibit_number, exhibit_title, file_name, size (bytes), sha256,
    content_type, uploader_name, side_label, deposited_at (aware), chain_position, entry_hash,
    prev_hash and verify_url.
    """
    s = styles(font)
    mono = s.mono
    rows = [
        ("案号", markup(data["case_number"])),
        ("案件名称", markup(data["case_title"])),
        ("证据编号", markup(data["exhibit_number"])),
        ("证据名称", markup(data["exhibit_title"])),
        ("文件名", markup(data["file_name"])),
        ("文件类型", markup(data["content_type"])),
        ("文件大小", size_text(data["size"])),
        ("SHA-256", None),
        ("提交人", markup(f"{data['uploader_name']}（{data['side_label']}）")),
        ("存证时间", beijing_time(data["deposited_at"])),
        ("存证链位置", f"第 {data['chain_position']} 号记录"),
        ("存证记录哈希", None),
        ("前一记录哈希", None),
    ]
    hashes = {"SHA-256": "sha256", "存证记录哈希": "entry_hash", "前一记录哈希": "prev_hash"}
    table = Table(
        [
            [
                CJKParagraph(label, s.cell),
                CJKParagraph(markup(data[hashes[label]]), mono)
                if value is None
                else CJKParagraph(value, s.cell),
            ]
            for label, value in rows
        ],
        colWidths=(30 * mm, TEXT_WIDTH - 30 * mm),
    )
    note = ParagraphStyle("receipt-note", s.small, spaceBefore=4)
    story = [
        CJKParagraph(RECEIPT_TITLE, s.title),
        CJKParagraph("本平台已收到下列电子证据，并将其 SHA-256 哈希值写入防篡改存证链。", s.body),
        Spacer(1, 3 * mm),
        _grid(table, label_column=True),
        Spacer(1, 5 * mm),
        CJKParagraph("核验方法", s.heading),
        CJKParagraph(
            "持有原文件与本回执者，可在平台“存证核验”页面上传该文件（"
            + markup(data["verify_url"])
            + "），或由平台运营方执行命令 flask odr evidence verify 文件名 进行核验。"
            "文件的任何改动都会使其 SHA-256 与上表不符；存证链中任何记录被改动或删除，"
            "链的核验（flask odr audit verify）都会报告。",
            note,
        ),
        CJKParagraph(f"出具日期：{chinese_date(data['deposited_at'])}", note),
        *checkpoint_block(data.get("checkpoint"), s),
    ]
    return build_document(
        RECEIPT_TITLE,
        f"案号：{data['case_number']}　{data['exhibit_number']}",
        story,
        created_at=data["deposited_at"],
        font=font,
    )


def render_claim_chart(data: dict, *, font: PdfFont | None = None) -> bytes:
    """The claim chart (技术特征比对表) as a PDF table.

    DATA holds case_number, case_title, right_number, claim, accused_product, state_label, made_at
    (aware) and rows: dicts with claim_feature, accused_feature, exhibit (number and title or ''),
    position_label ('' when unanswered), reason and comment.
    """
    s = styles(font)
    cell = ParagraphStyle("chart-cell", s.cell, fontSize=9, leading=13)
    head = [
        ("案号", data["case_number"]),
        ("案件名称", data["case_title"]),
        ("专利号", data["right_number"] or "—"),
        ("权利要求", data["claim"]),
        ("被诉侵权产品", data["accused_product"]),
        ("比对表状态", data["state_label"]),
    ]
    head_table = Table(
        [[CJKParagraph(k, s.cell), CJKParagraph(markup(v), s.cell)] for k, v in head],
        colWidths=(30 * mm, TEXT_WIDTH - 30 * mm),
    )
    columns = (10 * mm, 34 * mm, 34 * mm, 22 * mm, 30 * mm, TEXT_WIDTH - 130 * mm)
    header = [
        CJKParagraph(t, cell)
        for t in ("序号", "权利要求技术特征", "被诉产品对应特征", "证据", "被申请人意见", "技术调查官意见")
    ]
    body = []
    for n, row in enumerate(data["rows"], start=1):
        answer = row["position_label"] or "未答复"
        if row["reason"]:
            answer += "：" + row["reason"]
        body.append(
            [
                CJKParagraph(str(n), cell),
                CJKParagraph(markup(row["claim_feature"]), cell),
                CJKParagraph(markup(row["accused_feature"]), cell),
                CJKParagraph(markup(row["exhibit"] or "—"), cell),
                CJKParagraph(markup(answer), cell),
                CJKParagraph(markup(row["comment"] or "—"), cell),
            ]
        )
    if not body:
        body = [[CJKParagraph("（尚无比对项）", cell), "", "", "", "", ""]]
    rows_table = Table([header, *body], colWidths=columns, repeatRows=1)
    story = [
        CJKParagraph(CHART_TITLE, s.title),
        _grid(head_table, label_column=True),
        Spacer(1, 5 * mm),
        _grid(rows_table, header_row=True),
        Spacer(1, 4 * mm),
        CJKParagraph(f"制表日期：{chinese_date(data['made_at'])}", s.small),
    ]
    return build_document(
        CHART_TITLE, f"案号：{data['case_number']}", story, created_at=data["made_at"], font=font
    )


def render_evidence_list(data: dict, *, font: PdfFont | None = None) -> bytes:
    """The evidence list (证据目录) of a docket with each file's hash, as PDF bytes.

    DATA holds case_number, case_title, made_at (aware), scope_label and exhibits: dicts with number,
    title, proves, source_label, obtained_on (date), file_name, size, sha256, chain_position,
    visibility_label and (for web captures) captured_url and captured_at.
    """
    s = styles(font)
    cell = ParagraphStyle("list-cell", s.cell, fontSize=9, leading=13)
    columns = (24 * mm, 48 * mm, 24 * mm, TEXT_WIDTH - 96 * mm)
    header = [
        CJKParagraph(t, cell) for t in ("编号", "证据名称及证明目的", "来源及取得日期", "文件及 SHA-256")
    ]
    body = []
    for e in data["exhibits"]:
        described = f"<b>{markup(e['title'])}</b><br/>{markup(e['proves'])}"
        if e.get("captured_url"):
            captured = local(e["captured_at"]).strftime("%Y-%m-%d %H:%M")
            described += f"<br/>网页地址：{markup(e['captured_url'])}<br/>截取时间：{captured}（北京时间）"
        body.append(
            [
                CJKParagraph(f"{markup(e['number'])}<br/>{markup(e['visibility_label'])}", cell),
                CJKParagraph(described, cell),
                CJKParagraph(f"{e['source_label']}<br/>{e['obtained_on'].isoformat()}", cell),
                [
                    CJKParagraph(f"{markup(e['file_name'])}<br/>{size_text(e['size'])}", cell),
                    CJKParagraph(markup(e["sha256"]), s.mono),
                    CJKParagraph(f"存证链第 {e['chain_position']} 号记录", cell),
                ],
            ]
        )
    if not body:
        body = [[CJKParagraph("（无）", cell), "", "", ""]]
    table = Table([header, *body], colWidths=columns, repeatRows=1)
    story = [
        CJKParagraph(LIST_TITLE, s.title),
        CJKParagraph(markup(f"案号：{data['case_number']}　　{data['case_title']}"), s.small),
        CJKParagraph(
            markup(f"范围：{data['scope_label']}　　制作日期：{chinese_date(data['made_at'])}"), s.small
        ),
        Spacer(1, 4 * mm),
        _grid(table, header_row=True),
    ]
    return build_document(
        LIST_TITLE, f"案号：{data['case_number']}", story, created_at=data["made_at"], font=font
    )
