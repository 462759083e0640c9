"""The demo expert pool: more than thirty experts with varied specialties, industries and ties."""

import random
from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa

from odr.accounts.models import Organisation, Role, User
from odr.audit.operations import record
from odr.experts.models import (
    ExpertAffiliation,
    ExpertProfile,
    ExpertStatus,
    ExpertTraining,
    ExpertUnavailability,
)
from odr.experts.models.profile import name_key
from odr.extensions import db

SURNAMES = "黄陈李梁莫覃韦蒙罗周吴刘谢何邓苏钟卢唐冯"
GIVEN = [
    "志远",
    "丽娟",
    "建军",
    "文博",
    "海燕",
    "国庆",
    "晓明",
    "秀英",
    "俊峰",
    "美玲",
    "振华",
    "雪梅",
    "永康",
    "桂芳",
    "立新",
    "春燕",
    "家豪",
    "慧敏",
    "德胜",
    "玉兰",
    "子轩",
    "婉婷",
    "明远",
    "静怡",
    "昊天",
    "思远",
    "佳琪",
    "宏伟",
    "红梅",
    "国栋",
    "小燕",
    "伟民",
]
TITLES = ["律师", "高级工程师", "教授", "专利代理师", "副研究员", "人民调解员", "高级经济师", "副教授"]
FIRMS = [
    "广西梧州正大律师事务所",
    "广西桂通专利代理有限公司",
    "梧州学院",
    "广西大学知识产权学院",
    "梧州市茶叶产业协会",
    "广西华盛知识产权代理事务所",
    "梧州中恒制药有限公司",
    "梧州神冠科技有限公司",
]
# (roles, specialties, industries, technical fields) templates, cycled through the pool.
PROFILES = [
    (
        [Role.MEDIATOR],
        ["trademark", "geographical_indication", "unfair_competition"],
        ["liubao_tea", "ecommerce"],
        [],
    ),
    ([Role.MEDIATOR], ["copyright", "software_copyright"], ["ecommerce", "culture", "tourism"], []),
    (
        [Role.MEDIATOR, Role.ARBITRATOR],
        ["invention_patent", "utility_model", "design_patent"],
        ["metallurgy_machinery", "building_materials"],
        [],
    ),
    ([Role.MEDIATOR], ["trademark", "design_patent"], ["building_materials", "electronics"], []),
    (
        [Role.TECHNICAL_INVESTIGATOR],
        ["invention_patent", "utility_model"],
        ["metallurgy_machinery"],
        ["mechanical", "materials"],
    ),
    (
        [Role.TECHNICAL_INVESTIGATOR],
        ["invention_patent", "trade_secret"],
        ["pharmaceuticals"],
        ["chemistry_pharma"],
    ),
    (
        [Role.TECHNICAL_INVESTIGATOR],
        ["software_copyright", "ic_layout"],
        ["electronics", "ecommerce"],
        ["software", "electronics_comms"],
    ),
    (
        [Role.TECHNICAL_INVESTIGATOR, Role.MEDIATOR],
        ["plant_variety", "geographical_indication", "invention_patent"],
        ["liubao_tea", "agriculture"],
        ["food_processing", "biology_agriculture"],
    ),
    ([Role.ARBITRATOR], ["trademark", "copyright", "unfair_competition"], ["ecommerce", "tourism"], []),
    (
        [Role.MEDIATOR, Role.ARBITRATOR],
        ["trade_secret", "unfair_competition", "invention_patent"],
        ["pharmaceuticals", "electronics"],
        [],
    ),
]
# The demo accounts created by odr.seed that are experts too.
DEMO_EXPERTS = {
    "mediator1@demo.odr": (
        ["trademark", "geographical_indication", "invention_patent"],
        ["liubao_tea", "metallurgy_machinery"],
        [],
        "高级人民调解员",
    ),
    "mediator2@demo.odr": (
        ["invention_patent", "utility_model", "trade_secret"],
        ["metallurgy_machinery", "pharmaceuticals"],
        [],
        "律师",
    ),
    "arbitrator@demo.odr": (
        ["trademark", "copyright", "invention_patent"],
        ["ecommerce", "liubao_tea"],
        [],
        "仲裁员",
    ),
    "investigator@demo.odr": (
        ["invention_patent", "utility_model"],
        ["metallurgy_machinery", "liubao_tea"],
        ["mechanical", "food_processing"],
        "高级工程师",
    ),
}


def run(password_hash: str, respondent_name: str) -> int:
    """Create the demo pool if it is not there yet; return how many experts were added."""
    if db.session.scalar(sa.select(sa.func.count()).select_from(ExpertProfile)):
        return 0
    rng = random.Random(2026)  # the same pool on every machine
    mediation = db.session.scalar(sa.select(Organisation).where(Organisation.kind == "mediation_committee"))
    station = db.session.scalar(sa.select(Organisation).where(Organisation.kind == "park_station"))
    arbitration = db.session.scalar(
        sa.select(Organisation).where(Organisation.kind == "arbitration_commission")
    )
    today = date.today()
    added = 0
    for email, (specialties, industries, fields, title) in DEMO_EXPERTS.items():
        user = db.session.scalar(sa.select(User).where(User.email == email))
        if user is not None:
            _profile(
                user,
                specialties,
                industries,
                fields,
                title,
                station if "investigator" in email else None,
                rng,
                today=today,
            )
            added += 1
    for i in range(32):
        roles, specialties, industries, fields = PROFILES[i % len(PROFILES)]
        name = SURNAMES[i % len(SURNAMES)] + GIVEN[i]
        org = arbitration if roles == [Role.ARBITRATOR] else mediation
        user = User(
            email=f"expert{i + 1:02d}@demo.odr",
            name=name,
            password_hash=password_hash,
            locale="zh_CN",
            organisation=org,
            phone=f"1380774{i:04d}",
        )
        for role in roles:
            user.add_role(role)
        db.session.add(user)
        db.session.flush()
        if i % 5:
            # Draws once made for invented satisfaction figures (the survey now gives the real ones),
            # kept so the rest of the demo pool stays as it was.
            rng.uniform(3.6, 5.0)
            rng.randint(3, 40)
        profile = _profile(
            user,
            specialties,
            industries,
            fields,
            TITLES[i % len(TITLES)],
            station if i % 4 == 0 else None,
            rng,
            today=today,
        )
        profile.max_open_cases = rng.choice([4, 6, 8, 10])
        # Ties that make some experts visibly conflicted in the demo cases.
        if i in (0, 7):
            _tie(profile, "client", respondent_name, today - timedelta(days=400))
        if i == 3:
            _tie(profile, "employer", "苍梧县聚香茶叶商行", today - timedelta(days=900))
        _tie(profile, "employer", FIRMS[i % len(FIRMS)], today - timedelta(days=rng.randint(400, 3000)))
        if i in (1, 12):
            db.session.add(
                ExpertUnavailability(
                    profile=profile,
                    starts_on=today,
                    ends_on=today + timedelta(days=40),
                    reason="出国访学" if i == 1 else "休假",
                )
            )
        if i == 20:
            profile.status = ExpertStatus.SUSPENDED
            profile.suspension_reason = "年度考核未通过，暂停选任"
        added += 1
    db.session.flush()
    record("expert.pool_seeded", None, details={"experts": added})
    return added


def _profile(user, specialties, industries, fields, title, station, rng, *, today):
    profile = ExpertProfile(
        user=user,
        specialties=specialties,
        industries=industries,
        technical_fields=fields,
        languages=["zh", "yue"] + (["en"] if rng.random() < 0.4 else []),
        title=title,
        station=station,
        max_open_cases=8,
        bio=f"{title}，从事知识产权纠纷{rng.randint(3, 20)}年。",
    )
    db.session.add(profile)
    for n in range(rng.randint(1, 3)):
        hours = Decimal(rng.choice(["2", "4", "6", "8"]))
        db.session.add(
            ExpertTraining(
                profile=profile,
                year=today.year,
                hours=hours,
                course=["知识产权调解实务", "专利侵权判定", "人民调解员岗位培训"][n],
                completed_on=date(today.year, 1 + n * 3, 15),
            )
        )
    return profile


def _tie(profile, kind, entity, since):
    db.session.add(
        ExpertAffiliation(
            profile=profile, kind=kind, entity_name=entity, name_key=name_key(entity), starts_on=since
        )
    )
