"""Settlement agreements and judicial confirmation as Chinese PDFs.

The settlement agreement (调解协议书), its signed copy with a signature page (签署页), the joint
application for judicial confirmation (司法确认申请书), the court's ruling (民事裁定书) and the application
for enforcement (强制执行申请书). Each takes plain data and returns PDF bytes; the same data always gives
the same bytes, so a stored SHA-256 can be checked by rendering again.
"""

from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, PageBreak, Spacer, Table, TableStyle

from odr.core.legal_pdf import (
    GRID,
    SHADE,
    TEXT_WIDTH,
    addressee,
    case_block,
    checkpoint_block,
    chinese_numeral,
    day_text,
    extra_styles,
    grid,
    joined_names,
    moment,
    mono,
    party_paragraphs,
    signing_lines,
    size_text,
    text_paras,
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

AGREEMENT_TITLE = "调解协议书"
SIGNATURE_PAGE_TITLE = "签署页"
APPLICATION_TITLE = "司法确认申请书"
RULING_TITLE = "民 事 裁 定 书"
ENFORCEMENT_TITLE = "强制执行申请书"

# Party name, "签章：", the line to sign on, the date to fill in.
# 序号, 签署身份, 当事人 (the rest), 签署人, 签署时间, IP 地址: a date such as 2026年11月28日 fits on one line,
# and below them a SHA-256 in 8 pt Courier (108 mm) fits in one line across the last four columns.
SIGNATURE_COLUMNS = (11 * mm, 28 * mm, TEXT_WIDTH - 121 * mm, 18 * mm, 33 * mm, 31 * mm)
ATTACHMENT_COLUMNS = (12 * mm, TEXT_WIDTH - 12 * mm - 20 * mm - 60 * mm, 20 * mm, 60 * mm)
OBLIGATION_COLUMNS = (12 * mm, TEXT_WIDTH - 12 * mm - 26 * mm - 32 * mm - 32 * mm, 26 * mm, 32 * mm, 32 * mm)

CIVIL_PROCEDURE_LAW = "《中华人民共和国民事诉讼法》"


# --- 调解协议书 -------------------------------------------------------------------------------------


def render_agreement(data: dict, *, font: PdfFont | None = None) -> bytes:
    """The settlement agreement described by DATA, unsigned, with blank lines to sign on, as PDF bytes.

    DATA holds case_number, case_title, organisation_name, version_number (int), finalised_at (aware),
    content_sha256, parties (party dicts, see `party_paragraphs`), mediators (names), facts (text; a
    blank line separates paragraphs) and clauses (dicts with title and text).
    """
    return build_document(
        AGREEMENT_TITLE,
        _agreement_reference(data),
        _agreement_story(data, styles(font)),
        created_at=data["finalised_at"],
        font=font,
    )


def render_signed_agreement(data: dict, signatures: list[dict], *, font: PdfFont | None = None) -> bytes:
    """The agreement of `render_agreement` followed by a signature page recording each electronic signature.

    DATA also holds effective_at (aware). Each of SIGNATURES holds capacity_label (and optionally
    capacity_lines, the label broken into lines), party_name (None for a
    mediator), signer_name, signed_at (aware), ip_address and hash_signed (SHA-256 of the unsigned PDF).
    """
    s = styles(font)
    story = [
        *_agreement_story(data, s),
        PageBreak(),
        *_signature_page(data, signatures, s),
        *checkpoint_block(data.get("checkpoint"), s),
    ]
    return build_document(
        AGREEMENT_TITLE, _agreement_reference(data), story, created_at=data["effective_at"], font=font
    )


def _agreement_reference(data):
    return f"案号：{data['case_number']}　第{data['version_number']}版"


def _agreement_story(data, s):
    x = extra_styles(s)
    parties = data["parties"]
    mediators = data["mediators"]
    case_rows = [
        ("案号", data["case_number"]),
        ("案件名称", data["case_title"]),
        ("调解组织", data["organisation_name"]),
        ("调解员", "、".join(mediators)),
        ("协议版本", f"第{data['version_number']}版"),
        ("定稿时间", moment(data["finalised_at"])),
    ]
    story = [
        CJKParagraph(AGREEMENT_TITLE, s.title),
        case_block(case_rows, s),
        CJKParagraph("一、当事人", s.heading),
        *[p for party in parties for p in party_paragraphs(party, s)],
        CJKParagraph("二、纠纷事实", s.heading),
        *text_paras(data["facts"], s.body),
        CJKParagraph("三、协议条款", s.heading),
        CJKParagraph(
            f"经{markup(data['organisation_name'])}调解，双方当事人在平等、自愿的基础上，达成如下协议：",
            s.body,
        ),
    ]
    for n, clause in enumerate(data["clauses"], start=1):
        story.append(CJKParagraph(f"第{chinese_numeral(n)}条　{markup(clause['title'])}", x.clause))
        story.extend(text_paras(clause["text"], s.body))
    story += [
        CJKParagraph("四、协议的生效与司法确认", s.heading),
        *[CJKParagraph(text, s.body) for text in _closing(data)],
        _digest(data["content_sha256"], s),
        Spacer(1, 4 * mm),
        CJKParagraph("（以下无正文，为签署栏）", x.centred),
        signing_lines(
            [
                *[row for party in parties for row in _party_signers(party)],
                *[("调解员", name) for name in mediators],
            ],
            s,
        ),
        _organisation_seal(data, s),
    ]
    return story


def _organisation_seal(data, s):
    """The mediation organisation's seal (People's Mediation Law art. 29: the agreement takes effect
    when the parties have signed, the mediator has signed and the committee's seal is affixed)."""
    plain = extra_styles(s).plain
    # Plain strings, not paragraphs, so that the ideographic spaces left to write the date in stay.
    block = Table(
        [
            [CJKParagraph(markup(data["organisation_name"]), plain)],
            ["（调解组织印章）"],
            ["　　年　　月　　日"],
        ],
        colWidths=(90 * mm,),
        hAlign="RIGHT",
    )
    block.setStyle(
        TableStyle(
            [
                ("FONT", (0, 1), (0, -1), plain.fontName, plain.fontSize, plain.leading),
                ("TOPPADDING", (0, 0), (-1, 0), 12),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return KeepTogether([Spacer(1, 6 * mm), block])


def _closing(data):
    organisation = markup(data["organisation_name"])
    copies = chinese_numeral(len(data["parties"]) + 1)
    return [
        "本协议经各方当事人和调解员签署后生效。调解协议生效后，具有法律约束力，当事人应当按照约定履行。",
        "本协议生效之日起三十日内，双方当事人可以依照" + CIVIL_PROCEDURE_LAW + "第二百零五条的规定，"
        "共同向有管辖权的人民法院申请司法确认。人民法院依法确认调解协议有效，一方当事人拒绝履行或者"
        "未全部履行的，对方当事人可以向人民法院申请强制执行。",
        f"本协议一式{copies}份，各方当事人各执一份，{organisation}存档一份，具有同等法律效力。"
        f"本协议通过{PLATFORM_NAME}以电子方式签署的，电子文本与纸质文本具有同等效力。",
    ]


def _digest(sha256, s):
    x = extra_styles(s)
    box = Table(
        [[CJKParagraph("本协议内容摘要（SHA-256）：", s.small)], [CJKParagraph(markup(sha256), x.digest)]],
        colWidths=(TEXT_WIDTH,),
    )
    box.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 0.5, GRID), ("BACKGROUND", (0, 0), (-1, -1), SHADE)]))
    return KeepTogether([Spacer(1, 3 * mm), box])


def _party_signers(party, side_label=None):
    """The signature lines of PARTY: its name, and for an organisation the natural person who signs for
    it (its legal representative as recorded, or the line left for whoever signs with authority)."""
    label = side_label or party["side_label"]
    rows = [(label, party["name"])]
    if party.get("kind_label") == "法人或其他组织":
        if party.get("representative"):
            rows.append(
                (f"{label}{party.get('representative_title') or '法定代表人'}", party["representative"])
            )
        else:
            rows.append((f"{label}法定代表人（负责人）或授权代表", ""))
    if party.get("agent_name"):
        rows.append((f"{label}委托代理人", party["agent_name"]))
    return rows


def _signature_page(data, signatures, s):
    x = extra_styles(s)
    header = [
        CJKParagraph(text, s.cell)
        for text in ("序号", "签署身份", "当事人", "签署人", "签署时间<br/>（北京时间）", "IP 地址")
    ]
    rows = [header]
    spans = []
    for n, sig in enumerate(signatures, start=1):
        rows.append(
            [
                CJKParagraph(str(n), s.cell),
                CJKParagraph(
                    "<br/>".join(
                        markup(line) for line in sig.get("capacity_lines") or [sig["capacity_label"]]
                    ),
                    s.cell,
                ),
                CJKParagraph(markup(sig["party_name"] or "—"), s.cell),
                CJKParagraph(markup(sig["signer_name"]), s.cell),
                CJKParagraph(moment(sig["signed_at"], seconds=True, wrap=True), s.cell),
                CJKParagraph(markup(sig["ip_address"]), x.mono_cell),
            ]
        )
        row = len(rows)
        rows.append(
            [
                "",
                CJKParagraph("签署文件 SHA-256", s.cell),
                CJKParagraph(markup(sig["hash_signed"]), x.mono_cell),
                "",
                "",
                "",
            ]
        )
        spans += [("SPAN", (0, row - 1), (0, row)), ("SPAN", (2, row), (-1, row))]
    table = grid(rows, SIGNATURE_COLUMNS)
    table.setStyle(TableStyle(spans))
    return [
        CJKParagraph(SIGNATURE_PAGE_TITLE, s.title),
        CJKParagraph(
            f"本页为案号{markup(data['case_number'])}《{AGREEMENT_TITLE}》（第{data['version_number']}版）的签署页。"
            f"下列签署人通过{PLATFORM_NAME}以电子方式签署本协议。每名签署人签署时均重新输入本人登录密码确认身份，"
            "并对下表所列SHA-256摘要对应的协议文本（不含本签署页的协议PDF文件）进行签署。",
            s.body,
        ),
        Spacer(1, 2 * mm),
        table,
        Spacer(1, 4 * mm),
        CJKParagraph(
            f"本协议经全部当事人和调解员签署，于{moment(data['effective_at'], seconds=True)}（北京时间）生效。",
            s.body,
        ),
        CJKParagraph(f"本协议内容摘要（SHA-256）：{mono(data['content_sha256'])}", x.plain),
    ]


# --- 司法确认申请书 -----------------------------------------------------------------------------------


def render_confirmation_application(data: dict, *, font: PdfFont | None = None) -> bytes:
    """The parties' joint application to COURT_NAME to confirm their settlement agreement, as PDF bytes.

    DATA holds court_name, case_number, applicants (party dicts, each with signatory: {name, title} of the
    natural person who applied or joined for it, or None), applied_at (aware), applicant_name (who
    filed it), consenting_names (who joined), agreement (dict: version_number, effective_at, pdf_sha256),
    facts_and_reasons (text), attachments (dicts: name, sha256 or None, size in bytes or None), and
    optionally organisation_name (the mediation organisation; the platform is named without it).
    """
    s = styles(font)
    x = extra_styles(s)
    agreement = data["agreement"]
    applicants = data["applicants"]
    names = joined_names(applicants)
    mediated_by = markup(data.get("organisation_name") or PLATFORM_NAME)
    story = [
        CJKParagraph(APPLICATION_TITLE, s.title),
        Spacer(1, 2 * mm),
        *[p for party in applicants for p in party_paragraphs(party, s, side_label="申请人")],
        CJKParagraph("请求事项", s.heading),
        CJKParagraph(
            f"请求确认申请人{names}于{chinese_date(agreement['effective_at'])}经{mediated_by}调解达成的"
            f"调解协议（平台案号：{markup(data['case_number'])}，第{agreement['version_number']}版）有效。",
            s.body,
        ),
        CJKParagraph("事实和理由", s.heading),
        *text_paras(data["facts_and_reasons"], s.body),
        CJKParagraph(
            f"该调解协议于{moment(agreement['effective_at'], seconds=True)}（北京时间）经各方当事人和调解员签署生效，"
            "已签署协议PDF文件的SHA-256摘要为：",
            s.body,
        ),
        CJKParagraph(markup(agreement["pdf_sha256"]), x.digest),
        CJKParagraph(
            f"申请人依照{CIVIL_PROCEDURE_LAW}第二百零五条的规定，自调解协议生效之日起三十日内共同提出本申请。"
            f"本申请由{markup(data['applicant_name'])}于{moment(data['applied_at'])}通过{PLATFORM_NAME}提交，"
            f"{'、'.join(markup(n) for n in data['consenting_names']) or '其他申请人'}已确认共同申请。",
            s.body,
        ),
        CJKParagraph("申请人承诺", s.heading),
        *[CJKParagraph(text, s.body) for text in _UNDERTAKING],
        signing_lines(
            [row for party in applicants for row in _applicant_signers(party)],
            s,
            signed_on=data["applied_at"],
            before=addressee(data["court_name"], s),
        ),
        Spacer(1, 4 * mm),
        CJKParagraph("附件：案件材料清单", s.heading),
        _attachments(data["attachments"], s),
    ]
    return build_document(
        APPLICATION_TITLE, f"案号：{data['case_number']}", story, created_at=data["applied_at"], font=font
    )


def _applicant_signers(party):
    """The applicant and, for an organisation or a party acting through an agent, the natural person who
    applied or joined for it and in what capacity (法定代表人, 委托代理人（特别授权）)."""
    acting = party.get("signatory")
    if acting is None:
        return _party_signers(party, side_label="申请人")
    rows = [("申请人", party["name"])]
    if acting["title"] != "本人":
        rows.append((acting["title"], acting["name"]))
    return rows


_UNDERTAKING = (
    "一、申请人出于解决纠纷的目的自愿达成调解协议，没有恶意串通、规避法律的行为；",
    "二、调解协议的内容合法，不损害国家利益、社会公共利益和他人的合法权益；",
    "三、申请人提交的材料真实、完整，陈述属实；",
    "四、如因虚假陈述、提交虚假材料等造成后果的，申请人愿意承担相应的法律责任。",
)


def _attachments(attachments, s):
    if not attachments:
        return CJKParagraph("无。", s.body)
    header = [CJKParagraph(text, s.cell) for text in ("序号", "文件名", "大小", "SHA-256")]
    rows = [
        [
            CJKParagraph(str(n), s.cell),
            CJKParagraph(markup(a["name"]), s.cell),
            CJKParagraph(size_text(a["size"]), s.cell),
            CJKParagraph(markup(a["sha256"] or "—"), s.mono if a["sha256"] else s.cell),
        ]
        for n, a in enumerate(attachments, start=1)
    ]
    return grid([header, *rows], ATTACHMENT_COLUMNS)


# --- 民事裁定书 ---------------------------------------------------------------------------------------


def render_ruling(data: dict, *, font: PdfFont | None = None) -> bytes:
    """The court's ruling on an application for judicial confirmation, confirming or rejecting it.

    DATA holds court_name, ruling_number, applicants (party dicts), case_number (the platform's),
    organisation_name, agreement_effective_at, accepted_at, decided_at (aware), outcome ("confirmed" or
    "rejected"), agreement_clauses (dicts: title, text), grounds (list of str), explanation (text), officer_name
    and clerk_name (or None).
    """
    if data["outcome"] not in ("confirmed", "rejected"):
        raise ValueError(f"unknown outcome {data['outcome']!r}")
    s = styles(font)
    x = extra_styles(s)
    applicants = data["applicants"]
    names = joined_names(applicants)
    agreement = (
        f"申请人{names}于{chinese_date(data['agreement_effective_at'])}经{markup(data['organisation_name'])}"
        f"主持调解达成的调解协议"
    )
    story = [
        CJKParagraph(markup(data["court_name"]), s.title),
        CJKParagraph(RULING_TITLE, s.title),
        CJKParagraph(markup(data["ruling_number"]), x.right),
        Spacer(1, 3 * mm),
        *[p for party in applicants for p in party_paragraphs(party, s, side_label="申请人")],
        CJKParagraph(
            f"申请人{names}于{chinese_date(data['agreement_effective_at'])}经{markup(data['organisation_name'])}"
            f"主持调解（{PLATFORM_NAME}案号：{markup(data['case_number'])}），达成调解协议，并共同向本院申请"
            f"司法确认。本院于{chinese_date(data['accepted_at'])}受理后，依法由审判员{markup(data['officer_name'])}"
            "进行审查。现已审查终结。",
            s.body,
        ),
    ]
    if data["outcome"] == "confirmed":
        story.append(CJKParagraph("申请人达成的调解协议主要内容如下：", s.body))
        for n, clause in enumerate(data["agreement_clauses"], start=1):
            story.append(CJKParagraph(f"第{chinese_numeral(n)}条　{markup(clause['title'])}", x.clause))
            story.extend(text_paras(clause["text"], s.body))
        story += [
            CJKParagraph("本院经审查认为，申请人达成的调解协议符合司法确认调解协议的法定条件。", s.body),
            *text_paras(data.get("explanation") or "", s.body),
            CJKParagraph(f"依照{CIVIL_PROCEDURE_LAW}第二百零五条、第二百零六条规定，裁定如下：", s.body),
            CJKParagraph(f"{agreement}有效。", s.body),
            CJKParagraph(
                "当事人应当按照调解协议的约定自觉履行义务。一方当事人拒绝履行或者未全部履行的，"
                "对方当事人可以向人民法院申请强制执行。",
                s.body,
            ),
        ]
    else:
        story.append(
            CJKParagraph(
                "本院经审查认为，申请人达成的调解协议存在下列情形，不符合司法确认的法定条件：", s.body
            )
        )
        story += [
            CJKParagraph(f"（{chinese_numeral(n)}）{markup(ground)}", s.body)
            for n, ground in enumerate(data["grounds"], start=1)
        ]
        story += [
            *text_paras(data.get("explanation") or "", s.body),
            CJKParagraph(
                f"依照{CIVIL_PROCEDURE_LAW}第二百零六条，《最高人民法院关于适用〈中华人民共和国民事诉讼法〉的解释》"
                "第三百五十八条规定，裁定如下：",
                s.body,
            ),
            CJKParagraph(f"驳回申请人{names}的司法确认申请。", s.body),
            CJKParagraph(
                "当事人可以通过调解方式变更原调解协议或者达成新的调解协议，也可以向人民法院提起诉讼。", s.body
            ),
        ]
    story.append(_court_signature(data, s, after=CJKParagraph("本裁定书自即日起发生法律效力。", s.body)))
    story += checkpoint_block(data.get("checkpoint"), s)
    # The court's own document: no platform running head.
    return build_document(
        "民事裁定书",
        data["ruling_number"],
        story,
        created_at=data["decided_at"],
        font=font,
        header=False,
        author=data["court_name"],
    )


def _court_signature(data, s, *, after):
    """审判员, the date in Chinese numerals under the court's seal, and 书记员, set as a block at the
    right, kept on the page of AFTER."""
    plain = extra_styles(s).plain
    rows = [
        ["审判员", markup(data["officer_name"])],
        [chinese_numeral_date(data["decided_at"]), ""],
        ["（院印）", ""],
        ["书记员", markup(data.get("clerk_name") or "")],
    ]
    block = Table(
        [[CJKParagraph(cell, plain) if cell else "" for cell in row] for row in rows],
        colWidths=(22 * mm, 40 * mm),
        hAlign="RIGHT",
    )
    block.setStyle(
        TableStyle(
            [
                ("SPAN", (0, 1), (1, 1)),
                ("SPAN", (0, 2), (1, 2)),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 1), (-1, 1), 8),
                ("BOTTOMPADDING", (0, 2), (-1, 2), 8),
            ]
        )
    )
    return KeepTogether([after, Spacer(1, 10 * mm), block])


# --- 强制执行申请书 -----------------------------------------------------------------------------------


def render_enforcement_application(data: dict, *, font: PdfFont | None = None) -> bytes:
    """A party's application to have the confirmed agreement enforced against the other, as PDF bytes.

    DATA holds court_name, applicant and respondent (party dicts), basis (dict: ruling_number, court_name,
    decided_at, case_number), obligations (dicts: description, amount as "50,000.00" or None, due_date
    (date) or, for an ongoing undertaking, due_text, performed_note or None), requested_amount ("50,000.00" or None), applied_at (aware), facts.
    """
    s = styles(font)
    basis = data["basis"]
    applicant, respondent = data["applicant"], data["respondent"]
    award = basis.get("kind") == "award"  # an arbitral award rather than a court's confirmation ruling
    if award:
        ruling = f"{markup(basis['court_name'])}{markup(basis['ruling_number'])}裁决书"
        requests = [f"请求依法强制执行{ruling}，责令被执行人{markup(respondent['name'])}履行裁决确定的义务；"]
        grounds = (
            f"{markup(basis['court_name'])}于{chinese_date(basis['decided_at'])}作出{markup(basis['ruling_number'])}"
            f"裁决书（{PLATFORM_NAME}案号：{markup(basis['case_number'])}）。该裁决为终局裁决，"
            "自作出之日起发生法律效力。"
        )
    else:
        ruling = f"{markup(basis['court_name'])}{markup(basis['ruling_number'])}民事裁定书"
        requests = [
            f"请求依法强制执行{ruling}所确认的调解协议，责令被执行人{markup(respondent['name'])}履行下列未履行的义务；"
        ]
        grounds = (
            f"{markup(basis['court_name'])}于{chinese_date(basis['decided_at'])}作出{markup(basis['ruling_number'])}"
            f"民事裁定书，确认申请执行人与被执行人经调解（{PLATFORM_NAME}案号：{markup(basis['case_number'])}）"
            "达成的调解协议有效。该裁定已发生法律效力。"
        )
    if data.get("requested_amount"):
        requests.append(f"请求责令被执行人向申请执行人支付人民币{markup(data['requested_amount'])}元；")
    requests.append("本案执行费用由被执行人负担。")
    story = [
        CJKParagraph(ENFORCEMENT_TITLE, s.title),
        Spacer(1, 2 * mm),
        *party_paragraphs(applicant, s, side_label="申请执行人"),
        *party_paragraphs(respondent, s, side_label="被执行人"),
        CJKParagraph("申请事项", s.heading),
        *[CJKParagraph(f"{chinese_numeral(n)}、{text}", s.body) for n, text in enumerate(requests, start=1)],
        CJKParagraph("事实与理由", s.heading),
        CJKParagraph(grounds, s.body),
        *text_paras(data["facts"], s.body),
        CJKParagraph("被执行人未履行或者未全部履行的义务如下：", s.body),
        _obligations(data["obligations"], s),
        Spacer(1, 2 * mm),
        signing_lines(
            [("申请执行人", applicant["name"])],
            s,
            signed_on=data["applied_at"],
            before=[
                CJKParagraph("为维护申请执行人的合法权益，特向贵院申请强制执行。", s.body),
                *addressee(data["court_name"], s),
            ],
        ),
    ]
    return build_document(
        ENFORCEMENT_TITLE, f"案号：{basis['case_number']}", story, created_at=data["applied_at"], font=font
    )


def _obligations(obligations, s):
    x = extra_styles(s)
    header = [
        CJKParagraph(text, s.cell) for text in ("序号", "义务内容", "金额（元）", "履行期限", "履行情况")
    ]
    rows = [
        [
            CJKParagraph(str(n), s.cell),
            CJKParagraph(markup(o["description"]), s.cell),
            CJKParagraph(markup(o["amount"] or "—"), x.amount_cell),
            CJKParagraph(markup(o.get("due_text") or day_text(o["due_date"])), s.cell),
            CJKParagraph(markup(o["performed_note"] or "未履行"), s.cell),
        ]
        for n, o in enumerate(obligations, start=1)
    ]
    return grid([header, *rows], OBLIGATION_COLUMNS)
