"""How long one settlement agreement (调解协议书) of about four pages takes to render as a PDF.

    .venv/bin/python bench/agreement_pdf.py              # 30 renderings with the embedded TrueType font
    .venv/bin/python bench/agreement_pdf.py -n 100 --font STSong-Light

The first rendering (font loading) is reported apart. Wall-clock median, p95 and max, and the median CPU
time, which other processes on the machine disturb less. Aim: under 50 ms for one agreement.
"""

import argparse
import gc
import os
import statistics
import sys
import time
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pypdf import PdfReader

from odr.agreements.pdf import render_agreement, render_signed_agreement
from odr.core.pdf import FONT_ENV, cjk_font

FACTS = """\
申请人梧州某茶业有限公司系专利号为ZL202110123456.7、名称为“一种六堡茶渥堆发酵温湿度控制装置”的发明专利的专利权人，该专利于2023年5月16日获得授权，现处于有效状态。申请人自2023年起在梧州市苍梧县六堡镇的生产基地实施该专利，并将其用于“六堡金花”系列产品的发酵工序。

2026年3月，申请人在广西某机械展销会上发现被申请人陈国栋经营的个体工商户“梧州市长洲区国栋茶机经营部”展示并销售型号为GD-800的发酵控制设备。申请人委托公证机关对该设备进行了购买公证，经技术比对，认为该设备的温湿度传感器布置方式、分段加湿逻辑与循环风道结构落入涉案专利权利要求1至4的保护范围，遂于2026年9月向本平台申请调解，请求被申请人停止侵权并赔偿经济损失及合理开支共计人民币三十万元。

被申请人辩称，其销售的设备系从第三方采购，具有合法来源，且设备中的控制程序与涉案专利所述的阈值控制存在区别，不构成侵权；同时表示愿意在查明事实的基础上协商解决纠纷，避免诉讼成本。调解过程中，技术调查官就被诉设备与涉案专利的技术特征出具了技术审查意见书，双方在此基础上进行了三轮协商。"""

CLAUSES = [
    (
        "停止侵权",
        "被申请人确认，自本协议生效之日起，立即停止销售、许诺销售型号为GD-800的发酵控制设备及与之结构相同的其他设备，"
        "并于本协议生效之日起十日内将库存的七台设备交由申请人指定的第三方封存；封存费用由被申请人承担。"
        "被申请人应当在其网店、展销会展位及宣传资料中删除上述设备的全部宣传内容，并于二十日内向申请人提供删除后的截图。",
    ),
    (
        "赔偿金额",
        "被申请人同意向申请人支付经济损失赔偿金人民币150,000.00元（大写：壹拾伍万元整），"
        "以及申请人为制止侵权行为所支付的公证费、律师费等合理开支人民币30,000.00元（大写：叁万元整），合计人民币180,000.00元。",
    ),
    (
        "支付方式与期限",
        "上述款项分三期支付：第一期人民币80,000.00元于2026年12月31日前支付；第二期人民币50,000.00元于2027年3月31日前支付；"
        "第三期人民币50,000.00元于2027年6月30日前支付。被申请人应当将款项汇入申请人指定的银行账户"
        "（户名：梧州某茶业有限公司；开户行：中国工商银行梧州分行营业部；账号：2106 0012 0920 0123 456），"
        "以银行到账日为付款日。申请人收到每期款项后三个工作日内向被申请人出具收款确认。",
    ),
    (
        "来源披露",
        "被申请人应当于本协议生效之日起十五日内，以书面形式向申请人如实披露被诉设备的供货商名称、联系方式、采购合同及付款凭证。"
        "申请人承诺仅为追究供货商责任之目的使用上述信息，不向无关第三方披露。",
    ),
    (
        "违约责任",
        "被申请人逾期支付任何一期款项超过十五日的，申请人有权要求被申请人一次性支付全部未付款项，"
        "并按未付金额每日万分之五的标准支付违约金，直至实际付清之日止。"
        "被申请人再次销售、许诺销售落入涉案专利保护范围的产品的，应当另行向申请人支付违约金人民币100,000.00元；"
        "该违约金不足以弥补申请人损失的，申请人有权继续追偿。",
    ),
    (
        "保密",
        "双方对调解过程中知悉的对方商业秘密、技术资料及本协议的具体金额负有保密义务，"
        "但依照法律规定向人民法院、行政机关披露，或者为履行本协议、申请司法确认及强制执行所必需的除外。"
        "保密义务不因本协议的终止而解除。",
    ),
    (
        "权利放弃",
        "被申请人全面、按时履行本协议第一条至第四条约定的义务后，申请人不再就本协议签订前被申请人销售GD-800设备的行为"
        "向被申请人主张任何权利；申请人保留就同一侵权行为向设备制造者及其他销售者主张权利的权利。",
    ),
    (
        "争议解决",
        "因履行本协议发生争议的，双方应当首先协商解决；协商不成的，任何一方可以向梧州市中级人民法院提起诉讼。"
        "本协议经人民法院确认有效后，一方当事人拒绝履行或者未全部履行的，对方当事人可以依法向人民法院申请强制执行。",
    ),
    (
        "费用负担",
        "本案调解不收取费用。双方各自承担为本次调解所支出的差旅费、误工费及其他费用；"
        "申请司法确认所需的材料由双方共同准备，所需费用（如有）由双方各半负担。",
    ),
]


def typical_agreement() -> dict:
    """An agreement between a company and an individual trader with nine clauses, as a case produces it."""
    return {
        "case_number": "WZIP-2026-000123",
        "case_title": "梧州某茶业有限公司与陈国栋侵害发明专利权纠纷",
        "organisation_name": "梧州市知识产权纠纷人民调解委员会",
        "version_number": 2,
        "finalised_at": datetime(2026, 11, 27, 6, 15, tzinfo=UTC),
        "content_sha256": "a3f1c2d4e5b6a7980112233445566778899aabbccddeeff00112233445566778",
        "parties": [
            {
                "side_label": "申请人",
                "name": "梧州某茶业有限公司",
                "kind_label": "法人或其他组织",
                "identity_label": "统一社会信用代码",
                "identity_number": "91450400MA5L2X8Y3K",
                "address": "广西壮族自治区梧州市万秀区西江四路88号",
                "agent_name": "王晓岚",
                "agent_firm": "广西某某律师事务所",
            },
            {
                "side_label": "被申请人",
                "name": "陈国栋",
                "kind_label": "自然人",
                "identity_label": "公民身份号码",
                "identity_number": "450403198507150012",
                "address": "广西壮族自治区梧州市长洲区新兴二路12号3栋502室",
                "agent_name": None,
                "agent_firm": None,
            },
        ],
        "mediators": ["李明远", "黄秀英"],
        "facts": FACTS,
        "clauses": [{"title": title, "text": text} for title, text in CLAUSES],
    }


def signatures() -> list[dict]:
    digest = "5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8"
    signers = [
        ("申请人", "梧州某茶业有限公司", "梁振华"),
        ("申请人委托代理人", "梧州某茶业有限公司", "王晓岚"),
        ("被申请人", "陈国栋", "陈国栋"),
        ("调解员", None, "李明远"),
        ("调解员", None, "黄秀英"),
    ]
    return [
        {
            "capacity_label": capacity,
            "party_name": party,
            "signer_name": signer,
            "signed_at": datetime(2026, 11, 28, 1 + n, 42, 7, tzinfo=UTC),
            "ip_address": "113.16.8.21",
            "hash_signed": digest,
        }
        for n, (capacity, party, signer) in enumerate(signers)
    ]


def timed(render, runs):
    """The last PDF, the wall-clock times and the CPU times of RUNS renderings, in ms, sorted."""
    wall, cpu = [], []
    for _ in range(runs):
        t, c = time.perf_counter(), time.process_time()
        pdf = render()
        wall.append((time.perf_counter() - t) * 1000)
        cpu.append((time.process_time() - c) * 1000)
    return pdf, sorted(wall), sorted(cpu)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--runs", type=int, default=30, help="renderings to time (default 30)")
    parser.add_argument("--font", help=f"a TrueType font file or STSong-Light (sets {FONT_ENV})")
    parser.add_argument("--out", type=Path, help="write the unsigned agreement here, to look at")
    args = parser.parse_args()
    if args.font:
        os.environ[FONT_ENV] = args.font
    font = cjk_font()
    data = typical_agreement()
    signed_data = data | {"effective_at": datetime(2026, 11, 28, 5, 42, 7, tzinfo=UTC)}
    cases = [
        ("agreement", lambda: render_agreement(data)),
        ("signed agreement", lambda: render_signed_agreement(signed_data, signatures())),
    ]

    t = time.perf_counter()
    render_agreement(data)
    print(f"font: {font.name} ({'embedded subset' if font.embedded else 'not embedded'})")
    print(f"first rendering (loads the font): {(time.perf_counter() - t) * 1000:.0f} ms")
    gc.collect()
    gc.freeze()  # as a long-running server does after start-up
    print(
        f"{'document':<18} {'pages':>5} {'KB':>6} {'median':>8} {'p95':>8} {'max':>8} {'cpu median':>11}"
        f"  (ms, {args.runs} runs)"
    )
    for name, render in cases:
        pdf, wall, cpu = timed(render, args.runs)
        pages = len(PdfReader(BytesIO(pdf)).pages)
        p95 = wall[max(0, round(len(wall) * 0.95) - 1)]
        print(
            f"{name:<18} {pages:>5} {len(pdf) / 1024:>6.0f} {statistics.median(wall):>8.1f} "
            f"{p95:>8.1f} {wall[-1]:>8.1f} {statistics.median(cpu):>11.1f}"
        )
        if args.out and name == "agreement":
            args.out.write_bytes(pdf)
    print("aim: under 50 ms for the agreement")


if __name__ == "__main__":
    main()
