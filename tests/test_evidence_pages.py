"""Every docket page, for every demo account, in both languages: never a server error."""

from datetime import date

import pytest
import sqlalchemy as sa

from odr import seed
from odr.accounts.models import Organisation, User
from odr.cases.models import Case
from odr.evidence import charts, operations, preservation
from tests.evidence_support import PDF, PNG


def _user(db, email):
    return db.session.scalar(sa.select(User).where(User.email == email))


def _case(db, title):
    return db.session.scalar(sa.select(Case).where(Case.title == title))


@pytest.fixture
def demo_docket(db):
    """The demo data with exhibits, a claim chart and a preservation request."""
    seed.run()
    claimant, respondent = _user(db, "claimant@demo.odr"), _user(db, "respondent@demo.odr")
    mediating = _case(db, "六堡茶冷发酵工艺发明专利侵权纠纷")
    shared = operations.deposit(
        mediating,
        claimant,
        filename="公证书.pdf",
        data=PDF,
        title="公证书",
        proves="销售事实",
        source="notarised_purchase",
        obtained_on=date(2026, 11, 2),
    )
    operations.change_visibility(shared, claimant, "share")
    operations.respond(shared, respondent, "dispute_relevance", "与本案无关")
    private = operations.deposit(
        mediating,
        respondent,
        filename="合同.png",
        data=PNG,
        title="进货合同",
        proves="合法来源",
        source="contract",
        obtained_on=date(2026, 10, 1),
    )
    chart = charts.create_chart(mediating, claimant, claim="权利要求1", accused_product="发酵设备")
    charts.add_row(
        chart, claimant, claim_feature="温度 45℃", accused_feature="温度 45℃", exhibit_id=shared.id
    )
    court = db.session.scalar(sa.select(Organisation).where(Organisation.name == "梧州市中级人民法院"))
    request = preservation.request_preservation(
        mediating, claimant, court=court, target="网店链接", reason="可能下架", exhibits=[shared]
    )
    db.session.flush()
    return mediating, [shared, private], chart, request


@pytest.mark.parametrize("language", ["zh-CN", "en"])
def test_every_docket_page_for_every_role(client, db, demo_docket, language):
    case, exhibits, chart, request = demo_docket
    pages = [
        "/dashboard",
        f"/cases/{case.id}",
        f"/cases/{case.id}/evidence",
        f"/cases/{case.id}/evidence/new",
        f"/cases/{case.id}/evidence/summary",
        f"/cases/{case.id}/evidence/list.pdf",
        f"/cases/{case.id}/claim-charts/new",
        f"/cases/{case.id}/preservation/new",
        f"/claim-charts/{chart.id}",
        f"/claim-charts/{chart.id}/pdf",
        f"/preservation/{request.id}",
        "/court/preservation",
        "/evidence/verify",
        *[f"/evidence/{e.id}" for e in exhibits],
        *[f"/evidence/{e.id}/receipt" for e in exhibits],
    ]
    for user in db.session.scalars(sa.select(User).where(User.email.like("%@demo.odr"))).all():
        user.locale = "zh_CN" if language == "zh-CN" else "en"
        client.login(user)
        for path in pages:
            if language == "en" and path.endswith(("pdf", "/receipt")):
                continue  # the documents are in Chinese, whatever the page's language: read once
            with client.get(path, headers={"Accept-Language": language}) as response:
                assert response.status_code in (200, 302, 403, 404), (user.email, path, response.status_code)
                if response.mimetype == "text/html":
                    assert "Traceback" not in response.get_data(as_text=True)
