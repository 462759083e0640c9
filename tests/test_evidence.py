"""The evidence docket: accepted types and sizes, path safety, who sees what, receipts and verification,
responses and the mediator's summary."""

import gc
import hashlib
import re
import warnings
from io import BytesIO

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from odr.accounts.models import OrgKind, Role
from odr.audit.models import AuditEntry
from odr.audit.operations import verify_chain
from odr.cases import operations as case_ops
from odr.core import storage
from odr.evidence import operations
from odr.evidence.models import Exhibit, ExhibitAccess, Stance, Visibility
from odr.evidence.operations import EvidenceError
from odr.notifications.models import Notification
from odr.rooms.operations import FILE_TYPES as ROOM_TYPES
from tests import evidence_support
from tests.evidence_support import EN, PDF, PNG, deposit, fetch, office_zip, plain_zip, upload_form

docket = evidence_support.docket  # the fixture

ZH = {"Accept-Language": "zh-CN"}


def text_of(pdf: bytes) -> str:
    return re.sub(r"\s+", "", "".join(p.extract_text() for p in PdfReader(BytesIO(pdf)).pages))


# Types and sizes ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (PDF, "application/pdf"),
        (PNG, "image/png"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 20, "image/jpeg"),
        (b"GIF89a" + b"\x00" * 20, "image/gif"),
        (b"II*\x00" + b"\x00" * 20, "image/tiff"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "image/webp"),
        (
            office_zip("word/document.xml"),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (office_zip("xl/workbook.xml"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (
            office_zip("ppt/presentation.xml"),
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 20, "application/x-ole-storage"),
        (b"ID3\x04\x00" + b"\x00" * 20, "audio/mpeg"),
        (b"\xff\xfb\x90\x00" + b"\x00" * 20, "audio/mpeg"),
        (b"RIFF\x00\x00\x00\x00WAVEfmt ", "audio/wav"),
        (b"#!AMR\n" + b"\x00" * 20, "audio/amr"),
        (b"\x00\x00\x00\x20ftypM4A \x00\x00\x00\x00", "audio/mp4"),
        (b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00", "video/mp4"),
        (b"\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00", "video/quicktime"),
        (b"\x1a\x45\xdf\xa3" + b"\x00" * 20, "video/webm"),
        (b"RIFF\x00\x00\x00\x00AVI LIST", "video/x-msvideo"),
        (plain_zip(), "application/zip"),
        (b"<html><script>alert(1)</script></html>", None),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", None),
        (b"MZ\x90\x00 an executable", None),
        (b"#!/bin/sh\nrm -rf /\n", None),
    ],
)
def test_the_type_is_read_from_the_bytes(data, expected):
    assert storage.sniff(data) == expected


def test_other_callers_keep_their_types(app):
    with app.test_request_context(headers=EN):
        with pytest.raises(storage.StorageError, match="PDF, PNG or JPEG"):
            storage.store(office_zip(), allowed=ROOM_TYPES)
        with pytest.raises(storage.StorageError, match="PDF, PNG or JPEG"):
            storage.store(b"ID3\x04" + b"\x00" * 20, allowed=ROOM_TYPES)
        # without a list of types, what was accepted before still is (zip containers included)
        assert storage.store(office_zip()).content_type.endswith("wordprocessingml.document")
        assert storage.store(plain_zip()).content_type == "application/zip"


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"<html><script>alert(1)</script></html>", "invoice.pdf", "does not accept this kind of file"),
        (b"MZ\x90\x00 an executable", "photo.jpg", "does not accept this kind of file"),
        (plain_zip(), "archive.zip", "does not accept this kind of file"),
        (b"", "empty.pdf", "The file is empty"),
    ],
)
def test_refused_files_say_why_and_keep_the_form(client, docket, data, filename, message):
    d = docket()
    client.login(d["claimant"])
    response = client.post(
        f"/cases/{d['case'].id}/evidence/new", data=upload_form(data, filename), headers=EN
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in page
    assert "网店商品页面截图" in page  # what was typed is still there
    assert Exhibit.query.filter_by(case_id=d["case"].id).count() == 0


def test_too_large_a_file_is_refused_with_the_limit(app, client, docket, monkeypatch):
    d = docket()
    monkeypatch.setitem(app.config, "EVIDENCE_MAX_BYTES", 2 * 1024 * 1024)
    client.login(d["claimant"])
    big = PDF + b"0" * (2 * 1024 * 1024)
    url = f"/cases/{d['case'].id}/evidence/new"

    def post(headers):
        return client.post(url, data=upload_form(big), headers=headers).get_data(as_text=True)

    # The test client spools a body this large to a temporary file it never closes: not ours to fix.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        english = post(EN)
        d["claimant"].locale = "zh_CN"
        chinese = post(ZH)
        gc.collect()
    assert "larger than 2 MB" in english
    assert "文件超过2 MB" in chinese
    assert Exhibit.query.filter_by(case_id=d["case"].id).count() == 0


def test_form_errors_are_clear_in_both_languages(client, docket):
    d = docket()
    client.login(d["claimant"])
    url = f"/cases/{d['case'].id}/evidence/new"
    page = client.post(
        url, data=upload_form(source="web_capture", obtained_on="2999-01-01", title=""), headers=EN
    ).get_data(as_text=True)
    assert "This field is required." in page
    assert "cannot be in the future" in page
    assert "needs the page" in page and "s address" in page
    assert "needs the time it was captured" in page
    d["claimant"].locale = "zh_CN"
    page = client.post(url, data=upload_form(source="web_capture"), headers=ZH).get_data(as_text=True)
    assert "网页截取证据需要填写网页地址" in page
    assert Exhibit.query.filter_by(case_id=d["case"].id).count() == 0


def test_a_web_capture_keeps_its_address_and_time(client, db, docket):
    d = docket()
    client.login(d["claimant"])
    response = client.post(
        f"/cases/{d['case'].id}/evidence/new",
        data=upload_form(
            PNG,
            "capture.png",
            source="web_capture",
            captured_url="https://shop.example.com/item/123",
            captured_at="2026-11-02T14:30",
        ),
        headers=EN,
    )
    assert response.status_code == 302
    exhibit = db.session.scalar(sa.select(Exhibit).where(Exhibit.case_id == d["case"].id))
    assert exhibit.captured_url == "https://shop.example.com/item/123"
    assert exhibit.captured_at.isoformat() == "2026-11-02T06:30:00+00:00"  # 14:30 in Beijing
    assert exhibit.content_type == "image/png" and exhibit.number == "C-1"


# Path safety ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("filename", "kept"),
    [
        ("../../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\windows\\system32\\evil.pdf", "evil.pdf"),
        ("/absolute/path/report.pdf", "report.pdf"),
        ('quote"and\r\nnewline.pdf', 'quote"andnewline.pdf'),
        ("..", "exhibit.pdf"),
        ("证据/购买公证书.pdf", "购买公证书.pdf"),
    ],
)
def test_file_names_never_choose_a_path(app, client, db, docket, filename, kept, tmp_path):
    d = docket()
    exhibit = deposit(d["case"], d["claimant"], data=PDF + filename.encode(), filename=filename)
    assert exhibit.file_name == kept
    root = storage.root().resolve()
    path = storage.path_for(exhibit.sha256).resolve()
    assert path.is_file() and root in path.parents
    assert path.name == exhibit.sha256 and hashlib.sha256(path.read_bytes()).hexdigest() == exhibit.sha256
    client.login(d["claimant"])
    response = fetch(client, f"/evidence/{exhibit.id}/file")
    assert response.status_code == 200
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and "\n" not in disposition and "/" not in disposition
    if not kept.isascii():
        assert "filename*=UTF-8''" in disposition
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response.headers["Content-Security-Policy"]
    assert response.mimetype == "application/pdf"


def test_storage_refuses_anything_but_a_hash(app):
    with app.app_context():
        for bad in ("../../etc/passwd", "a" * 63, "A" * 64, "g" * 64, "/" + "a" * 63):
            with pytest.raises(storage.StorageError):
                storage.path_for(bad)


def test_no_page_takes_a_path(client, docket):
    d = docket()
    client.login(d["claimant"])
    for url in ("/evidence/../../etc/passwd/file", "/evidence/%2e%2e%2fetc/file", "/evidence/abc/file"):
        assert client.get(url).status_code == 404


# Who sees what --------------------------------------------------------------------------------------


@pytest.fixture
def outsiders(make_user, make_case, make_org, respondent):
    """A party of another case, a clerk of another organisation, a liaison officer of a court not asked."""

    def make():
        other_party = make_user(Role.PARTY, name="另案当事人")
        make_case(respondents=[respondent], filer=other_party, title="另一起纠纷")
        other_org = make_org(OrgKind.PARK_STATION)
        return {
            "other_case_party": other_party,
            "other_clerk": make_user(Role.CLERK, organisation=other_org),
            "other_liaison": make_user(Role.COURT_LIAISON, organisation=make_org(OrgKind.BASIC_COURT)),
            "court_liaison_not_asked": None,
        }

    return make


ROLES = [
    "claimant",
    "respondent",
    "mediator",
    "investigator",
    "clerk",
    "liaison",
    "other_case_party",
    "other_clerk",
    "other_liaison",
]
# Who sees a claimant's exhibit in each visibility (the liaison: none attached to a request here).
SEES = {
    Visibility.PRIVATE: {"claimant", "mediator", "investigator", "clerk"},
    Visibility.SHARED: {"claimant", "respondent", "mediator", "investigator", "clerk"},
    Visibility.CONFIDENTIAL: {"claimant", "mediator", "investigator", "clerk"},
}


@pytest.mark.parametrize("visibility", list(Visibility))
def test_each_role_sees_what_the_visibility_allows(make_client, db, docket, outsiders, visibility):
    d = docket()
    people = {**d, **outsiders()}
    exhibit = deposit(d["case"], d["claimant"])
    if visibility != Visibility.PRIVATE:
        move = "share" if visibility == Visibility.SHARED else "confidential"
        operations.change_visibility(exhibit, d["claimant"], move)
    seen = set()
    for role in ROLES:
        client = make_client(people[role])
        pages = [f"/evidence/{exhibit.id}", f"/evidence/{exhibit.id}/file", f"/evidence/{exhibit.id}/receipt"]
        codes = {fetch(client, url).status_code for url in pages}
        assert len(codes) == 1, (role, codes)
        if codes == {200}:
            seen.add(role)
        docket_page = client.get(f"/cases/{d['case'].id}/evidence").get_data(as_text=True)
        assert (exhibit.title in docket_page) == (role in SEES[visibility]), role
    assert seen == SEES[visibility]
    assert fetch(make_client(), f"/evidence/{exhibit.id}/file").status_code == 302  # to sign in


def test_the_respondents_exhibit_follows_the_same_rules(make_client, db, docket):
    d = docket()
    exhibit = deposit(d["case"], d["respondent"], title="被申请人的进货合同")
    assert exhibit.number == "R-1"
    assert make_client(d["claimant"]).get(f"/evidence/{exhibit.id}").status_code == 404
    assert make_client(d["mediator"]).get(f"/evidence/{exhibit.id}").status_code == 200
    operations.change_visibility(exhibit, d["respondent"], "share")
    assert make_client(d["claimant"]).get(f"/evidence/{exhibit.id}").status_code == 200


def test_what_a_side_keeps_to_itself_is_its_party_and_agents_alike(make_client, make_user, db, docket):
    """An agent acts for the party: the exhibit the lawyer deposits and keeps unshared, and the
    preservation request the lawyer files, are the claimant's too, and never the respondent's."""
    from odr.accounts.models import PartyKind
    from odr.cases import attorneys
    from odr.evidence import preservation
    from odr.evidence.models import PreservationState

    d = docket()
    lawyer = make_user(Role.PARTY, party_kind=PartyKind.PERSON, name="张律师")
    power = attorneys.file_power(
        d["case"],
        d["claimant"],
        agent_email=lawyer.email,
        scope="special",
        filename="授权委托书.pdf",
        data=PDF,
    )
    attorneys.decide(power, d["clerk"], approve=True, scope="special", reason="授权委托书已核对")
    kept = deposit(d["case"], lawyer, title="律师保管的进货单")
    request = preservation.request_preservation(
        d["case"], lawyer, court=d["court"], target="被申请人的库存", reason="可能转移", exhibits=[kept]
    )
    claimant, respondent = make_client(d["claimant"]), make_client(d["respondent"])
    for url in (f"/evidence/{kept.id}", f"/evidence/{kept.id}/receipt", f"/preservation/{request.id}"):
        assert fetch(claimant, url).status_code == 200, url
        assert fetch(respondent, url).status_code == 404, url
    assert kept.title in claimant.get(f"/cases/{d['case'].id}/evidence").get_data(as_text=True)
    assert "可能转移" not in respondent.get(f"/cases/{d['case'].id}/evidence").get_data(as_text=True)
    # The claimant decides for the side: it shares what its lawyer deposited, and withdraws the request.
    claimant.post(f"/evidence/{kept.id}/visibility", data={"move": "share"}, headers=EN)
    assert kept.visibility == Visibility.SHARED
    assert fetch(respondent, f"/evidence/{kept.id}").status_code == 200
    claimant.post(f"/preservation/{request.id}/withdraw", headers=EN)
    assert request.state == PreservationState.WITHDRAWN


def test_each_access_is_logged_and_shown_to_the_submitter(make_client, db, docket):
    d = docket()
    exhibit = deposit(d["case"], d["claimant"])
    operations.change_visibility(exhibit, d["claimant"], "share")
    fetch(make_client(d["respondent"]), f"/evidence/{exhibit.id}/file")
    fetch(make_client(d["mediator"]), f"/evidence/{exhibit.id}/receipt")
    fetch(make_client(d["liaison"]), f"/evidence/{exhibit.id}/file")  # refused: not logged
    logged = db.session.scalars(sa.select(ExhibitAccess).where(ExhibitAccess.exhibit_id == exhibit.id)).all()
    assert sorted((a.user_id, a.what) for a in logged) == sorted(
        [(d["respondent"].id, "file"), (d["mediator"].id, "receipt")]
    )
    page = make_client(d["claimant"]).get(f"/evidence/{exhibit.id}", headers=EN).get_data(as_text=True)
    assert "Access log" in page and d["respondent"].name in page
    other_side = (
        make_client(d["respondent"]).get(f"/evidence/{exhibit.id}", headers=EN).get_data(as_text=True)
    )
    assert "Access log" not in other_side


def test_only_the_submitter_decides_visibility_and_sharing_is_final(client, db, docket):
    d = docket()
    exhibit = deposit(d["case"], d["claimant"])
    with pytest.raises(EvidenceError):
        operations.change_visibility(exhibit, d["mediator"], "share")
    operations.change_visibility(exhibit, d["claimant"], "confidential")
    with pytest.raises(EvidenceError):
        operations.change_visibility(exhibit, d["claimant"], "share")  # lift the mark first
    operations.change_visibility(exhibit, d["claimant"], "unmark")
    client.login(d["claimant"])
    response = client.post(f"/evidence/{exhibit.id}/visibility", data={"move": "share"}, headers=EN)
    assert response.status_code == 302
    assert exhibit.visibility == Visibility.SHARED and exhibit.shared_at is not None
    response = client.post(
        f"/evidence/{exhibit.id}/visibility", data={"move": "confidential"}, headers=EN, follow_redirects=True
    )
    assert "that change is not possible now" in response.get_data(as_text=True)
    assert exhibit.visibility == Visibility.SHARED
    told = db.session.scalars(sa.select(Notification).where(Notification.user_id == d["respondent"].id)).all()
    assert any(n.code == "evidence.shared" for n in told)


def test_the_docket_closes_with_the_case(db, docket):
    d = docket()
    exhibit = deposit(d["case"], d["claimant"])
    case_ops.withdraw_case(d["case"], d["claimant"], "和解")
    with pytest.raises(EvidenceError, match="证据库已关闭"):
        deposit(d["case"], d["claimant"])
    with pytest.raises(EvidenceError, match="证据库已关闭"):
        operations.change_visibility(exhibit, d["claimant"], "share")


def test_only_parties_deposit(client, db, docket):
    d = docket()
    with pytest.raises(EvidenceError):
        deposit(d["case"], d["mediator"])
    client.login(d["mediator"])
    assert client.get(f"/cases/{d['case'].id}/evidence/new").status_code == 403


# Receipts and verification -------------------------------------------------------------------------


def test_a_deposit_is_on_the_chain_with_a_receipt(db, docket):
    d = docket()
    exhibit = deposit(d["case"], d["claimant"], filename="购买公证书.pdf")
    entry = db.session.get(AuditEntry, exhibit.deposit_entry_id)
    assert entry.action == "evidence.deposited" and entry.case_id == d["case"].id
    assert entry.data["sha256"] == exhibit.sha256 and entry.data["size"] == len(PDF)
    assert verify_chain().ok
    receipt = storage.read(exhibit.receipt_sha256)
    text = text_of(receipt)
    for expected in (
        "电子证据存证回执",
        d["case"].number,
        "申请人证据1",
        "购买公证书.pdf",
        exhibit.sha256,
        d["claimant"].name,
        f"第{entry.position}号记录",
        entry.hash,
    ):
        assert expected in text, expected


def _write(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def test_verify_command_on_an_intact_and_a_modified_file(app, db, docket, tmp_path):
    d = docket()
    original = PDF + b"% notarised purchase\n"
    exhibit = deposit(d["case"], d["claimant"], data=original)
    receipt = storage.read(exhibit.receipt_sha256)
    runner = app.test_cli_runner()

    intact = runner.invoke(args=["odr", "evidence", "verify", _write(tmp_path, "a.pdf", original)])
    assert intact.exit_code == 0, intact.output
    assert "MATCH" in intact.output and exhibit.number in intact.output
    assert f"chain position {exhibit.deposit_entry.position}" in intact.output

    with_receipt = runner.invoke(
        args=[
            "odr",
            "evidence",
            "verify",
            _write(tmp_path, "b.pdf", original),
            "--receipt",
            _write(tmp_path, "r.pdf", receipt),
        ]
    )
    assert with_receipt.exit_code == 0 and "receipt is the one issued" in with_receipt.output

    changed = original.replace(b"notarised", b"notarized")
    modified = runner.invoke(args=["odr", "evidence", "verify", _write(tmp_path, "c.pdf", changed)])
    assert modified.exit_code == 1
    assert "NO MATCH" in modified.output
    modified_with_receipt = runner.invoke(
        args=[
            "odr",
            "evidence",
            "verify",
            _write(tmp_path, "c2.pdf", changed),
            "--receipt",
            _write(tmp_path, "r2.pdf", receipt),
        ]
    )
    assert modified_with_receipt.exit_code == 1
    assert f"The receipt is that of case {d['case'].number}, exhibit C-1" in modified_with_receipt.output

    wrong_receipt = runner.invoke(
        args=[
            "odr",
            "evidence",
            "verify",
            _write(tmp_path, "d.pdf", original),
            "--receipt",
            _write(tmp_path, "x.pdf", PDF),
        ]
    )
    assert wrong_receipt.exit_code == 1 and "RECEIPT MISMATCH" in wrong_receipt.output

    db.session.execute(
        sa.update(AuditEntry)
        .where(AuditEntry.id == exhibit.deposit_entry_id)
        .values(details='{"sha256": "0"}')
    )
    db.session.expire_all()
    altered = runner.invoke(args=["odr", "evidence", "verify", _write(tmp_path, "e.pdf", original)])
    assert altered.exit_code == 1 and "ALTERED" in altered.output


def test_verify_page_for_anyone_holding_the_file(make_client, db, docket):
    d = docket()
    original = PDF + b"% web capture\n"
    exhibit = deposit(d["case"], d["claimant"], data=original)
    receipt = storage.read(exhibit.receipt_sha256)
    anyone = make_client()
    assert anyone.get("/evidence/verify", headers=EN).status_code == 200

    def check(data, receipt_data=None):
        form = {"file": (BytesIO(data), "file.pdf")}
        if receipt_data is not None:
            form["receipt"] = (BytesIO(receipt_data), "receipt.pdf")
        return anyone.post("/evidence/verify", data=form, headers=EN).get_data(as_text=True)

    page = check(original, receipt)
    assert 'data-result="match"' in page and "The file matches a deposit." in page
    assert d["case"].number in page and exhibit.number in page and exhibit.sha256 in page
    assert "the receipt issued for this deposit" in page
    assert exhibit.title not in page  # the title is for those who may see the exhibit

    page = check(original.replace(b"web", b"Web"))
    assert 'data-result="no-match"' in page and "No deposit matches this file." in page
    page = check(original.replace(b"web", b"Web"), receipt)
    assert 'data-result="no-match"' in page and 'data-testid="receipt-of"' in page
    assert f"exhibit {exhibit.number} in case {d['case'].number}" in page and exhibit.sha256 in page

    page = check(original, PDF)
    assert 'data-result="problem"' in page and "not the receipt issued for this deposit" in page

    empty = anyone.post("/evidence/verify", data={}, headers=EN).get_data(as_text=True)
    assert "Choose the file to check." in empty
    zh = anyone.post("/evidence/verify", data={"file": (BytesIO(original), "f.pdf")}, headers=ZH)
    assert "文件与一项存证相符" in zh.get_data(as_text=True)


# Responses and the summary --------------------------------------------------------------------------


def test_the_other_side_responds_and_the_mediator_sees_the_summary(make_client, db, docket):
    d = docket()
    invoice = deposit(d["case"], d["claimant"], title="公证购买发票")
    listing = deposit(d["case"], d["claimant"], title="网店页面截图")
    report = deposit(d["case"], d["claimant"], title="检测报告")
    secret = deposit(d["case"], d["claimant"], title="工艺参数")
    for exhibit in (invoice, listing, report):
        operations.change_visibility(exhibit, d["claimant"], "share")
    operations.change_visibility(secret, d["claimant"], "confidential")

    respondent = make_client(d["respondent"])
    ok = respondent.post(f"/evidence/{invoice.id}/respond", data={"stance": "admit"}, headers=EN)
    assert ok.status_code == 302
    missing = respondent.post(
        f"/evidence/{listing.id}/respond", data={"stance": "dispute_authenticity", "comment": ""}, headers=EN
    )
    assert missing.status_code == 400 and "Say why you dispute the exhibit." in missing.get_data(as_text=True)
    assert listing.responses == []
    respondent.post(
        f"/evidence/{listing.id}/respond",
        data={"stance": "dispute_authenticity", "comment": "截图未经公证，页面可被修改。"},
        headers=EN,
    )
    respondent.post(
        f"/evidence/{listing.id}/respond",
        data={"stance": "dispute_relevance", "comment": "该商品并非被诉产品。"},
        headers=EN,
    )  # answering again replaces the earlier answer
    assert [(r.stance, r.comment) for r in listing.responses] == [
        (Stance.DISPUTE_RELEVANCE, "该商品并非被诉产品。")
    ]

    # the submitter, and anyone for an exhibit not shared with them, cannot respond
    with pytest.raises(EvidenceError):
        operations.respond(invoice, d["claimant"], "admit", None)
    with pytest.raises(EvidenceError):
        operations.respond(secret, d["respondent"], "admit", None)
    assert respondent.post(f"/evidence/{secret.id}/respond", data={"stance": "admit"}).status_code == 404

    summary = operations.summary(d["case"])
    assert [r.exhibit.title for r in summary.rows if r.status == "admitted"] == ["公证购买发票"]
    assert summary.admitted == [invoice] and summary.disputed == [listing]
    assert (summary.count("awaiting"), summary.count("not_shared")) == (1, 1)

    page = make_client(d["mediator"]).get(f"/cases/{d['case'].id}/evidence/summary", headers=EN)
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert re.search(r'data-count="admitted">1<', text) and re.search(r'data-count="disputed">1<', text)
    assert "该商品并非被诉产品。" in text and "Relevance disputed" in text and "工艺参数" in text
    for who in ("claimant", "respondent"):
        assert make_client(d[who]).get(f"/cases/{d['case'].id}/evidence/summary").status_code == 403
    assert make_client(d["liaison"]).get(f"/cases/{d['case'].id}/evidence/summary").status_code == 404
    told = db.session.scalars(sa.select(Notification).where(Notification.user_id == d["claimant"].id)).all()
    assert any(n.code == "evidence.answered" for n in told)


def test_the_case_page_shows_the_docket(make_client, db, docket):
    d = docket()
    exhibit = deposit(d["case"], d["claimant"])
    mine = make_client(d["claimant"]).get(f"/cases/{d['case'].id}", headers=EN).get_data(as_text=True)
    assert "Deposit an exhibit" in mine and exhibit.title in mine
    theirs = make_client(d["respondent"]).get(f"/cases/{d['case'].id}", headers=EN).get_data(as_text=True)
    assert exhibit.title not in theirs
    neutral = make_client(d["mediator"]).get(f"/cases/{d['case'].id}", headers=EN).get_data(as_text=True)
    assert "Summary of responses" in neutral and exhibit.title in neutral
    assert "Deposit an exhibit" not in neutral


def test_the_evidence_list_holds_what_the_reader_may_see(make_client, db, docket):
    d = docket()
    shared = deposit(d["case"], d["claimant"], title="已共享的发票")
    operations.change_visibility(shared, d["claimant"], "share")
    deposit(d["case"], d["claimant"], title="尚未共享的报告")
    deposit(d["case"], d["respondent"], title="被申请人的合同")
    as_mediator = make_client(d["mediator"]).get(f"/cases/{d['case'].id}/evidence/list.pdf")
    assert as_mediator.mimetype == "application/pdf"
    text = text_of(as_mediator.data)
    assert "证据目录" in text and shared.sha256 in text
    assert all(t in text for t in ("已共享的发票", "尚未共享的报告", "被申请人的合同"))
    text = text_of(make_client(d["respondent"]).get(f"/cases/{d['case'].id}/evidence/list.pdf").data)
    assert "已共享的发票" in text and "被申请人的合同" in text and "尚未共享的报告" not in text
    assert make_client(d["liaison"]).get(f"/cases/{d['case'].id}/evidence/list.pdf").status_code == 404


def test_an_exhibit_is_shown_in_a_room_without_widening_who_sees_it(make_client, db, docket):
    from odr.rooms.models import Message, MessageKind, Room, RoomKind
    from odr.rooms.operations import set_open

    d = docket()
    rooms = {r.kind: r for r in db.session.scalars(sa.select(Room).where(Room.case_id == d["case"].id))}
    set_open(rooms[RoomKind.JOINT], d["mediator"], True)
    set_open(rooms[RoomKind.CAUCUS_CLAIMANT], d["mediator"], True)
    exhibit = deposit(d["case"], d["claimant"])
    assert operations.rooms_to_show_in(exhibit, d["claimant"]) == [rooms[RoomKind.CAUCUS_CLAIMANT]]
    assert operations.rooms_to_show_in(exhibit, d["respondent"]) == []
    claimant = make_client(d["claimant"])
    refused = claimant.post(
        f"/evidence/{exhibit.id}/room",
        data={"room_id": rooms[RoomKind.JOINT].id},
        headers=EN,
        follow_redirects=True,
    )
    assert "Share the exhibit with the other side before showing it in the joint room." in refused.get_data(
        as_text=True
    )
    claimant.post(f"/evidence/{exhibit.id}/room", data={"room_id": rooms[RoomKind.CAUCUS_CLAIMANT].id})
    operations.change_visibility(exhibit, d["claimant"], "share")
    claimant.post(f"/evidence/{exhibit.id}/room", data={"room_id": rooms[RoomKind.JOINT].id})
    posted = db.session.scalars(sa.select(Message).where(Message.kind == MessageKind.FILE)).all()
    assert sorted(m.room_id for m in posted) == sorted(
        [rooms[RoomKind.CAUCUS_CLAIMANT].id, rooms[RoomKind.JOINT].id]
    )
    assert {m.file_sha256 for m in posted} == {exhibit.sha256} and posted[
        0
    ].file_name == "C-1 公证购买发票.pdf"
    recording = deposit(d["case"], d["claimant"], data=b"ID3\x04" + b"\x00" * 40, filename="通话录音.mp3")
    operations.change_visibility(recording, d["claimant"], "share")
    too_rich = claimant.post(
        f"/evidence/{recording.id}/room",
        data={"room_id": rooms[RoomKind.JOINT].id},
        headers=EN,
        follow_redirects=True,
    )
    assert "Upload a PDF, PNG or JPEG file." in too_rich.get_data(as_text=True)


def test_visibility_moves_are_exactly_the_table(db, docket):
    d = docket()
    for start in Visibility:
        for move in ("share", "confidential", "unmark"):
            exhibit = deposit(d["case"], d["claimant"], data=PDF + f"{start}{move}".encode())
            exhibit.visibility = start
            exhibit.shared_at = operations.utcnow() if start == Visibility.SHARED else None
            expected = operations.VISIBILITY_MOVES.get((start, move))
            if expected is None:
                with pytest.raises(EvidenceError):
                    operations.change_visibility(exhibit, d["claimant"], move)
                assert exhibit.visibility == start
            else:
                assert operations.change_visibility(exhibit, d["claimant"], move) == expected
