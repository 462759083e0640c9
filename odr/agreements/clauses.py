"""The clause library: templates with typed fields, checking what the mediator entered, and the
clause text in Chinese (the agreement's language) or English (for reading on screen).

A clause's values are kept as strings exactly as entered (after normalising), so a version's
content is plain JSON and its hash is stable.
"""

import itertools
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from odr.agreements.models import ClauseTemplate
from odr.core.timeutil import local, utcnow
from odr.extensions import db

# "date": a day by which something is done, after today; "start_date": a day from which something holds,
# today or later.
FIELD_TYPES = ("money", "date", "start_date", "party", "text", "longtext", "integer", "instalments")
# How a clause binds a party: "payment" and "act" by a date, "instalments" by the dates of a schedule,
# "undertaking" from a day on with no date by which it is done (stop infringing, not resume).
OBLIGATION_KINDS = ("payment", "instalments", "act", "undertaking")


def _f(name, type_, label_zh, label_en, required=True):
    return {"name": name, "type": type_, "label_zh": label_zh, "label_en": label_en, "required": required}


# (key, title zh, title en, body zh, body en, fields, obligation kind)
# Placeholders {name} take the field's text; the obligation kind says how the clause binds a party.
DEFAULT_TEMPLATES = [
    (
        "payment",
        "支付款项",
        "Payment",
        "{debtor}于{due}前向{creditor}一次性支付{amount}（{purpose}），支付方式：{method}。",
        "{debtor} pays {creditor} {amount} ({purpose}) in one sum by {due}; method: {method}.",
        [
            _f("debtor", "party", "付款方", "Paying party"),
            _f("creditor", "party", "收款方", "Receiving party"),
            _f("amount", "money", "金额（元）", "Amount (CNY)"),
            _f("due", "date", "付款期限", "Due date"),
            _f("purpose", "text", "款项性质", "What it pays for"),
            _f("method", "text", "支付方式", "Payment method"),
        ],
        "payment",
    ),
    (
        "instalments",
        "分期付款",
        "Payment in instalments",
        "{debtor}分期向{creditor}支付共计{total}：{schedule}。",
        "{debtor} pays {creditor} a total of {total} in instalments: {schedule}.",
        [
            _f("debtor", "party", "付款方", "Paying party"),
            _f("creditor", "party", "收款方", "Receiving party"),
            _f("total", "money", "总金额（元）", "Total (CNY)"),
            _f(
                "schedule",
                "instalments",
                "分期计划（每行：日期 金额，如 2027-01-31 10000.00）",
                "Schedule (one per line: date amount, e.g. 2027-01-31 10000.00)",
            ),
        ],
        "instalments",
    ),
    (
        "cease_infringement",
        "停止侵权",
        "Cease infringement",
        "{debtor}自{from_date}起立即停止{scope}的行为，今后不再实施侵犯{creditor}该项权利的行为。",
        "From {from_date} {debtor} stops {scope} and will not infringe this right of {creditor} again.",
        [
            _f("debtor", "party", "停止侵权方", "Party that stops"),
            _f("creditor", "party", "权利人", "Right holder"),
            _f("scope", "longtext", "停止的行为", "What is stopped"),
            _f("from_date", "start_date", "停止日期", "From"),
        ],
        "undertaking",
    ),
    (
        "destroy_goods",
        "销毁侵权产品及工具",
        "Destroy infringing goods and tools",
        "{debtor}于{due}前销毁{items}，并向{creditor}提交销毁证明。",
        "{debtor} destroys {items} by {due} and gives {creditor} proof of destruction.",
        [
            _f("debtor", "party", "义务方", "Obliged party"),
            _f("creditor", "party", "权利人", "Right holder"),
            _f("items", "longtext", "销毁的产品、包装及工具", "Goods, packaging and tools to destroy"),
            _f("due", "date", "完成期限", "By"),
        ],
        "act",
    ),
    (
        "remove_listings",
        "删除网络链接",
        "Remove online listings",
        "{debtor}于{due}前删除其在{platform}上的下列商品链接：{links}，并不再上架侵权商品。",
        "{debtor} removes these listings on {platform} by {due}: {links}, and lists no infringing goods again.",
        [
            _f("debtor", "party", "义务方", "Obliged party"),
            _f("creditor", "party", "权利人", "Right holder"),
            _f("platform", "text", "平台", "Platform"),
            _f("links", "longtext", "链接（每行一个）", "Links (one per line)"),
            _f("due", "date", "完成期限", "By"),
        ],
        "act",
    ),
    (
        "apology",
        "赔礼道歉",
        "Public apology",
        "{debtor}于{due}前在{medium}上向{creditor}公开赔礼道歉，致歉内容为：“{content}”",
        "{debtor} apologises publicly to {creditor} in {medium} by {due}, in these words: “{content}”",
        [
            _f("debtor", "party", "致歉方", "Apologising party"),
            _f("creditor", "party", "受致歉方", "Party apologised to"),
            _f("medium", "text", "媒介", "Medium"),
            _f("content", "longtext", "致歉内容", "Text of the apology"),
            _f("due", "date", "完成期限", "By"),
        ],
        "act",
    ),
    (
        "licence",
        "后续许可",
        "Licence going forward",
        "{licensor}许可{licensee}在{scope}范围内使用该项权利，许可期限{term}年，许可使用费为{royalty}。",
        "{licensor} licenses {licensee} to use the right for {scope} for {term} years, for a royalty of {royalty}.",
        [
            _f("licensor", "party", "许可方", "Licensor"),
            _f("licensee", "party", "被许可方", "Licensee"),
            _f("scope", "longtext", "许可范围", "Scope"),
            _f("term", "integer", "期限（年）", "Term (years)"),
            _f("royalty", "money", "许可使用费（元）", "Royalty (CNY)"),
        ],
        None,
    ),
    (
        "confidentiality",
        "保密",
        "Confidentiality",
        "各方对调解过程中知悉的{scope}负有保密义务，但法律另有规定或为申请司法确认、强制执行所必需的除外。",
        "The parties keep confidential {scope} learnt in the mediation, unless the law requires otherwise "
        "or it is needed for judicial confirmation or enforcement.",
        [_f("scope", "longtext", "保密内容", "What is confidential")],
        None,
    ),
    (
        "default_penalty",
        "违约责任",
        "Default penalty",
        "{debtor}未按本协议履行义务的，应向{creditor}支付违约金{amount}，{creditor}并有权就未履行部分申请强制执行。",
        "If {debtor} does not perform, it pays {creditor} a penalty of {amount}, and {creditor} may apply "
        "for enforcement of what was not performed.",
        [
            _f("debtor", "party", "违约方", "Defaulting party"),
            _f("creditor", "party", "守约方", "Other party"),
            _f("amount", "money", "违约金（元）", "Penalty (CNY)"),
        ],
        None,
    ),
    (
        "costs",
        "费用负担",
        "Allocation of costs",
        "{allocation}。",
        "{allocation}.",
        [_f("allocation", "longtext", "费用如何负担", "How the costs are borne")],
        None,
    ),
    (
        "dispute_resolution",
        "争议解决",
        "Dispute resolution",
        "因履行本协议发生争议的，{forum}。",
        "Disputes over performing this agreement: {forum}.",
        [_f("forum", "longtext", "争议解决方式", "How disputes are resolved")],
        None,
    ),
    (
        "free_text",
        "其他约定",
        "Other terms",
        "{text}。",
        "{text}.",
        [_f("text", "longtext", "条款内容", "Text of the clause")],
        None,
    ),
]


def ensure_defaults() -> int:
    """Put the default clause templates in the library where missing; returns how many were added."""
    existing = set(db.session.scalars(sa.select(ClauseTemplate.key)))
    added = 0
    for position, (key, title_zh, title_en, body_zh, body_en, fields, obligation) in enumerate(
        DEFAULT_TEMPLATES, start=1
    ):
        if key in existing:
            continue
        db.session.add(
            ClauseTemplate(
                key=key,
                title_zh=title_zh,
                title_en=title_en,
                body_zh=body_zh,
                body_en=body_en,
                fields=fields,
                obligation=obligation,
                position=position * 10,
            )
        )
        added += 1
    if added:
        db.session.flush()
    return added


def templates(active_only=True) -> list[ClauseTemplate]:
    query = sa.select(ClauseTemplate).order_by(ClauseTemplate.position, ClauseTemplate.id)
    if active_only:
        query = query.where(ClauseTemplate.active.is_(True))
    return list(db.session.scalars(query))


def template_map() -> dict[str, ClauseTemplate]:
    return {t.key: t for t in templates(active_only=False)}


# Checking values ---------------------------------------------------------------------------------

MONEY = re.compile(r"^\d{1,12}(\.\d{1,2})?$")


@dataclass
class Instalment:
    due: date
    amount: Decimal


def today_in_beijing() -> date:
    return local(utcnow()).date()


def parse_money(text: str) -> Decimal:
    cleaned = (text or "").replace(",", "").replace("，", "").strip()
    if not MONEY.match(cleaned):
        raise ValueError(_l("Enter an amount in yuan with at most two decimals, e.g. 50000.00."))
    amount = Decimal(cleaned)
    if amount <= 0:
        raise ValueError(_l("The amount must be more than zero."))
    return amount.quantize(Decimal("0.01"))


def parse_date(text: str) -> date:
    try:
        return date.fromisoformat((text or "").strip())
    except ValueError:
        raise ValueError(_l("Enter a date as YYYY-MM-DD.")) from None


def parse_instalments(text: str) -> list[Instalment]:
    rows = []
    for n, line in enumerate((text or "").strip().splitlines(), start=1):
        parts = line.replace("，", " ").replace(",", " ").split()
        if not parts:
            continue
        if len(parts) != 2:
            raise ValueError(_l("Line %(n)d: write the date and the amount, e.g. 2027-01-31 10000.00.", n=n))
        try:
            rows.append(Instalment(parse_date(parts[0]), parse_money(parts[1])))
        except ValueError as error:
            raise ValueError(_l("Line %(n)d: %(error)s", n=n, error=error)) from None
    if not rows:
        raise ValueError(_l("List at least one instalment."))
    return rows


def check_clause(template: ClauseTemplate, values: dict, parties: dict[int, str]) -> tuple[dict, dict]:
    """The clause's values normalised, and the errors by field name (messages for the user).

    PARTIES maps the case's party ids to names: a party field must name one of them.
    """
    today = today_in_beijing()
    clean, errors = {}, {}
    for spec in template.fields:
        name, type_ = spec["name"], spec["type"]
        raw = (values.get(name) or "").strip()
        if not raw:
            if spec.get("required", True):
                errors[name] = _l("This field is required.")
            clean[name] = ""
            continue
        try:
            if type_ == "money":
                clean[name] = str(parse_money(raw))
            elif type_ == "date":
                day = parse_date(raw)
                if day <= today:
                    raise ValueError(_l("The date must be in the future."))
                clean[name] = day.isoformat()
            elif type_ == "start_date":
                day = parse_date(raw)
                if day < today:
                    raise ValueError(_l("The date cannot be in the past."))
                clean[name] = day.isoformat()
            elif type_ == "party":
                if not (raw.isascii() and raw.isdigit()) or int(raw) not in parties:
                    raise ValueError(_l("Choose a party of this case."))
                clean[name] = raw
            elif type_ == "integer":
                if not (raw.isascii() and raw.isdigit()) or not 0 < int(raw) <= 100:
                    raise ValueError(_l("Enter a whole number between 1 and 100."))
                clean[name] = str(int(raw))
            elif type_ == "instalments":
                rows = parse_instalments(raw)
                if any(row.due <= today for row in rows):
                    raise ValueError(_l("Every instalment must fall due in the future."))
                if any(b.due <= a.due for a, b in itertools.pairwise(rows)):
                    raise ValueError(_l("List the instalments in date order, each on a later date."))
                clean[name] = "\n".join(f"{row.due.isoformat()} {row.amount}" for row in rows)
            else:
                limit = 4000 if type_ == "longtext" else 300
                if len(raw) > limit:
                    raise ValueError(_l("At most %(n)d characters.", n=limit))
                clean[name] = raw.replace("\r\n", "\n")
        except ValueError as error:
            errors[name] = error.args[0]
    _check_relations(template, clean, errors)
    return clean, errors


def _check_relations(template, clean, errors):
    """Rules across fields: the two parties of an obligation differ; instalments add up to the total."""
    pairs = (("debtor", "creditor"), ("licensor", "licensee"))
    for a, b in pairs:
        if clean.get(a) and clean.get(a) == clean.get(b):
            errors.setdefault(b, _l("Choose a different party from the other side of the obligation."))
    checkable = (
        "schedule" not in errors and "total" not in errors and clean.get("schedule") and clean.get("total")
    )
    if template.key == "instalments" and checkable:
        total = sum((row.amount for row in parse_instalments(clean["schedule"])), Decimal("0"))
        if total != Decimal(clean["total"]):
            errors["schedule"] = _l(
                "The instalments add up to %(sum)s, not the total of %(total)s.",
                sum=f"{total:,.2f}",
                total=f"{Decimal(clean['total']):,.2f}",
            )


# Clause text -------------------------------------------------------------------------------------


def _money_text(value: str, locale: str) -> str:
    amount = Decimal(value)
    return f"CNY {amount:,.2f}" if locale == "en" else f"人民币{amount:,.2f}元"


def _date_text(value: str, locale: str) -> str:
    day = date.fromisoformat(value)
    return day.isoformat() if locale == "en" else f"{day.year}年{day.month}月{day.day}日"


def field_text(spec: dict, value: str, parties: dict[int, str], locale: str = "zh_CN") -> str:
    """One field's value as it reads in the clause."""
    if not value:
        return "—" if locale == "en" else "无"
    type_ = spec["type"]
    if type_ == "money":
        return _money_text(value, locale)
    if type_ in ("date", "start_date"):
        return _date_text(value, locale)
    if type_ == "party":
        return parties.get(int(value), value)
    if type_ == "instalments":
        sep = "; " if locale == "en" else "；"
        rows = parse_instalments(value)
        if locale == "en":
            return sep.join(f"{_money_text(str(r.amount), locale)} by {r.due.isoformat()}" for r in rows)
        return sep.join(
            f"第{n}期于{_date_text(r.due.isoformat(), locale)}前支付{_money_text(str(r.amount), locale)}"
            for n, r in enumerate(rows, start=1)
        )
    # The template supplies the punctuation around a value: a typed full stop would double it (。，).
    return (
        value.rstrip("。；，.;, ") if type_ in ("text", "longtext") and spec["name"] != "content" else value
    )


def clause_text(template: ClauseTemplate, values: dict, parties: dict[int, str], locale="zh_CN") -> str:
    body = template.body_en if locale == "en" else template.body_zh
    texts = {
        spec["name"]: field_text(spec, values.get(spec["name"], ""), parties, locale)
        for spec in template.fields
    }
    try:
        return body.format(**texts)
    except (KeyError, IndexError, ValueError):
        return body


def field_label(spec: dict, locale="zh_CN") -> str:
    return spec["label_en"] if locale == "en" else spec["label_zh"]
