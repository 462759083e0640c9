"""The court queue: what waits on the court first, most urgent first, a page at a time, filtered
by stage and due day; a bad filter is explained, never a server error."""

import html
import re
from datetime import timedelta

from odr.agreements import court_queue
from odr.agreements.models import AgreementState, ConfirmationApplication
from odr.core.db import utcnow
from tests.test_statement_counts import Scenario

EN = {"Accept-Language": "en"}


def _numbers(page):
    return re.findall(r'href="/court/applications/\d+">([^<]+)</a>', page)


def _queue(client, path):
    return client.get(path, headers=EN).get_data(as_text=True)


def test_pending_first_then_paused_and_decided_apart(
    db, client, make_user, make_case, make_org, clerk, claimant, monkeypatch
):
    scenario = Scenario(make_user, make_case, clerk, claimant, make_org)
    scenario.grow_to(14)
    every = [
        a for c in scenario.cases for a in db.session.query(ConfirmationApplication).filter_by(case_id=c.id)
    ]
    apps = sorted((a for a in every if a.decision is None), key=lambda a: a.id)
    assert len(apps) == 6 and len(every) == 8  # two were decided already
    now = utcnow()
    for n, a in enumerate(apps):  # due in 6, 5, 4... days: the last made is the most urgent
        a.acceptance_due_at = now + timedelta(days=6 - n)
    paused, decided, accepted = apps[5], apps[0], apps[1]
    paused.agreement.state = AgreementState.MATERIALS_REQUESTED
    decided.decision, decided.decided_at = "confirmed", now
    accepted.accepted_at, accepted.decision_due_at = now, now + timedelta(hours=1)
    db.session.flush()
    client.login(scenario.liaison)

    page = _queue(client, "/court/")
    assert _numbers(page) == [a.case.number for a in (accepted, apps[4], apps[3], apps[2], paused)]
    assert "4 waiting" not in page and "5 waiting" in page
    decided.decided_at = now + timedelta(minutes=1)
    db.session.flush()
    ruled = _numbers(_queue(client, "/court/?stage=decided"))
    assert ruled[0] == decided.case.number and len(ruled) == 3  # the latest ruling first
    assert _numbers(_queue(client, "/court/?stage=paused")) == [paused.case.number]
    assert _numbers(_queue(client, "/court/?stage=to_accept")) == [
        a.case.number for a in (apps[4], apps[3], apps[2])
    ]
    assert _numbers(_queue(client, "/court/?stage=under_review")) == [accepted.case.number]
    # due by the end of the day after tomorrow (Beijing): the accepted one (1 hour), apps[4] (2 days),
    # and the paused one (1 day), after those the court can act on
    day = (now + timedelta(days=2, hours=8)).date().isoformat()
    assert _numbers(_queue(client, f"/court/?due_by={day}")) == [
        accepted.case.number,
        apps[4].case.number,
        paused.case.number,
    ]

    # Bad filters are explained and the queue still shows.
    bad = client.get("/court/?due_by=31/02/2026&stage=nonsense", headers=EN)
    assert bad.status_code == 200
    assert "Not a valid date value." in bad.get_data(as_text=True)

    # Two per page: Next walks the same order, each application once.
    monkeypatch.setattr(court_queue, "PER_PAGE", 2)
    seen, path = [], "/court/"
    while path:
        page = _queue(client, path)
        seen += _numbers(page)
        found = re.search(r'rel="next" href="([^"#]+)"', page)
        path = html.unescape(found.group(1)) if found else None
    assert seen == [a.case.number for a in (accepted, apps[4], apps[3], apps[2], paused)]


def test_another_courts_officer_sees_none_of_it(db, client, make_user, make_case, make_org, clerk, claimant):
    from odr.accounts.models import OrgKind, Role

    scenario = Scenario(make_user, make_case, clerk, claimant, make_org)
    scenario.grow_to(4)
    other = make_user(Role.COURT_LIAISON, organisation=make_org(OrgKind.BASIC_COURT, name="岑溪市人民法院"))
    client.login(other)
    page = _queue(client, "/court/")
    assert _numbers(page) == [] and "No application has been sent to your court." in page
    case = scenario.cases[3]
    assert client.get(f"/cases/{case.id}").status_code == 404
    client.login(scenario.liaison)
    assert client.get(f"/cases/{case.id}").status_code == 200
