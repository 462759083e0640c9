"""A party's exhibit and the other side's response to it, through the pages' own forms
(tests/form_support.py): deposit, share, dispute with reasons, and who then reads what."""

import re

from odr.evidence.models import Exhibit
from tests import evidence_support
from tests.form_support import alerts, find_form, follow, submit

docket = evidence_support.docket  # the fixture: a case in mediation with its neutrals

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_the_other_side_disputes_a_shared_exhibit_in_chinese(docket, make_client):
    served = docket()
    case, claimant, respondent, mediator = (
        served["case"],
        served["claimant"],
        served["respondent"],
        served["mediator"],
    )
    filer = make_client(claimant)
    new = f"/cases/{case.id}/evidence/new"
    described = {
        "title": "淘宝店铺页面截图",
        "proves": "被申请人销售被控侵权产品。",
        "obtained_on": "2026-13-01",
    }
    refused = submit(filer, new, action="", button="Deposit", values=described, upload=("店铺截图.png", PNG))
    shown = refused.get_data(as_text=True)
    assert refused.status_code == 200 and Exhibit.query.filter_by(case_id=case.id).count() == 0
    assert "Not a valid date value." in shown
    kept = {n: v for _k, n, v, _a in find_form(shown, action="", button="Deposit").fields}
    assert kept["title"] == "淘宝店铺页面截图" and kept["proves"] == "被申请人销售被控侵权产品。"
    described["obtained_on"] = "2026-11-20"
    deposited = submit(
        filer, new, action="", button="Deposit", values=described, upload=("店铺截图.png", PNG)
    )
    exhibit = Exhibit.query.filter_by(case_id=case.id).one()
    exhibit_page = f"/evidence/{exhibit.id}"
    assert deposited.headers["Location"].endswith(exhibit_page) or exhibit_page in follow(filer, deposited)
    other = make_client(respondent)
    assert other.get(exhibit_page).status_code == 404  # the depositor's own until shared
    follow(filer, submit(filer, exhibit_page, testid="share"))
    assert other.get(exhibit_page).status_code == 200

    respondent.locale = "zh_CN"
    refused = submit(other, exhibit_page, testid="respond-form", values={"stance": "dispute_authenticity"})
    shown = refused.get_data(as_text=True)
    assert refused.status_code == 400 and exhibit.responses == []
    assert "danger: 请修改标出的栏目；您的质证意见尚未保存。" in alerts(shown)
    assert "请说明您对该证据有异议的理由。" in shown
    objection = "截图未经公证，店铺页面可被随时修改。"
    page = follow(
        other,
        submit(
            other,
            exhibit_page,
            testid="respond-form",
            values={"stance": "dispute_authenticity", "comment": objection},
        ),
    )
    assert "success: 您的质证意见已记录，调解员可以看到。" in alerts(page)
    [response] = exhibit.responses
    assert response.stance.value == "dispute_authenticity" and response.comment == objection
    for reader in (filer, make_client(mediator)):
        block = reader.get(exhibit_page).get_data(as_text=True).split('data-testid="response"')[1][:800]
        assert 'data-stance="dispute_authenticity"' in block and objection in block
    download = other.get(re.search(r'href="([^"]+)" data-testid="download"', page).group(1))
    assert download.status_code == 200 and download.data == PNG
    download.close()
