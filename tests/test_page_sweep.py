"""Every page, for every demo role, in both languages: never a server error."""

import pytest
import sqlalchemy as sa

from odr import seed
from odr.accounts.models import Role, User
from odr.cases.models import Case

PAGES = [
    "/",
    "/dashboard",
    "/cases",
    "/cases/intake",
    "/cases/new",
    "/account",
    "/admin/users",
    "/admin/users/new",
    "/admin/organisations",
    "/login",
    "/register",
    "/court/",
    "/admin/clauses",
    "/arbitration/apply",
    "/handovers",
    "/evidence/verify",
    "/notifications",
    "/infringers",
    "/infringers/changes",
    "/registry",
    "/registry/mine",
    "/registry/findings/new",
    "/registry/judgments",
]


def _who_sees_differently(db):
    """Every demo account and everyone holding a seat on a case or a tribunal; of the pool's other
    experts, who differ from one another only in name and record, one of each set of roles."""
    from odr.arbitration.models import TribunalSeat
    from odr.experts.models.assignment import Assignment

    seated = set(db.session.scalars(sa.select(Assignment.expert_id))) | set(
        db.session.scalars(sa.select(TribunalSeat.arbitrator_id))
    )
    expert_roles = {Role.MEDIATOR, Role.ARBITRATOR, Role.TECHNICAL_INVESTIGATOR}
    accounts = {row[0] for row in seed.ACCOUNTS}
    chosen, kinds = [], set()
    for user in db.session.scalars(sa.select(User).order_by(User.id)):
        kind = frozenset(user.roles)
        pool = kind <= expert_roles and user.email not in accounts and user.id not in seated
        if not pool or kind not in kinds:
            chosen.append(user)
            kinds.add(kind)
    return chosen


@pytest.mark.parametrize("language", ["zh-CN", "en"])
def test_every_page_for_every_role(client, db, language):
    seed.run()
    cases = db.session.scalars(sa.select(Case.id)).all()
    from odr.agreements.models import AgreementVersion
    from odr.arbitration.models import ArbitrationCase

    extra = [
        f"/agreements/{v.agreement_id}/versions/{v.number}"
        for v in db.session.scalars(sa.select(AgreementVersion))
    ]
    extra += [f"/agreements/{a}/compare" for a in {v.split("/")[2] for v in extra}]
    extra += [
        f"/arbitrations/{a}/panel/{role}"
        for a in db.session.scalars(sa.select(ArbitrationCase.id))
        for role in ("sole", "presiding")
    ]
    from odr.registry.models import Entry

    for entry_id in db.session.scalars(sa.select(Entry.id)):
        extra += [f"/infringers/{entry_id}", f"/registry/entries/{entry_id}"]
    users = _who_sees_differently(db)
    assert len(users) >= 9 and cases
    for user in users:
        user.locale = "zh_CN" if language == "zh-CN" else "en"
        client.login(user)
        for path in PAGES + [f"/cases/{case_id}" for case_id in cases] + extra:
            response = client.get(path, headers={"Accept-Language": language})
            assert response.status_code in (200, 302, 403, 404), (user.email, path, response.status_code)
            if response.status_code == 200:
                assert "Traceback" not in response.get_data(as_text=True)
