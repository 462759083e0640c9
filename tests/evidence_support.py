"""Shared fixtures of the evidence tests: a case in mediation with its neutrals, sample files, uploads."""

import io
import zipfile
from datetime import date
from io import BytesIO

import pytest

from odr.accounts.models import OrgKind, Role
from odr.cases import operations as case_ops
from odr.evidence import operations
from odr.experts import operations as expert_ops
from odr.experts.models import ExpertProfile, Seat

EN = {"Accept-Language": "en"}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def office_zip(part="word/document.xml") -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(part, "<doc/>")
    return out.getvalue()


def plain_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("payload.exe", "MZ")
    return out.getvalue()


@pytest.fixture
def docket(db, make_case, make_user, make_org, clerk, claimant, respondent):
    """make a case in mediation (mediator and technical investigator serving) and the people around it."""

    def make(**fields):
        fields.setdefault("ip_type", "utility_model")
        fields.setdefault("right_number", "ZL 2021 2 0456789.1")
        case = make_case(respondents=[respondent], **fields)
        case_ops.accept_case(case, clerk)
        case_ops.answer_invitation(case, respondent, consent=True)
        mediator = make_user(Role.MEDIATOR, organisation=clerk.organisation, name="调解员")
        investigator = make_user(
            Role.TECHNICAL_INVESTIGATOR, organisation=clerk.organisation, name="技术调查官"
        )
        for expert in (mediator, investigator):
            db.session.add(ExpertProfile(user=expert, specialties=["utility_model"], max_open_cases=5))
        db.session.flush()
        expert_ops.accept(expert_ops.propose(case, Seat.MEDIATOR, mediator, actor=clerk), mediator)
        expert_ops.accept(
            expert_ops.propose(case, Seat.TECHNICAL_INVESTIGATOR, investigator, actor=clerk), investigator
        )
        court = make_org(OrgKind.INTERMEDIATE_COURT, name=f"梧州市中级人民法院（测试{case.id}）")
        liaison = make_user(Role.COURT_LIAISON, organisation=court, name="法官助理")
        return {
            "case": case,
            "claimant": claimant,
            "respondent": respondent,
            "clerk": clerk,
            "mediator": mediator,
            "investigator": investigator,
            "court": court,
            "liaison": liaison,
        }

    return make


def deposit(case, user, data=PDF, filename="公证购买发票.pdf", **fields):
    """Deposit an exhibit directly through the operation."""
    values = {
        "title": "公证购买的被诉产品及发票",
        "proves": "被申请人销售了被诉侵权产品。",
        "source": "notarised_purchase",
        "obtained_on": date(2026, 11, 2),
    }
    values.update(fields)
    return operations.deposit(case, user, filename=filename, data=data, **values)


def upload_form(data=PDF, filename="evidence.pdf", **fields):
    """The deposit form's fields as a multipart post."""
    values = {
        "title": "网店商品页面截图",
        "proves": "被申请人在网店许诺销售被诉产品。",
        "source": "ecommerce_order",
        "obtained_on": "2026-11-02",
        "captured_url": "",
        "captured_at": "",
    }
    values.update(fields)
    values["file"] = (BytesIO(data), filename)
    return values


def fetch(client, url, **kwargs):
    """GET URL and read the whole answer, closing any file it streams."""
    with client.get(url, **kwargs) as response:
        response.get_data()
    return response
