"""The pieces Chinese legal documents share: numbering in Chinese, party introductions, ruled tables,
signing lines, dates and sizes written the Chinese way. The agreement, ruling, application and award
layouts are built from them, so that they look alike."""

import functools
import re
from datetime import date, datetime

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Spacer, Table, TableStyle

from odr.audit.signing import format_time
from odr.core.pdf import MARGINS, MONO_FONT, PAGE_SIZE, CJKParagraph, chinese_date, markup, text_paragraphs
from odr.core.timeutil import local

TEXT_WIDTH = PAGE_SIZE[0] - MARGINS["leftMargin"] - MARGINS["rightMargin"]
GRID = colors.HexColor("#888888")
SHADE = colors.HexColor("#f2f2f2")
SIGNING_COLUMNS = (TEXT_WIDTH - 16 * mm - 40 * mm - 34 * mm, 16 * mm, 40 * mm, 34 * mm)
_DIGITS = "零一二三四五六七八九"


def text_paras(text: str, style: ParagraphStyle) -> list[CJKParagraph]:
    """`text_paragraphs` of TEXT as paragraphs that keep their line breaks."""
    return [CJKParagraph(None, p.style, frags=p.frags) for p in text_paragraphs(text, style)]


def chinese_numeral(n: int) -> str:
    """N (1 to 999) in Chinese numerals as clauses and items are numbered: 一, 十二, 二十, 一百零五."""
    if not 1 <= n <= 999:
        raise ValueError(f"{n} is outside 1-999")
    hundreds, rest = divmod(n, 100)
    tens, units = divmod(rest, 10)
    out = f"{_DIGITS[hundreds]}百" if hundreds else ""
    if tens:
        out += ("" if tens == 1 and not hundreds else _DIGITS[tens]) + "十"
    elif hundreds and units:
        out += "零"
    return out + (_DIGITS[units] if units else "")


def party_paragraphs(party, s, *, side_label=None):
    """PARTY the way Chinese legal documents introduce one: name, kind, identity number, address; agent.

    PARTY holds side_label, name, kind_label, identity_label, identity_number (may be empty), address,
    agent_name and agent_firm (the last three may be None); SIDE_LABEL replaces the party's own label.
    """
    x = extra_styles(s)
    label = side_label or party["side_label"]
    text = f"{label}：{markup(party['name'])}（{markup(party['kind_label'])}）"
    if party.get("identity_number"):
        text += f"，{markup(party['identity_label'])}：{markup(party['identity_number'])}"
    if party.get("address"):
        text += f"，住所：{markup(party['address'])}"
    paragraphs = [CJKParagraph(text + "。", x.party)]
    if party.get("representative"):
        title = party.get("representative_title") or "法定代表人"
        paragraphs.append(CJKParagraph(f"{markup(title)}：{markup(party['representative'])}。", x.party))
    if party.get("agent_name"):
        agent = f"委托代理人：{markup(party['agent_name'])}"
        if party.get("agent_firm"):
            agent += f"，{markup(party['agent_firm'])}"
        paragraphs.append(CJKParagraph(agent + "。", x.party))
    return paragraphs


def addressee(court_name, s):
    """此致 and the court, as a letter to the court closes."""
    return [CJKParagraph("此致", s.body), CJKParagraph(markup(court_name), extra_styles(s).plain)]


def joined_names(parties):
    return "、".join(markup(party["name"]) for party in parties)


def case_block(rows, s):
    cells = [[CJKParagraph(label, s.cell), CJKParagraph(markup(value), s.cell)] for label, value in rows]
    return grid(cells, (28 * mm, TEXT_WIDTH - 28 * mm), shade=(0, -1))


def grid(rows, widths, *, shade=(-1, 0)):
    """A ruled table, the cells to SHADE (the header row, repeated on each page, unless told otherwise).

    Its padding is narrower than reportlab's so that dates and amounts fit in their columns.
    """
    table = Table(rows, colWidths=widths, repeatRows=1 if shade == (-1, 0) else 0)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, GRID),
                ("BACKGROUND", (0, 0), shade, SHADE),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (-1, -1), 4),
                ("RIGHTPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    return table


def signing_lines(signers, s, *, signed_on=None, before=()):
    """One row per (capacity, name) in SIGNERS with a blank line to sign on, kept whole with BEFORE.

    The date is SIGNED_ON (aware) when given, else left blank to fill in by hand.
    """
    # A plain string, not a paragraph, so that the ideographic spaces left to write in are not collapsed.
    day = chinese_date(signed_on) if signed_on else "　　年　　月　　日"
    rows = [
        [CJKParagraph(f"{markup(capacity)}：{markup(name)}", s.cell), CJKParagraph("签章：", s.cell), "", day]
        for capacity, name in signers
    ]
    table = Table(rows, colWidths=SIGNING_COLUMNS)
    table.setStyle(
        TableStyle(
            [
                # With the paragraphs' leading, the string's baseline lines up with theirs.
                ("FONT", (3, 0), (3, -1), s.cell.fontName, s.cell.fontSize, s.cell.leading),
                ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                ("TOPPADDING", (0, 0), (-1, -1), 16),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                ("LINEBELOW", (2, 0), (2, -1), 0.75, colors.black),
            ]
        )
    )
    # Kept whole so that no signer is left alone on a page after the text they sign.
    return KeepTogether([*before, Spacer(1, 4 * mm), table])


def mono(text):
    return f'<font name="{MONO_FONT}" size="8">{markup(text)}</font>'


def moment(value: datetime, *, seconds=False, wrap=False) -> str:
    """VALUE (aware) in Beijing as 2026年11月28日 15:42, with seconds if SECONDS, time on a new line if WRAP."""
    t = local(value)
    clock = t.strftime("%H:%M:%S" if seconds else "%H:%M")
    return f"{t.year}年{t.month}月{t.day}日{'<br/>' if wrap else ' '}{clock}"


def day_text(value: date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


def size_text(size: int | None) -> str:
    """SIZE in bytes the way people read it: 812 B, 35.2 KB, 4.7 MB; a dash if unknown."""
    if size is None:
        return "—"
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


class ExtraStyles:
    """Styles these layouts derive from the shared ones (see `odr.core.pdf.styles`)."""

    def __init__(self, s):
        self.plain = ParagraphStyle("agr-plain", s.body, firstLineIndent=0)
        self.party = ParagraphStyle("agr-party", s.body, spaceAfter=2)
        self.clause = ParagraphStyle("agr-clause", s.body, firstLineIndent=0, spaceBefore=6, keepWithNext=1)
        self.centred = ParagraphStyle("agr-centred", s.small, alignment=TA_CENTER)
        self.right = ParagraphStyle("agr-right", s.body, firstLineIndent=0, alignment=TA_RIGHT)
        self.amount_cell = ParagraphStyle("agr-amount", s.cell, alignment=TA_RIGHT)
        self.mono_cell = ParagraphStyle("agr-mono-cell", s.mono, leading=15)
        self.digest = ParagraphStyle("agr-digest", s.mono, fontSize=9, leading=13)


@functools.cache
def extra_styles(s) -> ExtraStyles:
    return ExtraStyles(s)


_LEADING_NUMBER = re.compile(
    r"^\s*(?:[（(]\s*(?:\d+|[一二三四五六七八九十]+)\s*[)）]|(?:\d+|[一二三四五六七八九十]+)\s*[.．、,，)）])\s*"
)


def without_number(text: str) -> str:
    """TEXT without the numbering a user typed before it ("1. 赔偿…" → "赔偿…"): the document numbers it."""
    return _LEADING_NUMBER.sub("", text or "", count=1).strip()


def fragment(text: str) -> str:
    """TEXT without closing punctuation, to be set inside a sentence ("……仲裁。" → "……仲裁")."""
    return (text or "").strip().rstrip("。．.，,；;：:！!？? ")


def checkpoint_block(checkpoint: dict | None, s) -> list:
    """The audit chain's signed checkpoint as a document prints it (存证校验点): a short line with the
    position, the start of the head hash and the time; how to check it, with every value needed; and a
    QR code of the checking page with those values filled in. Nothing when CHECKPOINT is None.

    CHECKPOINT holds position, head_hash, created_at (aware), signature and url (see
    `odr.audit.checkpoints.document_data`).
    """
    if not checkpoint:
        return []
    note = ParagraphStyle("checkpoint-note", s.small, fontSize=8, leading=11)
    when = local(checkpoint["created_at"]).strftime("%Y-%m-%d %H:%M:%S")
    line = (
        f"存证校验点：第 {checkpoint['position']} 号 · {checkpoint['head_hash'][:16]}… · {when}（北京时间）"
    )
    page = checkpoint["url"].split("?", 1)[0]
    how = (
        "核验方法：扫描右侧二维码，或访问 "
        + markup(page)
        + " 输入以下位置、哈希、时间与签名，即可查验本校验点是否由本平台密钥签署，以及存证链在该位置及之前的"
        "记录此后有无改动或删除；平台公钥载于该页面，亦可据以自行核验签名。"
    )
    values = (
        f"位置 {_small_mono(checkpoint['position'])}　时间 {_small_mono(format_time(checkpoint['created_at']))}"
        f"<br/>哈希 {_small_mono(checkpoint['head_hash'])}"
    )
    size = 24 * mm
    widget = QrCodeWidget(checkpoint["url"], barLevel="M")
    x0, y0, x1, y1 = widget.getBounds()
    code = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    code.add(widget)
    rows = [
        [CJKParagraph(line, ParagraphStyle("checkpoint-line", s.small, fontSize=9.5, leading=14)), ""],
        [[CJKParagraph(how, note), CJKParagraph(values, note)], code],
        # The signature on a line of its own, the full width, so that it is never broken.
        [CJKParagraph(f"签名 {_small_mono(checkpoint['signature'])}", note), ""],
    ]
    table = Table(rows, colWidths=(TEXT_WIDTH - size - 4 * mm, size + 4 * mm))
    table.setStyle(
        TableStyle(
            [
                ("SPAN", (0, 0), (1, 0)),
                ("SPAN", (0, 2), (1, 2)),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("ALIGN", (1, 1), (1, 1), "RIGHT"),
                ("LINEABOVE", (0, 0), (-1, 0), 0.5, GRID),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
            ]
        )
    )
    return [Spacer(1, 6 * mm), KeepTogether([table])]


def _small_mono(text):
    return f'<font name="{MONO_FONT}" size="7">{markup(str(text))}</font>'
