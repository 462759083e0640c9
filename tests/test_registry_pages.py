"""The list's pages as browsers post them: the public search and entry pages without sign-in, the
credit officer's forms, the entity's objection and repair, the clerk's view of a listed party, and
the exports validated against their documented schema."""

import csv
import io
import json
import zipfile
from datetime import date, timedelta
from pathlib import Path

import sqlalchemy as sa
from freezegun import freeze_time
from jsonschema import Draft202012Validator, FormatChecker

from odr.accounts.models import Role
from odr.audit.models import AuditEntry
from odr.registry import exports, operations
from odr.registry.models import Entry, EntryState, RepairState
from tests.conftest import valid_uscc
from tests.registry_support import NOTICE_AT, PDF, _candidate, external, published_entry

EN = {"Accept-Language": "en"}
SCHEMA = json.loads((Path(__file__).parent.parent / "odr/registry/export_schema.json").read_text())


def test_the_public_searches_the_list_without_signing_in(db, client, officer, entity):
    entry = published_entry(db, officer, entity)
    other = valid_uscc(999)
    with freeze_time(NOTICE_AT):
        external(officer, credit_code=other, name="未公示的公司", willful=True)  # a candidate only
    page = client.get("/infringers", headers=EN).get_data(as_text=True)
    assert entity.name in page and "未公示的公司" not in page
    found = client.get(f"/infringers?q={entity.credit_code}", headers=EN).get_data(as_text=True)
    assert entity.name in found
    assert entity.name in client.get("/infringers?q=假冒茶叶", headers=EN).get_data(as_text=True)
    bad = entity.credit_code[:17] + ("0" if entity.credit_code[17] != "0" else "1")
    refused = client.get(f"/infringers?q={bad}", headers=EN)
    assert refused.status_code == 200
    assert "check digit does not match" in refused.get_data(as_text=True)
    assert entity.name not in client.get(f"/infringers?q={other}", headers=EN).get_data(as_text=True)
    shown = client.get(f"/infringers/{entry.id}", headers=EN)
    text = shown.get_data(as_text=True)
    assert shown.status_code == 200
    for expected in (entry.findings[0].number, "梧州市中级人民法院", "2027-03-17", "2030-03-18", "故意侵权"):
        assert expected in text
    candidate = db.session.scalars(sa.select(Entry).where(Entry.credit_code == other)).one()
    assert client.get(f"/infringers/{candidate.id}", headers=EN).status_code == 404
    assert client.get("/infringers/changes", headers=EN).status_code == 200


def test_the_public_pages_speak_chinese(db, client, officer, entity):
    entry = published_entry(db, officer, entity)
    text = client.get(f"/infringers/{entry.id}", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "重复侵权、故意侵权企业名录" in text and "公示截止" in text
    english = client.get(f"/infringers/{entry.id}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "List of repeat and willful IP infringers" in english and "Published until" in english


def test_a_natural_person_is_masked_on_the_public_pages(db, client, officer):
    from tests.conftest import valid_id_number

    number = valid_id_number(55)
    with freeze_time(NOTICE_AT):
        finding = external(
            officer, kind="person", id_number=number, name="王小明", willful=True, representative=None
        )
        entry = db.session.scalars(sa.select(Entry).where(Entry.entity_key == finding.entity_key)).one()
        operations.start_review(entry, officer)
        operations.notify_entity(entry, officer, service_record="邮寄送达")
    from tests.deadline_support import sweep_at

    sweep_at(db, entry.objection_due_at)
    for url in ("/infringers", f"/infringers/{entry.id}", "/infringers/changes"):
        text = client.get(url).get_data(as_text=True)
        assert "王**" in text and "王小明" not in text and number not in text


def test_only_credit_officers_reach_the_desk_and_its_forms(
    db, make_client, officer, entity, clerk, make_user
):
    with freeze_time(NOTICE_AT):
        external(officer, credit_code=entity.credit_code, willful=True)
        entry = _candidate(db, entity)
    for user in (clerk, make_user(Role.ADMIN), entity):
        c = make_client(user)
        assert c.get("/registry").status_code == 403
        assert c.post(f"/registry/entries/{entry.id}/review").status_code == 403
        assert c.post(f"/registry/entries/{entry.id}/withdraw", data={"reasons": "x"}).status_code == 403
        assert c.get("/registry/export?what=entries&format=json").status_code == 403
    assert make_client().get("/registry", headers=EN).status_code == 302  # to the sign-in page
    assert entry.state == EntryState.CANDIDATE
    # The entity does not see an entry before it is notified.
    assert make_client(entity).get(f"/registry/entries/{entry.id}").status_code == 404


def test_the_officer_and_the_entity_walk_the_entry_through_the_pages(db, make_client, officer, entity):
    with freeze_time(NOTICE_AT):
        desk = make_client(officer)
        form = {
            "entity_kind": "company",
            "entity_name": entity.name,
            "credit_code": entity.credit_code[:17] + ("0" if entity.credit_code[17] != "0" else "1"),
            "legal_representative": "张三",
            "decision_kind": "court_judgment",
            "number": "（2026）桂04民初88号",
            "decided_on": "2026-10-09",
            "authority": "梧州市中级人民法院",
            "willful": "y",
            "summary": "故意侵权，判处惩罚性赔偿。",
        }
        refused = desk.post(
            "/registry/findings/new", data={**form, "document": (io.BytesIO(PDF), "判决书.pdf")}
        )
        assert refused.status_code == 200 and "check digit does not match" in refused.get_data(as_text=True)
        form["credit_code"] = entity.credit_code
        no_file = desk.post("/registry/findings/new", data=form, follow_redirects=True)
        assert "the decision&#39;s document" in no_file.get_data(as_text=True)
        done = desk.post("/registry/findings/new", data={**form, "document": (io.BytesIO(PDF), "判决书.pdf")})
        assert done.status_code == 302
        entry = _candidate(db, entity)
        assert desk.get("/registry").status_code == 200
        assert desk.post(f"/registry/entries/{entry.id}/review").status_code == 302
        assert (
            desk.post(f"/registry/entries/{entry.id}/notify", data={"service_record": ""}).status_code == 302
        )
    db.session.refresh(entry)
    assert entry.state == EntryState.NOTIFIED
    page = make_client(entity).get(f"/registry/entries/{entry.id}").get_data(as_text=True)
    assert "Lodge the objection" in page and "2027-03-17 00:00" in page
    bell = make_client(entity).get("/notifications").get_data(as_text=True)
    assert f'href="/registry/entries/{entry.id}"' in bell
    with freeze_time(entry.objection_due_at - timedelta(minutes=1)):
        them = make_client(entity)
        assert them.post(f"/registry/entries/{entry.id}/objection", data={"text": ""}).status_code == 302
        assert entry.state == EntryState.NOTIFIED
        them.post(f"/registry/entries/{entry.id}/objection", data={"text": "法定代表人姓名有误"})
    db.session.refresh(entry)
    assert entry.state == EntryState.OBJECTED
    with freeze_time(entry.objection_due_at + timedelta(days=2)):
        desk = make_client(officer)
        desk.post(
            f"/registry/entries/{entry.id}/objection/decision",
            data={
                "decision": "upheld_corrected",
                "reasons": "法定代表人更正",
                "legal_representative": "李四",
            },
        )
    db.session.refresh(entry)
    assert entry.state == EntryState.PUBLISHED and entry.legal_representative == "李四"
    notice = make_client(entity).get(f"/registry/entries/{entry.id}", headers=EN).get_data(as_text=True)
    assert "Upheld in part: correct and publish — 法定代表人更正" in notice
    with freeze_time(entry.published_at + timedelta(days=30)):
        make_client(entity).post(
            f"/registry/entries/{entry.id}/repair",
            data={
                "performance": "已支付全部赔偿",
                "commitment": "承诺守法经营",
                "proof": (io.BytesIO(PDF), "凭证.pdf"),
            },
        )
        db.session.refresh(entry)
        [application] = entry.repairs
        proof = make_client(entity).get(f"/registry/repairs/{application.id}/proof")
        assert proof.status_code == 200 and proof.data == PDF
        proof.close()
        officer.locale = "zh_CN"  # refusing credit repair on its merits is not refusing to take it up
        choices = make_client(officer).get(f"/registry/entries/{entry.id}").get_data(as_text=True)
        assert "不予信用修复" in choices and "不予受理" not in choices
        officer.locale = "en"
        make_client(officer).post(
            f"/registry/repairs/{application.id}/decision", data={"decision": "grant", "reasons": "已履行"}
        )
    db.session.refresh(entry)
    assert application.state == RepairState.GRANTED and entry.state == EntryState.REMOVED
    changes = make_client().get("/infringers/changes", headers=EN).get_data(as_text=True)
    assert "信用修复移出：已履行" in changes


def test_the_clerk_sees_a_listed_respondent_at_intake_and_on_the_case_page(
    db, make_client, officer, entity, clerk, make_case
):
    published_entry(db, officer, entity)
    case = make_case(respondents=[entity])
    c = make_client(clerk)
    intake = c.get("/cases/intake").get_data(as_text=True)
    assert 'data-testid="listed-party"' in intake
    page = c.get(f"/cases/{case.id}").get_data(as_text=True)
    assert 'data-testid="registry-case-panel"' in page and "Willful infringement" in page
    other = make_case()
    assert 'data-testid="registry-case-panel"' not in c.get(f"/cases/{other.id}").get_data(as_text=True)


def _unzip(response):
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    names = sorted(archive.namelist())
    data_name = next(n for n in names if not n.endswith(".manifest.json"))
    return archive.read(data_name), json.loads(archive.read(data_name + ".manifest.json"))


def test_the_exports_match_their_schema_and_manifest(db, make_client, officer, entity, make_user):
    import hashlib

    entry = published_entry(db, officer, entity)
    with freeze_time(entry.published_at + timedelta(days=3)):
        operations.correct(
            entry, officer, reasons="名称更正", corrections={"entity_name": entity.name + "（更正）"}
        )
    desk = make_client(officer)
    validator = Draft202012Validator(SCHEMA, format_checker=FormatChecker())
    for what, since in (("entries", ""), ("changes", "2027-01-01")):
        response = desk.get(f"/registry/export?what={what}&format=json&since={since}")
        assert response.status_code == 200 and response.mimetype == "application/zip"
        data, manifest = _unzip(response)
        document = json.loads(data)
        errors = sorted(validator.iter_errors(document), key=str)
        assert errors == [], [e.message for e in errors]
        assert manifest["sha256"] == hashlib.sha256(data).hexdigest()
        head = db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.position.desc())).first()
        assert manifest["audit"] == {"kind": "chain_head", "position": head.position, "hash": head.hash}
        assert head.action == "registry.exported" and head.data["sha256"] == manifest["sha256"]
        assert document["rows"], what
    rows = json.loads(_unzip(desk.get("/registry/export?what=changes&format=json&since=2027-01-01"))[0])[
        "rows"
    ]
    assert [r["change"] for r in rows] == ["published", "corrected"]
    data, manifest = _unzip(desk.get("/registry/export?what=entries&format=csv"))
    table = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert list(table[0]) == manifest["columns"] == list(SCHEMA["$defs"]["entry"]["required"])
    assert table[0]["unified_social_credit_code"] == entity.credit_code
    assert table[0]["publication_end"] == "2030-03-18"  # 17 March 2030 is a Sunday
    # Changes need a day; nothing is lost, the officer is told.
    assert desk.get("/registry/export?what=changes&format=csv").status_code == 302


def test_the_export_command_writes_the_file_and_its_manifest(app, db, officer, entity, tmp_path):
    entry = published_entry(db, officer, entity)
    db.session.commit()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["odr", "registry", "export", "--format", "csv", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    [data_file] = [p for p in tmp_path.iterdir() if p.suffix == ".csv"]
    manifest = json.loads((tmp_path / (data_file.name + ".manifest.json")).read_text())
    import hashlib

    assert manifest["sha256"] == hashlib.sha256(data_file.read_bytes()).hexdigest()
    assert str(entry.id) in data_file.read_text(encoding="utf-8-sig")
    result = runner.invoke(args=["odr", "registry", "export", "--what", "changes"])
    assert result.exit_code != 0 and "--since" in result.output
    assert exports.WHAT == ("entries", "changes")
    assert date(2027, 1, 1)


def test_the_court_liaison_records_a_judgment_from_its_page(
    db, make_client, failed_case, courts, make_user, respondent
):
    from odr.handover import operations as handovers
    from odr.registry.models import Finding

    handover = handovers.handover_of(failed_case)
    handovers.send(handover, courts["intermediate"])
    aide = make_user(Role.COURT_LIAISON, organisation=courts["intermediate"])
    other = make_user(Role.COURT_LIAISON, organisation=courts["wanxiu"])
    page = make_client(aide).get("/registry/judgments", headers=EN).get_data(as_text=True)
    assert failed_case.number in page
    assert failed_case.number not in make_client(other).get("/registry/judgments").get_data(as_text=True)
    assert make_client(other).get(f"/registry/judgments/{handover.id}").status_code == 404
    assert make_client(respondent).get("/registry/judgments").status_code == 403
    form = {
        "party": str(failed_case.respondents[0].id),
        "number": "（2027）桂04知民初9号",
        "decided_on": "2027-02-01",
        "infringement": "y",
        "summary": "判决停止侵权。",
    }
    missing = make_client(aide).post(f"/registry/judgments/{handover.id}", data=form, headers=EN)
    assert missing.status_code == 200 and "the decision&#39;s document" in missing.get_data(as_text=True)
    assert "（2027）桂04知民初9号" in missing.get_data(as_text=True)  # what was typed is kept
    done = make_client(aide).post(
        f"/registry/judgments/{handover.id}", data={**form, "document": (io.BytesIO(PDF), "判决书.pdf")}
    )
    assert done.status_code == 302
    finding = db.session.scalars(sa.select(Finding).where(Finding.case_id == failed_case.id)).one()
    assert finding.number == "（2027）桂04知民初9号" and finding.credit_code == respondent.credit_code


def test_the_officers_other_buttons_as_the_browser_posts_them(db, make_client, officer, entity):
    with freeze_time(NOTICE_AT):
        external(officer, credit_code=entity.credit_code, name=entity.name, willful=True)
        entry = _candidate(db, entity)
        desk = make_client(officer)
        assert desk.post("/registry/scan").status_code == 302  # nothing new: the candidate exists
        assert desk.post(f"/registry/entries/{entry.id}/withdraw", data={"reasons": ""}).status_code == 302
        assert entry.state == EntryState.CANDIDATE  # reasons are required
        desk.post(f"/registry/entries/{entry.id}/review")
        desk.post(f"/registry/entries/{entry.id}/notify", data={"service_record": ""})
        early = desk.post(f"/registry/entries/{entry.id}/publish", headers=EN, follow_redirects=True)
        assert "The period to object runs until" in early.get_data(as_text=True)
    db.session.refresh(entry)
    assert entry.state == EntryState.NOTIFIED
    with freeze_time(entry.objection_due_at + timedelta(minutes=5)):
        make_client(officer).post(f"/registry/entries/{entry.id}/publish")
    db.session.refresh(entry)
    assert entry.state == EntryState.PUBLISHED
    with freeze_time(entry.objection_due_at + timedelta(days=1)):
        desk = make_client(officer)
        same = desk.post(
            f"/registry/entries/{entry.id}/correct", data={"reasons": "x"}, headers=EN, follow_redirects=True
        )
        assert "Nothing was changed." in same.get_data(as_text=True)
        desk.post(
            f"/registry/entries/{entry.id}/correct",
            data={"reasons": "更正代表人", "legal_representative": "王五"},
        )
        page = desk.get(f"/registry/entries/{entry.id}", headers=EN).get_data(as_text=True)
        assert "王五" in page and "Audit trail" in page
    db.session.refresh(entry)
    assert entry.legal_representative == "王五"
    mine = make_client(entity).get("/registry/mine", headers=EN).get_data(as_text=True)
    assert f"/registry/entries/{entry.id}" in mine
    with freeze_time(entry.expires_at + timedelta(days=1)):
        operations.expire(entry)
        make_client(officer).post(f"/registry/entries/{entry.id}/archive")
    db.session.refresh(entry)
    assert entry.state == EntryState.ARCHIVED
