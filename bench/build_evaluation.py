"""Join the blind labels of the evaluation set with the seed labels and report.

Reads ``data/evaluation/sampled.tsv`` (the clauses drawn by
``bench/sample_evaluation.py``) and ``data/evaluation/labels.tsv`` (the
labels given to them by ``docs/labelling_rules.md``, written before this
script was first run), looks up the seed label of every held-out seed text
(the majority label of ``load_labeled``, i.e. the label a test split carries),
and writes ``data/evaluation/clauses.tsv``:

    text  label  second  path  doc_type  source  seed_label

Prints counts per category, source and stage, and the agreement with the
seed labels (Markdown, for data/evaluation/README.md).

    .venv/bin/python bench/build_evaluation.py
"""

import sys
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from ingest.classify.data import load_labeled  # noqa: E402 (after sys.path)

EVAL = REPO / "data" / "evaluation"
NAMES = [
    "人才培养",
    "资金投入",
    "技术支持",
    "公共服务",
    "基础设施建设",
    "目标规划",
    "法规管制",
    "金融支持",
    "税收优惠与策略性措施",
    "产权保护",
    "政府采购",
    "公私合作",
    "示范应用",
    "宣传推广与需求引导",
    "非政策工具",
]


def read_tsv(path: Path) -> list[dict]:
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split("\t")
    return [dict(zip(header, line.split("\t"), strict=True)) for line in lines[1:]]


def main() -> None:
    sampled = {row["id"]: row for row in read_tsv(EVAL / "sampled.tsv")}
    labels = {row["id"]: row for row in read_tsv(EVAL / "labels.tsv")}
    if set(sampled) != set(labels):
        sys.exit(
            f"unlabelled: {sorted(set(sampled) - set(labels))}, "
            f"unknown: {sorted(set(labels) - set(sampled))}"
        )
    texts, seed = load_labeled(REPO / "data" / "labeled_clauses.tsv")
    seed_label = {" ".join(t.split("\t")): y for t, y in zip(texts, seed, strict=True)}

    rows = []
    for key in sorted(sampled, key=int):
        s, lab = sampled[key], labels[key]
        label, second = int(lab["label"]), lab["second"]
        assert 0 <= label <= 14 and (
            second == "" or (0 <= int(second) <= 14 and int(second) != label)
        )
        seed_value = ""
        if s["source"] == "seed-heldout":
            seed_value = str(seed_label[s["text"]])
        rows.append(
            {
                "text": s["text"],
                "label": str(label),
                "second": second,
                "path": s["path"],
                "doc_type": s["doc_type"],
                "source": s["source"],
                "seed_label": seed_value,
                "stage": s["stage"],
            }
        )

    columns = ["text", "label", "second", "path", "doc_type", "source", "seed_label"]
    with (EVAL / "clauses.tsv").open("w", encoding="utf-8") as out:
        out.write("\t".join(columns) + "\n")
        for row in rows:
            assert not any("\t" in row[c] or "\n" in row[c] for c in columns)
            out.write("\t".join(row[c] for c in columns) + "\n")

    def kind(row) -> str:
        if row["source"] == "seed-heldout":
            return "seed"
        return "gov" if row["source"].startswith("gov/") else "lawrefbook"

    print(f"{len(rows)} clauses -> data/evaluation/clauses.tsv\n")
    print(
        "| id | category | all | seed (uniform) | seed (procurement cue) | corpus: position | corpus: cue |"
    )
    print("|---|---|---|---|---|---|---|")
    by = lambda pred: Counter(int(r["label"]) for r in rows if pred(r))  # noqa: E731
    cols = [
        by(lambda r: True),
        by(lambda r: r["stage"] == "seed"),
        by(lambda r: r["stage"] == "seed-kw-10"),
        by(lambda r: r["stage"].startswith("position")),
        by(lambda r: r["stage"].startswith("kw")),
    ]
    for c in range(15):
        print(f"| {c} | {NAMES[c]} | " + " | ".join(str(col[c]) for col in cols) + " |")
    print("| | total | " + " | ".join(str(sum(col.values())) for col in cols) + " |\n")

    print(
        "sources:",
        dict(Counter(kind(r) for r in rows)),
        "stages:",
        dict(
            Counter(
                r["stage"].split("-")[0] if r["stage"].startswith("position") else r["stage"]
                for r in rows
            )
        ),
    )
    print(
        "documents:",
        len({r["source"] for r in rows if kind(r) != "seed"}),
        "doc types:",
        dict(Counter(r["doc_type"] for r in rows if kind(r) != "seed")),
        "\n",
    )

    seeded = [r for r in rows if r["seed_label"]]
    for name, subset in (
        ("all seed-sourced", seeded),
        ("uniform sample", [r for r in seeded if r["stage"] == "seed"]),
    ):
        n = len(subset)
        agree = sum(r["label"] == r["seed_label"] for r in subset)
        top2 = sum(r["seed_label"] in (r["label"], r["second"]) for r in subset)
        mine14 = sum(r["label"] == "14" for r in subset)
        print(
            f"{name}: {n} clauses, agreement {agree}/{n} = {agree / n:.3f}; seed label is my "
            f"first or second choice {top2}/{n} = {top2 / n:.3f}; "
            f"labelled 14 by me (no seed equivalent): {mine14}"
        )
    print("\nper seed label (all seed-sourced): seed label -> n, agree, my labels")
    for c in range(14):
        sub = [r for r in seeded if r["seed_label"] == str(c)]
        if sub:
            mine = Counter(int(r["label"]) for r in sub)
            agree = mine[c]
            print(
                f"  {c:2d} {NAMES[c]}: n={len(sub)}, agree={agree} ({agree / len(sub):.2f}), "
                f"mine={dict(mine.most_common())}"
            )
    print("\nmost frequent disagreements (seed -> mine):")
    pairs = Counter(
        (int(r["seed_label"]), int(r["label"])) for r in seeded if r["label"] != r["seed_label"]
    )
    for (a, b), n in pairs.most_common(12):
        print(f"  {a} {NAMES[a]} -> {b} {NAMES[b]}: {n}")


if __name__ == "__main__":
    main()
