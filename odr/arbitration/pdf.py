"""Arbitral awards and hearing records as Chinese PDFs.

The award (裁决书) of the arbitration commission, contested or made on the terms of the parties' settlement,
and the record of a hearing (庭审笔录) with who confirmed it. Each takes plain data and returns PDF bytes;
the same data always gives the same bytes, so a stored SHA-256 can be checked by rendering again.
"""

import functools
from datetime import UTC, datetime

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Spacer, Table, TableStyle

# The settlement-agreement layouts already hold the pieces Chinese legal documents share: party
# introductions, ruled tables, the paragraph that keeps its line breaks. Reused rather than copied so
# that an award looks like the agreement and the ruling it may follow.
from odr.core.legal_pdf import (
    TEXT_WIDTH,
    case_block,
    checkpoint_block,
    chinese_numeral,
    extra_styles,
    fragment,
    grid,
    joined_names,
    moment,
    party_paragraphs,
    text_paras,
    without_number,
)
from odr.core.pdf import (
    PLATFORM_NAME,
    CJKParagraph,
    PdfFont,
    build_document,
    chinese_date,
    chinese_numeral_date,
    markup,
    styles,
)

AWARD_TITLE = "裁决书"
HEARING_RECORD_TITLE = "庭审笔录"
AWARD_KINDS = ("award", "consent_award")

ARBITRATION_LAW = "《中华人民共和国仲裁法》"
CIVIL_PROCEDURE_LAW = "《中华人民共和国民事诉讼法》"
FINALITY = "本裁决为终局裁决，自作出之日起发生法律效力。"
ENFORCEMENT = (
    "当事人应当自觉履行本裁决。一方当事人不履行的，另一方当事人可以依照"
    f"{CIVIL_PROCEDURE_LAW}的有关规定，向有管辖权的人民法院申请执行。"
)
SECRETARY_LABEL = "仲裁秘书"
SEAL_PLACEHOLDER = "（仲裁委员会印章）"

# Role (首席仲裁员 is five characters of 12 pt) and name, set as a block at the right of the page.
SIGNATURE_BLOCK_COLUMNS = (30 * mm, 34 * mm)
ATTENDEE_COLUMNS = (60 * mm, TEXT_WIDTH - 60 * mm)
# 序号, 姓名, when they confirmed (2026年12月10日 12:01:05 on one line, 46 mm in WenQuanYi Zen Hei), the
# objection (the rest).
CONFIRMATION_COLUMNS = (12 * mm, 28 * mm, 50 * mm, TEXT_WIDTH - 90 * mm)
# The creation date of a record that carries no time at all: fixed, so that its bytes still repeat.
NO_TIME = datetime(1970, 1, 1, tzinfo=UTC)


# --- 裁决书 -------------------------------------------------------------------------------------------


def render_award(data: dict, *, font: PdfFont | None = None) -> bytes:
    """The award of the arbitral tribunal described by DATA, as PDF bytes.

    DATA holds commission_name, award_number, kind ("award", or "consent_award" for one made on the terms
    of a settlement reached during the arbitration), arbitration_case_number, platform_case_number (or
    None), case_title, claimants and respondents (party dicts, see `odr.agreements.pdf._party_paragraphs`),
    arbitration_basis (what the commission relies on, read after 根据: 申请人与被申请人于……签订的《……》第五条
    约定的仲裁条款), applied_at, formed_at, issued_at (aware), tribunal (dicts: role_label, name),
    track_label, hearings (dicts: held_at, place), claims and counterclaims (lists of str), defence, facts_found
    and reasons (text, may be empty), decisions (list of str), settlement_terms (dicts: title, text; consent
    awards), costs (text), dissent (None or dict: arbitrator_name, text), signatures (dicts: role_label, name)
    and secretary_name (or None).
    """
    if data["kind"] not in AWARD_KINDS:
        raise ValueError(f"unknown kind of award {data['kind']!r}")
    s = styles(font)
    x = extra_styles(s)
    consent = data["kind"] == "consent_award"
    story = [
        CJKParagraph(markup(data["commission_name"]), s.title),
        CJKParagraph(" ".join(AWARD_TITLE), s.title),
        CJKParagraph(markup(data["award_number"]), x.right),
        Spacer(1, 3 * mm),
        *[p for party in (*data["claimants"], *data["respondents"]) for p in party_paragraphs(party, s)],
        *[CJKParagraph(text, s.body) for text in _procedure(data, consent)],
        CJKParagraph("一、案情", s.heading),
        *_case(data, consent, s),
        CJKParagraph("二、仲裁庭意见", s.heading),
        *_opinion(data, consent, s),
        CJKParagraph("三、裁决", s.heading),
        *_decision(data, consent, s),
    ]
    closing = [CJKParagraph(FINALITY, s.body)]
    if not consent:
        closing.append(CJKParagraph(ENFORCEMENT, s.body))
    if data.get("dissent"):
        closing += _dissent(data["dissent"], s)
    # The last paragraph goes with the signatures, so that they never stand alone on a page, and so do
    # the heading and lead-in before it: reportlab does not keep those with a KeepTogether that follows.
    tail = [closing.pop()]
    while closing and closing[-1].getKeepWithNext():
        tail.insert(0, closing.pop())
    story += [*closing, KeepTogether([*tail, Spacer(1, 10 * mm), _award_signatures(data, s)])]
    story += checkpoint_block(data.get("checkpoint"), s)
    # The commission's own document: no platform running head.
    return build_document(
        AWARD_TITLE,
        data["award_number"],
        story,
        created_at=data["issued_at"],
        font=font,
        header=False,
        author=data["commission_name"],
    )


def _procedure(data, consent):
    """How the case came to the commission and was heard, as the paragraphs before 一、案情."""
    commission = markup(data["commission_name"])
    intake = (
        f"{commission}（以下简称本会）根据{markup(fragment(data['arbitration_basis']))}，以及申请人"
        f"{joined_names(data['claimants'])}于{chinese_date(data['applied_at'])}向本会提交的书面仲裁申请，"
        f"受理了申请人与被申请人之间的{markup(fragment(data['case_title']))}一案，"
        f"案号为{markup(data['arbitration_case_number'])}。"
    )
    if data.get("platform_case_number"):
        intake += f"本案纠纷曾经{PLATFORM_NAME}调解（调解案号：{markup(data['platform_case_number'])}）。"
    tribunal = "、".join(f"{markup(m['role_label'])}{markup(m['name'])}" for m in data["tribunal"])
    formed = (
        f"本案适用{markup(data['track_label'])}审理。{chinese_date(data['formed_at'])}，"
        f"由{tribunal}组成仲裁庭，审理本案。"
    )
    hearings = data["hearings"]
    if hearings:
        sittings = "，".join(f"{chinese_date(h['held_at'])}在{markup(h['place'])}" for h in hearings)
        heard = f"仲裁庭于{sittings}开庭审理了本案。"
    else:
        heard = "仲裁庭根据当事人的约定，依据书面材料对本案进行了审理。"
    if consent:
        heard += "在仲裁过程中，双方当事人自行达成和解协议，并请求仲裁庭根据和解协议的内容作出裁决。"
    heard += "本案已审理终结，现将本案案情、仲裁庭意见和裁决内容分述如下："
    return [intake, formed, heard]


def _case(data, consent, s):
    story = []
    if data["claims"]:
        story.append(CJKParagraph(f"申请人{joined_names(data['claimants'])}提出如下仲裁请求：", _lead(s)))
        story += _items(data["claims"], s)
    if data.get("defence"):
        story.append(CJKParagraph(f"被申请人{joined_names(data['respondents'])}答辩称：", _lead(s)))
        story += text_paras(data["defence"], s.body)
    if data.get("counterclaims"):
        story.append(
            CJKParagraph(f"被申请人{joined_names(data['respondents'])}提出如下仲裁反请求：", _lead(s))
        )
        story += _items(data["counterclaims"], s)
    if consent:
        x = extra_styles(s)
        story.append(CJKParagraph("在仲裁过程中，双方当事人自行达成和解协议，主要内容如下：", _lead(s)))
        for n, term in enumerate(data["settlement_terms"], start=1):
            if term.get("title"):
                story.append(CJKParagraph(f"第{chinese_numeral(n)}条　{markup(term['title'])}", x.clause))
                story += text_paras(term["text"], s.body)
            else:  # a term without a heading reads as one numbered paragraph
                story.append(CJKParagraph(f"第{chinese_numeral(n)}条　{markup(term['text'])}", s.body))
    return story


def _opinion(data, consent, s):
    story = []
    if consent:
        story.append(
            CJKParagraph(
                "仲裁庭经审查认为，上述和解协议系双方当事人的真实意思表示，内容不违反法律、行政法规的强制性"
                "规定，不损害国家利益、社会公共利益和他人的合法权益，仲裁庭予以确认。",
                s.body,
            )
        )
    if data.get("facts_found"):
        story += [CJKParagraph("经审理查明：", _lead(s)), *text_paras(data["facts_found"], s.body)]
    if data.get("reasons"):
        story += [CJKParagraph("仲裁庭认为：", _lead(s)), *text_paras(data["reasons"], s.body)]
    return story


def _decision(data, consent, s):
    if consent:
        lead = (
            f"依照{ARBITRATION_LAW}关于当事人自行和解后可以请求仲裁庭根据和解协议作出裁决的规定，"
            "仲裁庭根据双方当事人的和解协议，裁决如下："
        )
    else:
        lead = f"综上，依照{ARBITRATION_LAW}的有关规定，仲裁庭裁决如下："
    # The allocation of the fees is the last item the tribunal decides, numbered on from the others.
    items = [*data["decisions"], *([data["costs"]] if data.get("costs") else [])]
    numbered = [
        p
        for n, item in enumerate(filter(None, map(without_number, items)), start=1)
        for p in text_paras(f"{chinese_numeral(n)}、{item}", s.body)
    ]
    return [CJKParagraph(lead, _lead(s)), *numbered]


def _dissent(dissent, s):
    name = markup(dissent["arbitrator_name"])
    return [
        CJKParagraph("仲裁员不同意见", s.heading),
        CJKParagraph(
            f"本裁决系根据仲裁庭多数仲裁员的意见作出。仲裁员{name}对本裁决持不同意见，其意见如下：", _lead(s)
        ),
        *text_paras(dissent["text"], s.body),
    ]


def _award_signatures(data, s):
    """Each arbitrator's role and name, the date in Chinese numerals under the commission's seal, and
    the secretary, at the right of the page."""
    plain = extra_styles(s).plain
    rows = [
        [CJKParagraph(markup(sig["role_label"]), plain), CJKParagraph(markup(sig["name"]), plain)]
        for sig in data["signatures"]
    ]
    rows.append([CJKParagraph(chinese_numeral_date(data["issued_at"]), plain), ""])
    date_row = len(rows) - 1
    rows.append([CJKParagraph(SEAL_PLACEHOLDER, plain), ""])
    seal_row = len(rows) - 1
    rows.append(
        [CJKParagraph(SECRETARY_LABEL, plain), CJKParagraph(markup(data.get("secretary_name") or ""), plain)]
    )
    block = Table(rows, colWidths=SIGNATURE_BLOCK_COLUMNS, hAlign="RIGHT")
    block.setStyle(
        TableStyle(
            [
                ("SPAN", (0, date_row), (1, date_row)),
                ("SPAN", (0, seal_row), (1, seal_row)),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, date_row), (-1, date_row), 10),
                ("BOTTOMPADDING", (0, seal_row), (-1, seal_row), 10),
            ]
        )
    )
    return block


def _items(texts, s):
    """TEXTS numbered 1．2．… as claims are listed (whatever numbering the party typed is dropped)."""
    texts = [t for t in map(without_number, texts) if t]
    return [p for n, text in enumerate(texts, start=1) for p in text_paras(f"{n}．{text}", s.body)]


@functools.cache
def _lead(s) -> ParagraphStyle:
    """Body text that introduces what follows (……如下：) and so is never left at the foot of a page."""
    return ParagraphStyle("arb-lead", s.body, keepWithNext=1)


# --- 庭审笔录 -----------------------------------------------------------------------------------------


def render_hearing_record(data: dict, *, font: PdfFont | None = None) -> bytes:
    """The record of a hearing and who confirmed it or objected to it, as PDF bytes.

    DATA holds commission_name, arbitration_case_number, case_title, held_at and ended_at (aware or None),
    place, tribunal (dicts: role_label, name), attendees (dicts: role_label, name), record_text (text; a
    blank line separates paragraphs) and confirmations (dicts: name, confirmed_at (aware or None),
    objection (str or None)).
    """
    s = styles(font)
    x = extra_styles(s)
    tribunal = "、".join(f"{m['role_label']}{m['name']}" for m in data["tribunal"])
    case_rows = [
        ("仲裁案号", data["arbitration_case_number"]),
        ("案件名称", data["case_title"]),
        ("开庭时间", _time_or_blank(data["held_at"])),
        ("闭庭时间", _time_or_blank(data["ended_at"])),
        ("开庭地点", data["place"]),
        ("仲裁庭", tribunal),
    ]
    confirmed = [c["confirmed_at"] for c in data["confirmations"] if c["confirmed_at"]]
    story = [
        CJKParagraph(markup(data["commission_name"]), s.title),
        CJKParagraph(HEARING_RECORD_TITLE, s.title),
        Spacer(1, 2 * mm),
        case_block(case_rows, s),
        CJKParagraph("出席人员", s.heading),
        _attendees(data["attendees"], s),
        CJKParagraph("庭审记录", s.heading),
        # Unindented, so that a speaker's turn starts at the margin whether a newline or a blank line ends
        # the one before.
        *(text_paras(data["record_text"], x.plain) or [CJKParagraph("（无记录）", x.plain)]),
        CJKParagraph("笔录确认", s.heading),
        CJKParagraph(
            f"以上笔录经下列人员通过{PLATFORM_NAME}阅读。各人确认笔录的时间或者对笔录提出的异议如下：",
            _lead(s),
        ),
        _confirmations(data["confirmations"], s),
    ]
    created_at = data["ended_at"] or data["held_at"] or max(confirmed, default=NO_TIME)
    return build_document(
        HEARING_RECORD_TITLE,
        f"案号：{data['arbitration_case_number']}",
        story,
        created_at=created_at,
        font=font,
    )


def _time_or_blank(value):
    """VALUE (aware) in Beijing as a plain string, for the case block to escape; 未记录 if None."""
    if value is None:
        return "未记录"
    return moment(value)


def _attendees(attendees, s):
    if not attendees:
        return CJKParagraph("无。", s.body)
    header = [CJKParagraph(text, s.cell) for text in ("身份", "姓名")]
    rows = [
        [CJKParagraph(markup(a["role_label"]), s.cell), CJKParagraph(markup(a["name"]), s.cell)]
        for a in attendees
    ]
    return grid([header, *rows], ATTENDEE_COLUMNS)


def _confirmations(confirmations, s):
    if not confirmations:
        return CJKParagraph("无。", s.body)
    header = [CJKParagraph(text, s.cell) for text in ("序号", "姓名", "确认时间（北京时间）", "异议")]
    rows = [
        [
            CJKParagraph(str(n), s.cell),
            CJKParagraph(markup(c["name"]), s.cell),
            CJKParagraph(moment(c["confirmed_at"], seconds=True) if c["confirmed_at"] else "未确认", s.cell),
            CJKParagraph(markup(c["objection"] or ("无" if c["confirmed_at"] else "—")), s.cell),
        ]
        for n, c in enumerate(confirmations, start=1)
    ]
    return grid([header, *rows], CONFIRMATION_COLUMNS)
