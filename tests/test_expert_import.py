"""Importing the pool from CSV: good rows in, bad rows reported with their reasons."""

import sqlalchemy as sa

from odr.accounts.models import Role, User
from odr.experts.models import ExpertProfile

CSV = """email,name,roles,organisation,specialties,industries,technical_fields,languages,max_open_cases,affiliations
wang@example.com,王调解,mediator;arbitrator,{org},trademark;geographical_indication,liubao_tea,,zh;yue,6,client:苍梧县聚香茶叶商行
li@example.com,李技术,technical_investigator,,invention_patent,metallurgy_machinery,mechanical,zh,4,
bad-email,坏邮箱,mediator,,,,,,,
zhao@example.com,赵某,judge,,,,,,,
qian@example.com,钱某,mediator,,patent,,,,,
sun@example.com,孙某,mediator,不存在的机构,,,,,,
zhou@example.com,周某,mediator,,,,,,zero,
wu@example.com,吴某,mediator,,,,,,,employer:某公司:91450400MA5K3B7L25
wang@example.com,王重复,mediator,,,,,,,
"""


def run_import(app, tmp_path, text, *args):
    path = tmp_path / "pool.csv"
    path.write_text(text, encoding="utf-8")
    return app.test_cli_runner().invoke(args=["odr", "experts", "import", str(path), *args])


def test_import_reports_rejected_rows(app, db, mediation_org, tmp_path):
    result = run_import(app, tmp_path, CSV.format(org=mediation_org.name), "--default-password", "Pool-2026")
    assert result.exit_code == 1
    out = result.output
    assert "Imported 2 experts; rejected 7 rows." in out
    assert "row 4: e-mail 'bad-email' is not valid" in out
    assert "row 5: unknown role 'judge'" in out
    assert "row 6: unknown specialty 'patent'" in out
    assert "row 7: no organisation named '不存在的机构'" in out
    assert "row 8: max_open_cases 'zero'" in out
    assert "row 9: credit code '91450400MA5K3B7L25' of 某公司 is not valid (check_digit)" in out
    assert "row 10: an account with the e-mail wang@example.com already exists" in out
    wang = db.session.scalar(sa.select(User).where(User.email == "wang@example.com"))
    assert wang.roles == {Role.MEDIATOR, Role.ARBITRATOR}
    assert wang.expert_profile.languages == ["zh", "yue"] and wang.expert_profile.max_open_cases == 6
    assert [a.entity_name for a in wang.expert_profile.affiliations] == ["苍梧县聚香茶叶商行"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ExpertProfile)) == 2


def test_dry_run_imports_nothing(app, db, tmp_path):
    result = run_import(
        app, tmp_path, "email,name,roles,password\nok@example.com,好,mediator,Good-2026\n", "--dry-run"
    )
    assert result.exit_code == 0, result.output
    assert "Imported 1 experts" in result.output and "Dry run" in result.output
    assert db.session.scalar(sa.select(User).where(User.email == "ok@example.com")) is None


def test_header_must_name_the_required_columns(app, db, tmp_path):
    result = run_import(app, tmp_path, "mail,fullname\nx@example.com,X\n")
    assert result.exit_code == 1 and "the header must name at least email, name, roles" in result.output
