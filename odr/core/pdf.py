"""Chinese PDF documents: the font, paragraph styles, line breaking and the page frame every layout shares.

Layouts (technical opinions, settlement agreements, rulings, receipts) build a list of flowables from
plain data and hand it to `build_document`, which returns the PDF bytes. The same data always gives
the same bytes, so a document can be re-rendered and compared with the SHA-256 stored for it.
"""

import functools
import html
import logging
import os
import re
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO
from pathlib import Path
from typing import NamedTuple

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.rl_accel import sameFrag
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFError, TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate
from reportlab.platypus.paragraph import FragLine, ParaLines, _handleBulletWidth, cjkU, makeCJKParaLine
from reportlab.rl_config import _FUZZ

from odr.core.timeutil import local

log = logging.getLogger(__name__)

PLATFORM_NAME = "梧州知识产权纠纷在线调解平台"

FONT_ENV = "ODR_PDF_FONT"
FONT_FILES = (
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
)
BUILTIN_FONT = "STSong-Light"  # Adobe's CID font: every PDF reader supplies it, nothing is embedded.
MONO_FONT = "Courier"  # for hashes and other ASCII that must line up; one of the PDF base-14 fonts.

PAGE_SIZE = A4
MARGINS = {"leftMargin": 28 * mm, "rightMargin": 26 * mm, "topMargin": 30 * mm, "bottomMargin": 28 * mm}

# Chinese line-breaking rules (禁则, after W3C clreq): marks that may not start a line, marks that may not
# end one, and marks that come in pairs which may not be split (——, ……).
NO_LINE_START = frozenset("，。、；：？！）》〉」』】〕〗］｝”’·・％‰℃～,.;:?!)]}%")
NO_LINE_END = frozenset("（《〈「『【〔〖［｛“‘([{￥$£")
UNSPLITTABLE = frozenset("—…")
MAX_HANG = 2


@dataclass(frozen=True)
class PdfFont:
    """A CJK font registered with reportlab under NAME; EMBEDDED unless the reader must supply it."""

    name: str
    embedded: bool
    path: str | None = None


def cjk_font() -> PdfFont:
    """The font Chinese text is set in, registered with reportlab on first use.

    ODR_PDF_FONT may name a TrueType .ttf/.ttc to embed, or 'STSong-Light' to embed nothing; otherwise
    the first Debian CJK TrueType font found is embedded, and STSong-Light is the last resort.
    """
    configured = os.environ.get(FONT_ENV, "").strip()
    if configured == BUILTIN_FONT:
        return _builtin_font()
    candidates = (configured, *FONT_FILES) if configured else FONT_FILES
    for path in candidates:
        if Path(path).is_file() and (font := _embedded_font(path)):
            return font
        if path == configured:
            log.warning("%s=%s is not a TrueType font file; looking further", FONT_ENV, path)
    return _builtin_font()


@functools.cache
def _embedded_font(path: str) -> PdfFont | None:
    name = "CJK-" + Path(path).stem
    try:
        pdfmetrics.registerFont(TTFont(name, path, subfontIndex=0))
    except TTFError as exc:  # e.g. CFF-based OpenType (Noto CJK), which reportlab cannot embed
        log.warning("cannot embed %s: %s", path, exc)
        return None
    return PdfFont(name=name, embedded=True, path=path)


@functools.cache
def _builtin_font() -> PdfFont:
    pdfmetrics.registerFont(UnicodeCIDFont(BUILTIN_FONT))
    return PdfFont(name=BUILTIN_FONT, embedded=False)


class Styles(NamedTuple):
    title: ParagraphStyle
    heading: ParagraphStyle
    body: ParagraphStyle
    small: ParagraphStyle
    cell: ParagraphStyle
    mono: ParagraphStyle


def styles(font: PdfFont | None = None) -> Styles:
    """Paragraph styles for Chinese documents set in FONT (default: `cjk_font()`).

    They are shared between documents: derive a style from one (`ParagraphStyle(name, parent)`) rather
    than change it.
    """
    return _styles((font or cjk_font()).name)


@functools.cache
def _styles(font_name: str) -> Styles:
    # Sizes follow Chinese print practice: 小二 title, 四号 headings, 小四 body, 五号 small and tables.
    # Left-aligned rather than justified: reportlab justifies by stretching spaces, and Chinese has none.
    base = ParagraphStyle("cjk", fontName=font_name, wordWrap="CJK", alignment=TA_LEFT)
    return Styles(
        title=ParagraphStyle("cjk-title", base, fontSize=18, leading=26, alignment=TA_CENTER, spaceAfter=6),
        heading=ParagraphStyle(
            "cjk-heading", base, fontSize=14, leading=22, spaceBefore=10, spaceAfter=4, keepWithNext=1
        ),
        body=ParagraphStyle("cjk-body", base, fontSize=12, leading=21, firstLineIndent=24, spaceAfter=3),
        small=ParagraphStyle("cjk-small", base, fontSize=10.5, leading=16),
        cell=ParagraphStyle("cjk-cell", base, fontSize=10.5, leading=15),
        mono=ParagraphStyle("cjk-mono", base, fontName=MONO_FONT, fontSize=8, leading=11),
    )


class CJKParagraph(Paragraph):
    """A Paragraph that wraps Chinese by character and keeps the line-breaking rules (禁则).

    ReportLab's own CJK wrapping hangs a single closing mark into the margin, and only some of them: it
    knows nothing of ，；：？！》” or of opening marks. This one carries the last character over with
    the mark instead (推出), so lines stay inside the frame, no line starts with a closing mark and none
    ends with an opening one. Latin words and numbers are kept whole where they fit.
    """

    def breakLinesCJK(self, maxWidths):
        # Platypus wraps a paragraph several times at the same width (a table sizing then drawing its
        # cells, KeepTogether and keepWithNext measuring before the frame places it), and breaking lines
        # is most of the cost of a document. The lines depend only on the width, so they are kept.
        if getattr(self, "_splitpara", 0):
            return self._break_lines(maxWidths)
        key = tuple(maxWidths) if isinstance(maxWidths, (list, tuple)) else (maxWidths,)
        kept = self.__dict__.get("_lines_by_width")
        if kept is None or kept[0] != key:
            kept = self._lines_by_width = (key, self._break_lines(maxWidths))
        return kept[1]

    def _break_lines(self, maxWidths):
        if not isinstance(maxWidths, (list, tuple)):
            maxWidths = [maxWidths]
        if not self.frags:
            return super().breakLinesCJK(maxWidths)
        if hasattr(self, "blPara") and getattr(self, "_splitpara", 0):
            return self.blPara  # the first part of a split paragraph keeps the lines it was cut with
        self.height = 0
        _handleBulletWidth(self.bulletText, self.style, maxWidths)
        autoLeading = getattr(self, "autoLeading", getattr(self.style, "autoLeading", ""))
        return break_lines(self.frags, maxWidths, calc_bounds=autoLeading not in ("", "off"))

    def _get_split_blParaFunc(self):
        # ReportLab joins the lines of a split paragraph with spaces (appended to the frags the first part
        # still draws), which Chinese must not get.
        return _frags_of_lines


def _frags_of_lines(bl_para, start, stop):
    return [word for line in bl_para.lines[start:stop] for word in line.words]


def break_lines(frags, max_widths, calc_bounds=False) -> ParaLines:
    """FRAGS cut into lines no wider than MAX_WIDTHS (one per line, the last repeats), keeping 禁则."""
    glyphs = _glyphs(frags)
    lines = []
    start = 0
    while start < len(glyphs):
        max_width = max_widths[min(len(lines), len(max_widths) - 1)]
        end, forced = _line_end(glyphs, start, max_width)
        line = glyphs[start:end]
        visible = sum(_width(g, max_width) for g in line[: len(_rstrip(line))])
        lines.append(_para_line(line, max_width, visible, max_width - visible, forced, calc_bounds))
        start = end
    return ParaLines(kind=1, lines=lines)


@functools.lru_cache(maxsize=65536)
def _char_width(char: str, font_name: str, font_size: float) -> float:
    return pdfmetrics.stringWidth(char, font_name, font_size)


def _glyphs(frags) -> list[cjkU]:
    """One glyph per character, each knowing its frag and width: reportlab's cjkU, with the widths of
    characters already seen taken from a cache instead of measured again."""
    glyphs = []
    for frag in frags:
        text = frag.text or ""
        if not text or hasattr(frag, "cbDefn"):  # empty frags and images: as reportlab makes them
            glyphs.extend(cjkU(c, frag, "utf8") for c in (text or [""]))
            continue
        font_name, font_size = frag.fontName, frag.fontSize
        for char in text:
            glyph = str.__new__(cjkU, char)
            glyph._frag = frag
            glyph._width = _char_width(char, font_name, font_size)
            glyphs.append(glyph)
    return glyphs


def _para_line(line, max_width, used, extra, forced, calc_bounds) -> FragLine:
    """The FragLine reportlab's makeCJKParaLine builds for LINE, made once per run of glyphs sharing a
    frag rather than once per glyph (the same result, for text without inline images)."""
    if any(hasattr(g.frag, "cbDefn") for g in line):
        return makeCJKParaLine(line, max_width, used, extra, forced, calc_bounds)
    words, max_size, max_ascent, min_descent = [], 0, 0, 0
    run_frag, run = None, []
    for glyph in line:
        frag = glyph.frag
        if frag is not run_frag and (run_frag is None or not sameFrag(run_frag, frag)):
            if run_frag is not None:
                words.append(_word(run_frag, run))
            run_frag, run = frag, []
            ascent, descent = pdfmetrics.getAscentDescent(frag.fontName, frag.fontSize)
            max_size = max(max_size, frag.fontSize)
            max_ascent, min_descent = max(max_ascent, ascent), min(min_descent, descent)
        run.append(glyph)
    if run_frag is not None:
        words.append(_word(run_frag, run))
    return FragLine(
        kind=1,
        extraSpace=extra,
        wordCount=1,
        words=words,
        fontSize=max_size,
        ascent=max_ascent,
        descent=min_descent,
        maxWidth=max_width,
        currentWidth=used,
        lineBreak=forced,
    )


def _word(frag, glyphs):
    word = frag.clone()
    word.text = "".join(glyphs)
    return word


def _line_end(glyphs, start, max_width):
    """Where the line beginning at START ends, and whether a <br/> ends it."""
    used = 0
    for i in range(start, len(glyphs)):
        if hasattr(glyphs[i].frag, "lineBreak"):
            return i + 1, True
        used += _width(glyphs[i], max_width)
        if used > max_width + _FUZZ and i > start:
            return _break_before(glyphs, start, i), False
    return len(glyphs), False


def _break_before(glyphs, start, overflow):
    """Where to end a line that runs from START and cannot hold glyph OVERFLOW.

    First choice keeps Latin words and numbers whole; second splits one wider than the line but still
    keeps 禁则. Only a line too narrow for a phrase such as （完）。 lets up to MAX_HANG marks hang in the
    margin, and only a longer run of closing marks is cut anywhere.
    """
    for strict in (True, False):
        for j in range(overflow, start, -1):
            if (end := _break_at(glyphs, j, strict)) is not None:
                return end
    for j in range(overflow + 1, min(overflow + MAX_HANG, len(glyphs)) + 1):
        if (end := _break_at(glyphs, j, strict=False)) is not None:
            return end
    return overflow


def _break_at(glyphs, j, strict):
    """The end of a line broken before glyph J (spaces there stay, invisible, on the line), or None."""
    after = _skip_spaces(glyphs, j)
    if after == len(glyphs) or _may_break(glyphs[j - 1], glyphs[after], strict, spaced=after > j):
        return after
    return None


def _may_break(before: str, after: str, strict: bool, spaced: bool) -> bool:
    if after in NO_LINE_START or before in NO_LINE_END:
        return False
    if before == after and before in UNSPLITTABLE:
        return False
    return not (strict and not spaced and _in_word(before) and _in_word(after))


def _in_word(char: str) -> bool:
    """Whether CHAR belongs to a Latin word or number, which is not broken where it can be avoided."""
    return bool(char) and char != " " and ord(char) < 0x2E80


def _skip_spaces(glyphs, i):
    while i < len(glyphs) and glyphs[i] == " ":
        i += 1
    return i


def _rstrip(line):
    end = len(line)
    while end and line[end - 1] == " ":
        end -= 1
    return line[:end]


def _width(glyph, max_width):
    width = glyph.width
    if hasattr(width, "normalizedValue"):  # an image sized in % of the line
        width._normalizer = max_width
        width = width.normalizedValue(max_width)
    return width


_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def markup(text: str) -> str:
    """User TEXT as Paragraph markup: <, > and & shown as typed, newlines as line breaks."""
    text = _CONTROL_CHARS.sub("", (text or "").replace("\r\n", "\n").replace("\r", "\n"))
    return html.escape(text, quote=False).replace("\n", "<br/>")


def text_paragraphs(text: str, style: ParagraphStyle) -> list[CJKParagraph]:
    """User TEXT as paragraphs in STYLE: a blank line starts a new paragraph, a newline a new line."""
    blocks = re.split(r"\n[ \t\u3000]*\n", (text or "").replace("\r\n", "\n").replace("\r", "\n"))
    paragraphs = []
    for block in blocks:
        lines = [line.strip() for line in block.strip().split("\n")]
        if any(lines):
            paragraphs.append(CJKParagraph(markup("\n".join(lines)), style))
    return paragraphs


CN_DIGITS = "〇一二三四五六七八九"


def chinese_numeral_date(value: datetime) -> str:
    """VALUE (aware) as the date in Beijing in Chinese numerals, as courts and commissions sign their
    documents: 二〇二六年十二月六日."""
    day = local(value)

    def small(n: int) -> str:
        tens, units = divmod(n, 10)
        return ("" if tens == 0 else ("十" if tens == 1 else CN_DIGITS[tens] + "十")) + (
            CN_DIGITS[units] if units or tens == 0 else ""
        )

    year = "".join(CN_DIGITS[int(d)] for d in str(day.year))
    return f"{year}年{small(day.month)}月{small(day.day)}日"


def chinese_date(value: datetime) -> str:
    """VALUE (aware) as the date in Beijing, written the Chinese way: 2026年11月26日."""
    day = local(value)
    return f"{day.year}年{day.month}月{day.day}日"


def build_document(
    title: str,
    reference: str,
    story: list[Flowable],
    *,
    created_at: datetime,
    font: PdfFont | None = None,
    header: bool = True,
    author: str | None = None,
) -> bytes:
    """STORY laid out on A4 pages headed with REFERENCE and numbered 第 X 页 共 Y 页, as PDF bytes.

    HEADER False leaves out the platform's running head: a court's ruling or a commission's award is
    that body's own document, not the platform's. AUTHOR is the issuing body (the platform by default).

    CREATED_AT (aware) is written as the creation date; with everything else in invariant mode the
    same arguments always give the same bytes (unless SOURCE_DATE_EPOCH changes, which reportlab
    mixes into the file identifier).
    """
    font = font or cjk_font()
    out = BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=PAGE_SIZE,
        title=title,
        author=author or PLATFORM_NAME,
        creator=author or PLATFORM_NAME,
        subject=reference,
        lang="zh-CN",
        displayDocTitle=True,
        invariant=1,
        **MARGINS,
    )
    pdf_date = local(created_at).strftime("D:%Y%m%d%H%M%S+08'00'")

    def make_canvas(*args, **kwargs):
        return _FramedCanvas(
            *args, reference=reference, font_name=font.name, pdf_date=pdf_date, header=header, **kwargs
        )

    doc.build(list(story), canvasmaker=make_canvas)
    return out.getvalue()


class _FramedCanvas(Canvas):
    """Holds pages back until the document is complete, then draws header and 第 X 页 共 Y 页 on each."""

    def __init__(self, *args, reference: str, font_name: str, pdf_date: str, header: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self._header = header
        self._reference = reference
        self._font_name = font_name
        self.setDateFormatter(lambda *_: pdf_date)
        self._held_pages = []

    def showPage(self):
        self._held_pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        total = len(self._held_pages)
        for number, page in enumerate(self._held_pages, start=1):
            self.__dict__.update(page)
            self._draw_frame(number, total)
            super().showPage()
        super().save()

    def _draw_frame(self, number: int, total: int):
        width, height = self._pagesize
        left, right = MARGINS["leftMargin"], width - MARGINS["rightMargin"]
        self.saveState()
        self.setFont(self._font_name, 9)
        self.setFillColor(colors.HexColor("#555555"))
        if self._header:
            self.drawString(left, height - 20 * mm, PLATFORM_NAME)
            self.drawRightString(right, height - 20 * mm, self._reference)
            self.setStrokeColor(colors.HexColor("#999999"))
            self.setLineWidth(0.5)
            self.line(left, height - 22 * mm, right, height - 22 * mm)
        self.drawCentredString(width / 2, 15 * mm, f"第 {number} 页 共 {total} 页")
        self.restoreState()
