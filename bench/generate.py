"""Build a PostgreSQL database of N generated cases, as a platform that has run for years holds them.

    nice -n 10 .venv/bin/python bench/generate.py postgresql://postgres@127.0.0.1:5432/bench_10k 10000

The database is emptied and migrated to the latest schema, then filled by INSERT ... SELECT over
generate_series inside the server (and COPY for the audit chain, whose hashes are computed here):
per case two parties, a deadline, three audit entries, a notification; by its state a mediator's
assignment, a joint room with messages, exhibits, an agreement (40%), an application for judicial
confirmation to one of ten courts (4%), an arbitration with its award (~2.5%). Users: about one
per five cases (parties, clerks, mediators, arbitrators, court liaison officers); one claimant (an
e-commerce rights holder) files 1% of all cases. Secondary indexes are dropped while loading and
built again afterwards, then the tables are analysed.

Every generated user's password is BENCH_PASSWORD (default "Bench-2026!"); bench/pages.py signs in
as them. Printed: the time of each step and the rows made.
"""

import hashlib
import os
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import psycopg

PASSWORD = os.environ.get("BENCH_PASSWORD", "Bench-2026!")
NOW = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
MEDIATION_ORGS = 4  # ids 1..4; the first receives 70% of the cases
COURTS = 10  # ids 5..14; 5 is the intermediate court
COMMISSION = 15
FIRST_PARTY = 10000  # party users' ids start here (after up to 9,900 experts)

# The tables the pages read, loaded here; their secondary indexes are rebuilt after the load.
TABLES = [
    "cases",
    "case_parties",
    "deadlines",
    "audit_entries",
    "rooms",
    "room_messages",
    "agreements",
    "agreement_versions",
    "confirmation_applications",
    "exhibits",
    "arbitration_cases",
    "awards",
    "assignments",
    "notifications",
    "users",
    "user_roles",
]


def sizes(n):
    """How many of each kind of user N cases have."""
    mediators = max(20, n // 500)
    parties = max(100, n // 5)
    return {"mediators": mediators, "arbitrators": 50, "parties": parties}


# A pseudo-random number in [0, m) for row I and a salt: the same every run, no state.
def R(expr, salt, m):
    return f"mod(mod(({expr})::bigint * 2654435761 + {salt * 40503}, 4294967296), {m})"


STATE = """CASE
  WHEN p < 2 THEN 'submitted' WHEN p < 4 THEN 'refused' WHEN p < 9 THEN 'awaiting_respondent'
  WHEN p < 14 THEN 'not_mediated' WHEN p < 17 THEN 'awaiting_mediator' WHEN p < 27 THEN 'mediating'
  WHEN p < 62 THEN 'settled' WHEN p < 70 THEN 'failed' WHEN p < 75 THEN 'referred'
  WHEN p < 97 THEN 'closed' ELSE 'withdrawn' END"""
TITLES = [
    "“六堡茶”地理标志侵权纠纷",
    "“茂圣”商标网店侵权纠纷",
    "六堡茶揉捻机实用新型专利侵权纠纷",
    "人造宝石切割工艺商业秘密纠纷",
    "茶叶包装外观设计专利纠纷",
    "旅游文创产品著作权纠纷",
    "跨境电商平台商标侵权纠纷",
    "中药饮片生产线发明专利侵权纠纷",
    "不锈钢厨具商标许可合同纠纷",
    "水泥外加剂技术秘密纠纷",
    "手机配件计算机软件著作权纠纷",
    "展会假冒茶叶商标侵权纠纷",
]
PLACES = [
    "梧州市万秀区",
    "梧州市长洲区",
    "梧州市龙圩区",
    "苍梧县",
    "藤县",
    "蒙山县",
    "岑溪市",
    "南宁市",
    "广州市",
    "深圳市",
]
TRADES = [
    "茶叶",
    "宝石",
    "食品",
    "电子",
    "机械",
    "建材",
    "药业",
    "文化传媒",
    "电子商务",
    "旅游用品",
    "陶瓷",
    "五金",
]
KINDS = ["有限公司", "商行", "经营部", "贸易有限公司", "科技有限公司", "实业有限公司"]
IP_TYPES = [
    "trademark",
    "trademark",
    "trademark",
    "copyright",
    "invention_patent",
    "utility_model",
    "design_patent",
    "software_copyright",
    "trade_secret",
    "geographical_indication",
    "unfair_competition",
]
INDUSTRIES = [
    "liubao_tea",
    "ecommerce",
    "pharmaceuticals",
    "metallurgy_machinery",
    "building_materials",
    "electronics",
    "tourism",
    "agriculture",
    "culture",
    "other",
]


def arr(values):
    return "ARRAY[" + ",".join("'" + v.replace("'", "''") + "'" for v in values) + "]"


def company(expr, salt):
    """A company name built from place, trade and kind, with a number: varied text for the trigrams."""
    return (
        f"({arr(PLACES)})[1 + {R(expr, salt, len(PLACES))}] || "
        f"({arr(TRADES)})[1 + {R(expr, salt + 1, len(TRADES))}] || ({expr})::text || "
        f"({arr(KINDS)})[1 + {R(expr, salt + 2, len(KINDS))}]"
    )


def credit_code(expr):
    return f"'91450' || lpad(({expr})::text, 12, '0') || 'X'"


def step(conn, label, sql, **params):
    started = time.perf_counter()
    with conn.cursor() as cur:
        cur.execute(sql, params or None)
        rows = cur.rowcount
    conn.commit()
    print(f"  {label:<28} {rows:>11,} rows {time.perf_counter() - started:7.1f} s", flush=True)


def migrate(url):
    """Empty the database and build the latest schema with the project's migrations."""
    os.environ["DATABASE_URL"] = url
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    import config
    from odr import create_app

    cfg = config.Testing()
    cfg.SQLALCHEMY_DATABASE_URI = url
    app = create_app(cfg)
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        from odr.accounts.auth import hash_password

        return hash_password(PASSWORD)


def drop_indexes(conn):
    """Drop the secondary indexes of the loaded tables; return their definitions to rebuild them."""
    rows = conn.execute(
        """SELECT i.indexname, i.indexdef FROM pg_indexes i
           WHERE i.schemaname = 'public' AND i.tablename = ANY(%s)
             AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)""",
        (TABLES,),
    ).fetchall()
    for name, _ in rows:
        conn.execute(f'DROP INDEX "{name}"')
    conn.commit()
    return [definition for _, definition in rows]


def people(conn, n, password_hash):
    s = sizes(n)
    m, a, p = s["mediators"], s["arbitrators"], s["parties"]
    orgs = [
        (i, f"梧州市知识产权纠纷调解组织{i}", "mediation_committee") for i in range(1, MEDIATION_ORGS + 1)
    ]
    orgs += [(5, "梧州市中级人民法院", "intermediate_court")]
    orgs += [(5 + k, f"{PLACES[k - 1]}人民法院", "basic_court") for k in range(1, COURTS)]
    orgs += [(COMMISSION, "梧州仲裁委员会", "arbitration_commission")]
    with conn.cursor() as cur:
        cur.executemany(
            "INSERT INTO organisations (id, name, kind, region, active, created_at) VALUES (%s, %s, %s, '梧州市', true, %s)",
            [(i, name, kind, NOW) for i, name, kind in orgs],
        )
    staff = [(1, "admin", None, "admin")]
    staff += [(2 + k, "clerk", 1 + k // 5, "clerk") for k in range(5 * MEDIATION_ORGS)]
    staff += [(22 + k, "liaison", 5 + k // 2, "court_liaison") for k in range(2 * COURTS)]
    staff += [(42 + k, "arbclerk", COMMISSION, "clerk") for k in range(2)]
    staff += [(100 + k, "mediator", 1 + k % MEDIATION_ORGS, "mediator") for k in range(m)]
    first_arbitrator = 100 + m
    staff += [(first_arbitrator + k, "arbitrator", None, "arbitrator") for k in range(a)]
    with conn.cursor() as cur:
        cur.executemany(
            """INSERT INTO users (id, email, password_hash, name, locale, organisation_id, active,
                                  failed_logins, created_at)
               VALUES (%s, %s, %s, %s, 'zh_CN', %s, true, 0, %s)""",
            [(i, f"{kind}{i}@bench.odr", password_hash, f"{kind}{i}", org, NOW) for i, kind, org, _ in staff],
        )
        cur.executemany(
            "INSERT INTO user_roles (user_id, role) VALUES (%s, %s)", [(i, r) for i, _, _, r in staff]
        )
        cur.executemany(
            """INSERT INTO expert_profiles (user_id, status, specialties, industries, technical_fields, languages,
                                            max_open_cases, created_at, updated_at)
               VALUES (%s, 'active', '["trademark"]', '["liubao_tea"]', '[]', '["zh"]', 1000, %s, %s)""",
            [(i, NOW, NOW) for i, _, _, r in staff if r in ("mediator", "arbitrator")],
        )
    conn.commit()
    step(
        conn,
        "party users",
        f"""INSERT INTO users (id, email, password_hash, name, locale, party_kind, credit_code, organisation_id,
                               active, failed_logins, created_at)
            SELECT u, 'party' || u || '@bench.odr', %(hash)s, {company("u", 11)}, 'zh_CN', 'company',
                   {credit_code("u")}, NULL, true, 0, %(now)s - make_interval(days => ({R("u", 12, 1500)})::int)
            FROM generate_series({FIRST_PARTY}, {FIRST_PARTY + p - 1}) AS u""",
        hash=password_hash,
        now=NOW,
    )
    step(
        conn,
        "party roles",
        f"INSERT INTO user_roles SELECT u, 'party' FROM generate_series({FIRST_PARTY}, {FIRST_PARTY + p - 1}) u",
    )
    return s


def cases(conn, n, s):
    m, p = s["mediators"], s["parties"]
    claimant = (
        f"CASE WHEN mod(i, 100) = 0 THEN {FIRST_PARTY} ELSE {FIRST_PARTY + 1} + {R('i', 21, p - 1)} END"
    )
    respondent_user = f"{FIRST_PARTY + 1} + {R('c.id', 22, p - 1)}"
    step(
        conn,
        "cases",
        f"""INSERT INTO cases (id, number, title, ip_type, dispute_kind, industry, place, claim_amount, remedies,
                               facts, channel, online_consent, state, track, triage_reasons, track_overridden,
                               refusal_reason, organisation_id, filed_by_id, submitted_at, accepted_at,
                               respondent_due_at, mediation_started_at, mediation_due_at, updated_at,
                               opinion_visibility)
            SELECT i,
                   CASE WHEN state IN ('submitted', 'refused', 'withdrawn') THEN NULL
                        ELSE 'WZIP-' || extract(year FROM submitted)::int || '-' || lpad(i::text, 7, '0') END,
                   ({arr(TITLES)})[1 + {R("i", 2, len(TITLES))}] || '（' || ({arr(PLACES)})[1 + {R("i", 3, len(PLACES))}] || i || '）',
                   ({arr(IP_TYPES)})[1 + {R("i", 4, len(IP_TYPES))}], 'infringement',
                   ({arr(INDUSTRIES)})[1 + {R("i", 5, len(INDUSTRIES))}], 'ecommerce_platform',
                   (1000 + {R("i", 6, 900000)})::numeric(14, 2), '停止侵权，赔偿损失。', '被申请人在网店销售侵权商品。',
                   'self_filed', true, state,
                   CASE WHEN state IN ('submitted', 'refused', 'withdrawn') THEN NULL
                        WHEN {R("i", 7, 3)} = 0 THEN 'complex' ELSE 'simple' END,
                   '[]', false,
                   CASE WHEN state = 'refused' THEN '不属于受理范围' END,
                   CASE WHEN {R("i", 8, 10)} < 7 THEN 1 ELSE 2 + {R("i", 9, MEDIATION_ORGS - 1)} END,
                   {claimant}, submitted,
                   CASE WHEN state NOT IN ('submitted', 'refused', 'withdrawn') THEN submitted + interval '1 day' END,
                   CASE WHEN state NOT IN ('submitted', 'refused', 'withdrawn') THEN submitted + interval '8 days' END,
                   CASE WHEN p >= 17 AND p < 97 AND state NOT IN ('not_mediated') THEN submitted + interval '10 days' END,
                   CASE WHEN state = 'mediating' THEN %(now)s + make_interval(days => ({R("i", 10, 30)})::int + 1) END,
                   CASE WHEN state IN ('submitted', 'awaiting_respondent', 'awaiting_mediator', 'mediating')
                        THEN %(now)s - make_interval(mins => ({R("i", 11, 20000)})::int)
                        ELSE submitted + interval '40 days' END,
                   'neutrals'
            FROM (SELECT i, p, {STATE} AS state,
                         CASE WHEN p < 27 THEN %(now)s - make_interval(days => mod(p, 20)::int, mins => ({R("i", 13, 1440)})::int)
                              ELSE %(now)s - make_interval(days => 40 + ({R("i", 14, 1100)})::int) END AS submitted
                  FROM (SELECT i, {R("i", 1, 100)} AS p FROM generate_series(1, {n}) AS i) x) y""",
        now=NOW,
    )
    step(
        conn,
        "parties",
        f"""INSERT INTO case_parties (case_id, side, kind, name, credit_code, phone, is_foreign, user_id, answer,
                                      answered_at, decline_reason)
            SELECT c.id, 'claimant', 'company', u.name, u.credit_code, '13800000000', false, u.id, 'pending', NULL, NULL
            FROM cases c JOIN users u ON u.id = c.filed_by_id
            UNION ALL
            SELECT c.id, 'respondent', 'company', {company("c.id", 31)}, {credit_code("c.id + 50000000")},
                   '13900000000', false,
                   CASE WHEN {R("c.id", 32, 10)} < 3 AND {respondent_user} <> c.filed_by_id THEN {respondent_user} END,
                   CASE WHEN c.state IN ('submitted', 'refused', 'withdrawn', 'awaiting_respondent') THEN 'pending'
                        WHEN c.state = 'not_mediated' THEN 'declined' ELSE 'consented' END,
                   CASE WHEN c.state NOT IN ('submitted', 'refused', 'withdrawn', 'awaiting_respondent')
                        THEN c.accepted_at + interval '2 days' END,
                   CASE WHEN c.state = 'not_mediated' THEN '不同意调解' END
            FROM cases c""",
    )
    mediated = "c.mediation_started_at IS NOT NULL"
    step(
        conn,
        "mediator assignments",
        f"""INSERT INTO assignments (case_id, seat, expert_id, state, proposed_by_id, chosen_by_parties, proposed_at,
                                     answer_due_at, answered_at, declaration_text, declaration_signed_at, ranking,
                                     ended_at)
            SELECT c.id, 'mediator', 100 + {R("c.id", 41, m)},
                   CASE WHEN c.state = 'mediating' THEN 'accepted' ELSE 'released' END, 2, false,
                   c.accepted_at + interval '8 days', c.accepted_at + interval '10 days', c.mediation_started_at,
                   '本人声明与本案当事人无利害关系。', c.mediation_started_at, '[]',
                   CASE WHEN c.state <> 'mediating' THEN c.updated_at END
            FROM cases c WHERE {mediated}""",
    )
    step(
        conn,
        "deadlines",
        f"""INSERT INTO deadlines (kind, object_type, object_id, case_id, due_at, state, extensions, created_at,
                                   closed_at, outcome)
            SELECT CASE WHEN c.state = 'awaiting_respondent' THEN 'respondent_answer'
                        WHEN c.state = 'mediating' THEN 'mediation_period'
                        WHEN {mediated} THEN 'mediation_period' ELSE 'respondent_answer' END,
                   'cases', c.id, c.id,
                   CASE WHEN c.state = 'mediating' THEN c.mediation_due_at
                        WHEN c.state = 'awaiting_respondent' THEN %(now)s + make_interval(hours => ({R("c.id", 51, 160)})::int + 1)
                        ELSE c.submitted_at + interval '20 days' END,
                   CASE WHEN c.state IN ('mediating', 'awaiting_respondent') THEN 'pending'
                        WHEN c.state = 'not_mediated' THEN 'missed' ELSE 'met' END,
                   0, c.submitted_at,
                   CASE WHEN c.state NOT IN ('mediating', 'awaiting_respondent') THEN c.updated_at END,
                   CASE WHEN c.state NOT IN ('mediating', 'awaiting_respondent') THEN 'met' END
            FROM cases c""",
        now=NOW,
    )
    step(
        conn,
        "joint rooms",
        f"""INSERT INTO rooms (case_id, kind, is_open, last_seq, invited, created_at)
            SELECT c.id, 'joint', c.state = 'mediating', 3, '[]', c.mediation_started_at FROM cases c WHERE {mediated}""",
    )
    step(
        conn,
        "room messages",
        """INSERT INTO room_messages (room_id, seq, sender_id, client_id, kind, body, created_at)
           SELECT r.id, k, c.filed_by_id, 'g' || r.id || '-' || k, 'text',
                  '关于赔偿金额，我方可以再考虑（第' || k || '条）。', r.created_at + make_interval(mins => k)
           FROM rooms r JOIN cases c ON c.id = r.case_id CROSS JOIN generate_series(1, 3) AS k""",
    )
    step(
        conn,
        "exhibits",
        f"""INSERT INTO exhibits (case_id, side, seq, submitted_by_id, title, proves, source, obtained_on, file_name,
                                  content_type, size, sha256, visibility, shared_at, created_at)
            SELECT c.id, 'claimant', 1, c.filed_by_id, '公证购买的侵权商品', '被申请人销售侵权商品', 'notarised_purchase',
                   (c.submitted_at - interval '30 days')::date, '公证书.pdf', 'application/pdf', 20480,
                   md5(c.id::text) || md5(c.id::text || 'x'), 'shared', c.submitted_at, c.submitted_at
            FROM cases c WHERE {R("c.id", 61, 10)} < 3 AND c.state NOT IN ('submitted', 'refused', 'withdrawn')""",
    )
    # Agreements: the settled cases and some closed ones (settled, then performed and closed).
    agreed = f"(c.state = 'settled' OR (c.state = 'closed' AND {R('c.id', 1, 100)} < 81))"
    step(
        conn,
        "agreements",
        f"""INSERT INTO agreements (id, case_id, state, created_by_id, created_at, effective_at, signed_pdf_sha256,
                                    updated_at)
            SELECT c.id, c.id, 'draft',
                   100 + {R("c.id", 41, m)}, c.mediation_started_at + interval '5 days',
                   c.mediation_started_at + interval '7 days', md5(c.id::text) || md5(c.id::text || 's'), c.updated_at
            FROM cases c WHERE {agreed}""",
    )
    step(
        conn,
        "agreement versions",
        """INSERT INTO agreement_versions (id, agreement_id, number, content, created_by_id, created_at, shared_at,
                                           content_sha256, finalised_at, pdf_sha256, pdf_size)
           SELECT a.id, a.id, 1, '{"facts": "双方自愿达成协议。", "clauses": []}', a.created_by_id, a.created_at,
                  a.created_at, md5(a.id::text) || md5(a.id::text || 'c'), a.created_at,
                  md5(a.id::text) || md5(a.id::text || 'p'), 40960
           FROM agreements a""",
    )
    step(
        conn,
        "final versions",
        f"""UPDATE agreements a SET final_version_id = a.id,
                   state = CASE WHEN {R("c.id", 71, 10)} = 0 THEN
                                CASE WHEN {R("c.id", 72, 10)} = 0 THEN 'under_court_review' ELSE 'enforceable' END
                            WHEN c.state = 'closed' THEN 'performed' ELSE 'effective' END
            FROM cases c WHERE c.id = a.case_id""",
    )
    step(
        conn,
        "confirmation applications",
        f"""INSERT INTO confirmation_applications (agreement_id, case_id, court_id, court_basis, applicant_id,
                   facts_and_reasons, created_at, submitted_at, acceptance_due_at, accepted_at, accepted_by_id,
                   court_case_number, decision_due_at, decision, decided_at, decided_by_id, judge_name,
                   ruling_number, rejection_grounds)
            SELECT a.id, a.case_id, 5 + {R("a.id", 81, COURTS)}, 'mediation_organisation', c.filed_by_id,
                   '双方经调解自愿达成协议，请求确认。', a.effective_at + interval '2 days', a.effective_at + interval '2 days',
                   CASE WHEN pending THEN %(now)s + make_interval(hours => ({R("a.id", 82, 96)})::int - 24)
                        ELSE a.effective_at + interval '5 days' END,
                   CASE WHEN NOT pending THEN a.effective_at + interval '3 days' END,
                   CASE WHEN NOT pending THEN 22 + 2 * {R("a.id", 81, COURTS)} END,
                   CASE WHEN NOT pending THEN '（2026）桂0403民特' || a.id || '号' END,
                   CASE WHEN NOT pending THEN a.effective_at + interval '18 days' END,
                   CASE WHEN NOT pending THEN 'confirmed' END,
                   CASE WHEN NOT pending THEN a.effective_at + interval '12 days' END,
                   CASE WHEN NOT pending THEN 22 + 2 * {R("a.id", 81, COURTS)} END,
                   CASE WHEN NOT pending THEN '覃法官' END,
                   CASE WHEN NOT pending THEN '（2026）桂0403民特' || a.id || '号' END,
                   '[]'
            FROM (SELECT a.*, a.state = 'under_court_review' AS pending FROM agreements a
                  WHERE a.state IN ('under_court_review', 'enforceable')) a
            JOIN cases c ON c.id = a.case_id""",
        now=NOW,
    )
    step(
        conn,
        "arbitrations",
        f"""INSERT INTO arbitration_cases (id, case_id, commission_id, number, from_mediation, state, expedited,
                   arbitration_basis, claims, filed_by_id, submitted_at, accepted_at, presiding_choices)
            SELECT c.id, c.id, {COMMISSION}, '梧仲字（2026）第' || c.id || '号', true,
                   CASE WHEN {R("c.id", 91, 2)} = 0 THEN 'awarded' ELSE 'hearing' END, true,
                   '合同第十条仲裁条款', '请求裁决被申请人赔偿损失。', c.filed_by_id, c.updated_at, c.updated_at, '[]'
            FROM cases c WHERE c.state IN ('failed', 'referred') AND {R("c.id", 92, 5)} = 0""",
    )
    step(
        conn,
        "awards",
        f"""INSERT INTO awards (arbitration_id, kind, number, facts_found, reasons, decisions, settlement_terms, costs,
                                drafted_by_id, drafted_at, issued_at, pdf_sha256)
            SELECT a.id, 'award', '梧仲裁字（2026）第' || a.id || '号', '经审理查明……', '本庭认为……', '[]', '',
                   '仲裁费由被申请人承担。', {100 + m}, a.accepted_at + interval '30 days',
                   a.accepted_at + interval '31 days', md5(a.id::text) || md5(a.id::text || 'w')
            FROM arbitration_cases a WHERE a.state = 'awarded'""",
    )
    step(
        conn,
        "notifications",
        """INSERT INTO notifications (user_id, case_id, code, params, created_at, read_at)
           SELECT p.user_id, p.case_id, CASE WHEN p.side = 'claimant' THEN 'case.accept' ELSE 'case.invited' END,
                  json_build_object('number', c.number, 'track', c.track), COALESCE(c.accepted_at, c.submitted_at),
                  CASE WHEN c.state NOT IN ('submitted', 'awaiting_respondent') THEN c.updated_at END
           FROM case_parties p JOIN cases c ON c.id = p.case_id WHERE p.user_id IS NOT NULL""",
    )


def audit_chain(conn, n):
    """Three entries per case (filed, accepted, last change), chained by SHA-256 as the platform
    chains them (odr.audit.models.entry_hash), so `flask odr audit verify` has a real chain to check.

    The canonical JSON of an entry is written out directly (keys in order, ASCII values): the same
    bytes canonical_json gives, checked on the first entry, at a fraction of its cost."""
    from odr.audit.models import GENESIS_HASH, canonical_json

    started = time.perf_counter()
    actions = ("case.file", "case.accept", "case.updated")
    sha256 = hashlib.sha256
    prev = GENESIS_HASH
    position = 0
    rows = conn.execute("SELECT id, filed_by_id, submitted_at, updated_at FROM cases ORDER BY id")
    with (
        conn.cursor() as cur,
        cur.copy(
            "COPY audit_entries (position, created_at, actor_id, object_type, object_id, case_id, action, details,"
            " prev_hash, hash) FROM STDIN"
        ) as copy,
    ):
        buffer = []
        for case_id, filer, submitted, updated in rows:
            for k, action in enumerate(actions):
                position += 1
                when = (submitted + timedelta(seconds=k)) if k < 2 else updated
                actor = filer if k == 0 else 2
                stamp = when.strftime("%Y-%m-%dT%H:%M:%S.%f")
                text = (
                    f'{{"action":"{action}","actor_id":{actor},"case_id":{case_id},'
                    f'"created_at":"{stamp}+00:00","details":"{{}}","object_id":{case_id},'
                    f'"object_type":"cases","position":{position},"prev_hash":"{prev}"}}'
                )
                if position == 1:
                    expected = canonical_json(
                        {
                            "position": 1,
                            "created_at": when.replace(tzinfo=UTC).isoformat(timespec="microseconds"),
                            "actor_id": actor,
                            "object_type": "cases",
                            "object_id": case_id,
                            "case_id": case_id,
                            "action": action,
                            "details": "{}",
                            "prev_hash": prev,
                        }
                    )
                    assert text == expected, (text, expected)
                digest = sha256(text.encode()).hexdigest()
                buffer.append(
                    f"{position}\t{stamp.replace('T', ' ')}\t{actor}\tcases\t{case_id}\t{case_id}\t{action}\t{{}}\t{prev}\t{digest}\n"
                )
                prev = digest
            if len(buffer) >= 30000:
                copy.write("".join(buffer))
                buffer.clear()
        copy.write("".join(buffer))
    conn.commit()
    print(
        f"  {'audit entries (COPY)':<28} {position:>11,} rows {time.perf_counter() - started:7.1f} s",
        flush=True,
    )


def finish(conn, definitions):
    started = time.perf_counter()
    conn.execute("SET maintenance_work_mem = '512MB'")
    for definition in definitions:
        conn.execute(definition)
    conn.commit()
    print(
        f"  {'indexes rebuilt':<28} {len(definitions):>11,}      {time.perf_counter() - started:7.1f} s",
        flush=True,
    )
    for table in ("organisations", "users", "cases", "agreements", "agreement_versions", "arbitration_cases"):
        conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
    conn.execute(
        "INSERT INTO case_number_counters (prefix, year, last) "
        "SELECT 'WZIP', y, 9999999 FROM generate_series(2020, 2027) y ON CONFLICT DO NOTHING"
    )
    conn.commit()
    started = time.perf_counter()
    conn.autocommit = True
    conn.execute("VACUUM ANALYZE")
    print(f"  {'vacuum analyze':<28} {'':>11}      {time.perf_counter() - started:7.1f} s", flush=True)


def main():
    url, n = sys.argv[1], int(sys.argv[2])
    total = time.perf_counter()
    print(f"generating {n:,} cases into {url}", flush=True)
    password_hash = migrate(url)
    print(f"  {'schema (migrations)':<28} {'':>11}      {time.perf_counter() - total:7.1f} s", flush=True)
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as conn:
        conn.execute("SET synchronous_commit = off")
        definitions = drop_indexes(conn)
        s = people(conn, n, password_hash)
        cases(conn, n, s)
        audit_chain(conn, n)
        finish(conn, definitions)
    print(f"done in {time.perf_counter() - total:.0f} s", flush=True)


if __name__ == "__main__":
    main()
