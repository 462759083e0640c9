"""How long one ranked list of candidates takes with 10,000 experts and 100,000 cases.

    .venv/bin/python bench/assignment_ranking.py                     # SQLite file in a temp dir
    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench .venv/bin/python bench/assignment_ranking.py

The database named by BENCH_DATABASE_URL is emptied first. Aim: under 100 ms for one list.
"""

import gc
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa

import config
from odr import create_app
from odr.extensions import db

EXPERTS = int(os.environ.get("BENCH_EXPERTS", 10_000))
CASES = int(os.environ.get("BENCH_CASES", 100_000))
RUNS = 30


def build(rng):
    from odr.accounts.models import Organisation, User, UserRole
    from odr.cases.models import Case, CaseParty
    from odr.experts.models import Assignment, ExpertAffiliation, ExpertProfile, ExpertUnavailability
    from odr.survey.models import ExpertScore

    now = datetime.now(UTC)
    conn = db.session.connection()
    org = conn.execute(
        sa.insert(Organisation)
        .values(name="基准调解委员会", kind="mediation_committee", created_at=now, active=True)
        .returning(Organisation.id)
    ).scalar()
    ip_types = [
        "invention_patent",
        "utility_model",
        "design_patent",
        "trademark",
        "copyright",
        "software_copyright",
        "trade_secret",
        "geographical_indication",
    ]
    industries = [
        "liubao_tea",
        "ecommerce",
        "pharmaceuticals",
        "metallurgy_machinery",
        "electronics",
        "tourism",
    ]
    fields = ["mechanical", "chemistry_pharma", "electronics_comms", "software", "biology_agriculture"]
    roles = ["mediator", "technical_investigator", "arbitrator"]
    users = [
        {
            "email": f"e{i}@bench.test",
            "password_hash": "x",
            "name": f"专家{i}",
            "locale": "zh_CN",
            "organisation_id": org,
            "active": True,
            "failed_logins": 0,
            "created_at": now,
        }
        for i in range(EXPERTS)
    ]
    conn.execute(sa.insert(User), users)
    user_ids = [
        r[0]
        for r in conn.execute(sa.select(User.id).where(User.email.like("e%@bench.test")).order_by(User.id))
    ]
    conn.execute(
        sa.insert(UserRole), [{"user_id": uid, "role": roles[i % 3]} for i, uid in enumerate(user_ids)]
    )
    conn.execute(
        sa.insert(ExpertProfile),
        [
            {
                "user_id": uid,
                "status": "active" if i % 50 else "suspended",
                "suspension_reason": None if i % 50 else "基准",
                "specialties": rng.sample(ip_types, 3),
                "industries": rng.sample(industries, 2),
                "technical_fields": rng.sample(fields, 2),
                "languages": ["zh"] + (["en"] if i % 4 == 0 else []),
                "max_open_cases": rng.choice([4, 6, 8, 10]),
                "created_at": now,
                "updated_at": now,
            }
            for i, uid in enumerate(user_ids)
        ],
    )
    # What the satisfaction survey's answers add up to per expert (read by the ranking).
    scores = []
    for uid in user_ids:
        answers = rng.randint(0, 40)
        scores.append(
            {"expert_id": uid, "answers": answers, "overall_total": round(answers * rng.uniform(3, 5))}
        )
    conn.execute(sa.insert(ExpertScore), scores)
    profile_ids = [r[0] for r in conn.execute(sa.select(ExpertProfile.id).order_by(ExpertProfile.id))]
    conn.execute(
        sa.insert(ExpertAffiliation),
        [
            {
                "profile_id": pid,
                "kind": "employer",
                "entity_name": f"公司{rng.randint(0, 50_000)}",
                "name_key": f"公司{rng.randint(0, 50_000)}",
            }
            for pid in profile_ids
            for _ in range(2)
        ],
    )
    today = now.date()
    conn.execute(
        sa.insert(ExpertUnavailability),
        [
            {
                "profile_id": pid,
                "starts_on": today + timedelta(days=rng.randint(-30, 60)),
                "ends_on": today + timedelta(days=rng.randint(61, 90)),
            }
            for pid in profile_ids
            if rng.random() < 0.1
        ],
    )
    states = ["closed"] * 80 + ["settled"] * 8 + ["mediating"] * 7 + ["awaiting_mediator"] * 5
    filer = user_ids[0]
    batch = 10_000
    for start in range(0, CASES, batch):
        rows = []
        for n in range(start, min(CASES, start + batch)):
            state = rng.choice(states)
            rows.append(
                {
                    "number": f"BENCH-{n:07d}",
                    "title": f"纠纷{n}",
                    "ip_type": rng.choice(ip_types),
                    "dispute_kind": "infringement",
                    "industry": rng.choice(industries),
                    "place": "offline",
                    "claim_amount": Decimal(rng.randint(1_000, 2_000_000)),
                    "remedies": "-",
                    "facts": "-",
                    "channel": "self_filed",
                    "online_consent": True,
                    "state": state,
                    "track": "simple",
                    "triage_reasons": [],
                    "track_overridden": False,
                    "organisation_id": org,
                    "filed_by_id": filer,
                    "submitted_at": now,
                    "updated_at": now,
                    "mediation_started_at": now if state == "mediating" else None,
                    "opinion_visibility": "neutrals",
                }
            )
        ids = [r[0] for r in conn.execute(sa.insert(Case).returning(Case.id), rows)]
        states_of = {cid: row["state"] for cid, row in zip(ids, rows, strict=True)}
        conn.execute(
            sa.insert(CaseParty),
            [
                {
                    "case_id": cid,
                    "side": side,
                    "kind": "company",
                    "name": f"公司{rng.randint(0, 50_000)}",
                    "is_foreign": False,
                    "answer": "consented",
                }
                for cid in ids
                for side in ("claimant", "respondent")
            ],
        )
        conn.execute(
            sa.insert(Assignment),
            [
                {
                    "case_id": cid,
                    "seat": "mediator",
                    "expert_id": user_ids[3 * rng.randrange(EXPERTS // 3)],
                    # Seats of cases that left mediation are released, as the platform does.
                    "state": "accepted"
                    if states_of[cid] in ("mediating", "awaiting_mediator")
                    else "released",
                    "proposed_at": now,
                    "answer_due_at": now,
                    "declaration_signed_at": now,
                    "chosen_by_parties": False,
                    "ranking": {},
                }
                for cid in ids
            ],
        )
    db.session.commit()


def main():
    url = os.environ.get("BENCH_DATABASE_URL")
    tmp = tempfile.TemporaryDirectory()
    cfg = config.Testing()
    cfg.SQLALCHEMY_DATABASE_URI = url or f"sqlite:///{Path(tmp.name) / 'bench.sqlite3'}"
    app = create_app(cfg)
    with app.app_context():
        from flask_migrate import upgrade

        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        upgrade()
        rng = random.Random(7)
        t0 = time.perf_counter()
        build(rng)
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(sa.text("ANALYZE"))
        print(
            f"database: {db.engine.dialect.name}; built {EXPERTS:,} experts and {CASES:,} cases "
            f"in {time.perf_counter() - t0:.1f} s"
        )

        from odr.cases.models import Case
        from odr.experts.models import Seat
        from odr.experts.ranking import rank

        case = db.session.scalar(sa.select(Case).where(Case.state == "awaiting_mediator").limit(1))
        # As a long-running server does after start-up (wsgi.py, `flask odr serve`): objects made
        # at start-up are left out of garbage collection, which otherwise rescans them often.
        gc.collect()
        gc.freeze()
        for seat in (Seat.MEDIATOR, Seat.TECHNICAL_INVESTIGATOR):
            timings = []
            for _ in range(RUNS):
                db.session.expire_all()
                t = time.perf_counter()
                ranked = rank(case, seat)
                timings.append((time.perf_counter() - t) * 1000)
            timings.sort()
            print(
                f"{seat.value:<24} candidates {len(ranked.candidates):>5}, excluded {len(ranked.excluded):>4}: "
                f"median {statistics.median(timings):6.1f} ms, p95 {timings[int(RUNS * 0.95) - 1]:6.1f} ms, "
                f"max {timings[-1]:6.1f} ms (aim < 100 ms)"
            )
    tmp.cleanup()


if __name__ == "__main__":
    main()
