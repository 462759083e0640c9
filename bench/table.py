"""One table of bench/pages.py runs: each page's p50/p95 in ms and statements per request, for each
label (e.g. baseline, current) at each database size, and the p95 growth from the smallest size
to the largest.

    .venv/bin/python bench/table.py runs/*.jsonl
"""

import json
import sys
from collections import defaultdict


def size(n):
    return f"{n // 1_000_000}M" if n >= 1_000_000 else f"{n // 1000}k"


def main(paths):
    rows = defaultdict(dict)  # page -> (label, cases) -> result
    order = []
    for path in paths:
        with open(path, encoding="utf-8") as f:
            for line in f:
                if not line.startswith("{"):
                    continue
                r = json.loads(line)
                page = r["page"]
                if page.startswith("sweep: then"):
                    page = "hand-over PDFs rendered after the sweep"
                elif page.startswith("sweep"):
                    page = "deadline sweep (due deadlines)"
                elif page.startswith("case list page ") and page != "case list page 1":
                    page = "case list, deep page (≤500)"
                if page not in order:
                    order.append(page)
                rows[page][(r["label"], r["cases"])] = r
    columns = sorted({key for page in rows.values() for key in page}, key=lambda k: (k[1], k[0]))
    labels = sorted({label for label, _ in columns})
    head = (
        ["page"]
        + [f"{label} {size(n)}" for label, n in columns]
        + [f"{label} p95 growth" for label in labels]
    )
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for page in order:
        cells = [page]
        for key in columns:
            r = rows[page].get(key)
            if r is None:
                cells.append("—")
            elif r.get("failed"):
                cells.append("error")
            else:
                cells.append(f"{r['p50_ms']:,.0f} / {r['p95_ms']:,.0f} ({r['statements']})")
        for label in labels:
            mine = sorted(
                (n, r) for (lab, n), r in rows[page].items() if lab == label and not r.get("failed")
            )
            if len(mine) >= 2 and mine[0][1]["p95_ms"] > 0:
                cells.append(
                    f"×{mine[-1][1]['p95_ms'] / mine[0][1]['p95_ms']:.1f} ({size(mine[-1][0])}/{size(mine[0][0])})"
                )
            else:
                cells.append("—")
        print("| " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main(sys.argv[1:])
