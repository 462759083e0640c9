"""Typical cases for the annual report: chosen by staff, told without names.

Whatever staff write is passed through ``anonymise`` when it is saved, so a party's name, code,
number, telephone, address or the case number cannot reach the report even if typed by mistake.
"""

import re

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from odr.audit.operations import record
from odr.cases.models import Case, Side
from odr.core.failures import UserError
from odr.extensions import db
from odr.stats.models import TypicalCase

PHONE = re.compile(r"(?<!\d)(?:\+?86[- ]?)?1[3-9]\d{9}(?!\d)|(?<!\d)0\d{2,3}-?\d{7,8}(?!\d)")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
CODE = re.compile(r"(?<![0-9A-Z])[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}(?![0-9A-Z])")
ID_NUMBER = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")


class TypicalCaseError(UserError):
    pass


def anonymise(text: str, case: Case) -> str:
    """TEXT with the names and identifiers of CASE's parties (and their agents) replaced by their
    roles, and any code, ID number, telephone, e-mail or the case number removed."""
    text = text or ""
    names = []
    for party in case.parties:
        role = "申请人" if party.side == Side.CLAIMANT else "被申请人"
        for value, label in (
            (party.name, role),
            (party.agent_name, f"{role}代理人"),
            (party.agent_firm, f"{role}代理机构"),
            (party.address, "（地址略）"),
            (party.credit_code, "（代码略）"),
            (party.id_number, "（证件号略）"),
            (party.phone, "（电话略）"),
            (party.email, "（邮箱略）"),
        ):
            if value and value.strip():
                names.append((value.strip(), label))
    if case.number:
        names.append((case.number, "（案号略）"))
    for value, label in sorted(names, key=lambda x: -len(x[0])):  # longest first: a name inside another
        text = text.replace(value, label)
    text = CODE.sub("（代码略）", text)
    text = ID_NUMBER.sub("（证件号略）", text)
    text = PHONE.sub("（电话略）", text)
    return EMAIL.sub("（邮箱略）", text)


def draft(case: Case) -> tuple[str, str]:
    """A first title and summary for CASE, already without names, for staff to edit."""
    from odr.core.labels import zh

    title = f"{zh(case.ip_type)}纠纷（{zh(case.industry)}，{zh(case.place)}）"
    return title, anonymise(case.facts, case)


def choose(year: int, number: str, staff, *, title: str = "", summary: str = "") -> TypicalCase:
    """Add the case numbered NUMBER to YEAR's report, with TITLE and SUMMARY (drafted when blank)."""
    number = (number or "").strip()
    case = db.session.scalar(sa.select(Case).where(Case.number == number)) if number else None
    if case is None:
        raise TypicalCaseError(_l("There is no case numbered “%(number)s”.", number=number))
    if db.session.scalar(
        sa.select(TypicalCase).where(TypicalCase.year == year, TypicalCase.case_id == case.id)
    ):
        raise TypicalCaseError(_l("This case is already among the year's typical cases."))
    drafted_title, drafted_summary = draft(case)
    title = anonymise((title or "").strip() or drafted_title, case)[:200]
    summary = anonymise((summary or "").strip() or drafted_summary, case)
    if not summary.strip():
        raise TypicalCaseError(_l("Write what the case shows; the report tells it without names."))
    typical = TypicalCase(year=year, case_id=case.id, title=title, summary=summary, chosen_by_id=staff.id)
    db.session.add(typical)
    db.session.flush()
    record("report.typical_case_chosen", typical, case=case, actor=staff, details={"year": year})
    return typical


def remove(typical: TypicalCase, staff):
    record("report.typical_case_removed", typical, actor=staff, details={"year": typical.year})
    db.session.delete(typical)
    db.session.flush()


def of_year(year: int) -> list[TypicalCase]:
    return db.session.scalars(
        sa.select(TypicalCase).where(TypicalCase.year == year).order_by(TypicalCase.chosen_at, TypicalCase.id)
    ).all()
