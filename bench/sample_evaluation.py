"""Draw the clauses of the hand-labelled evaluation set (issue 25, item 4).

Writes ``data/evaluation/sampled.tsv``: one row per clause to label, with
``id  stage  source  doc_type  path  text`` and **no label of any kind** — the
seed label of a held-out clause is joined only afterwards, by
``bench/build_evaluation.py``, once every clause has been labelled blind in
``data/evaluation/labels.tsv``; the classifier's category and confidence in
the dry-run output are dropped as each line is read.

Stages (all deterministic; ``SEED`` below):

``seed``
    240 texts drawn uniformly from the held-out 20 % of the seed file: the test
    part of ``train_test_split(texts, labels, test_size=0.2, stratify=labels,
    random_state=0)`` over ``load_labeled("data/labeled_clauses.tsv")``.
``position``
    Real documents from ``/work/shared/corpus`` (clauses and heading paths
    from ``manage.py ingest FILE... --dry-run --json``): every policy file of
    ``gov/`` (the three pages that are no policy left out) and 24
    ``lawrefbook/`` texts drawn per kind (national laws 6, State Council
    regulations 5, judicial interpretations 3, ministry rules 2, local
    regulations 8). From each file one clause among the first two of a
    document (``head``), one among its last two (``tail``) and one from the
    rest (``middle``), so purpose, scope, 附则 and body clauses all appear.
``kw-<id>``
    Instrument categories that a sample of laws barely holds (procurement,
    finance, publicity…): 7 clauses per category from documents whose title
    makes the instrument likely, among those whose text carries one of the
    category's cue words. The draw uses titles and words only, never a label;
    these clauses are easier than average (they carry a typical word), so
    results are also reported without them.

Clauses already drawn, repeated texts and garbled text (mojibake from old
.doc files: Latin-1 letters in Chinese text) are skipped.

    POLICYBASE_DATA_DIR=$(mktemp -d) .venv/bin/python bench/sample_evaluation.py

The first dry run trains a model (~1 min); the parsed clauses are cached in
``$POLICYBASE_DATA_DIR/eval_dryrun.jsonl`` (without categories).
"""

import json
import os
import random
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from ingest.classify.data import load_labeled  # noqa: E402 (after sys.path)

CORPUS = Path("/work/shared/corpus")
OUT = REPO / "data" / "evaluation" / "sampled.tsv"
SEED = 25
SEED_SAMPLE = 240

NOT_POLICY = {
    "g12_report_template_not_policy.doc",
    "g21_gz_startup_loan_faq_not_policy.html",
    "g22_tianhe_enrollment_news_not_policy.html",
}
LAW_KINDS = {
    "national_law": 6,
    "admin_regulation": 5,
    "judicial_interp": 3,
    "dept_rule": 2,
    "local": 8,
}

# Scarce instruments: documents whose title makes them likely, and cue words.
KEYWORD_STAGES = {
    10: (
        [
            "lrb_004",
            "lrb_132",
            "lrb_123",
            "lrb_172",
            "lrb_148",
            "lrb_033",
            "lrb_032",
            "g17",
            "g16",
            "lrb_152",
            "lrb_130",
            "lrb_153",
            "lrb_133",
            "lrb_169",
            "lrb_075",
        ],
        "采购|购买",
    ),
    7: (
        [
            "g09",
            "g27",
            "g10",
            "lrb_004",
            "lrb_132",
            "lrb_123",
            "lrb_172",
            "lrb_148",
            "lrb_032",
            "lrb_130",
            "lrb_152",
            "lrb_162",
            "lrb_175",
            "lrb_169",
        ],
        "贷款|融资|信贷|担保|基金|保险|金融",
    ),
    13: (
        [
            "lrb_133",
            "lrb_153",
            "lrb_151",
            "lrb_169",
            "lrb_123",
            "lrb_004",
            "lrb_066",
            "lrb_057",
            "lrb_011",
            "lrb_127",
        ],
        "宣传|表彰|科普|展览|活动|氛围|倡导|荣誉",
    ),
    12: (
        [
            "g23",
            "g24",
            "lrb_132",
            "lrb_148",
            "lrb_123",
            "lrb_172",
            "lrb_169",
            "lrb_014",
            "lrb_161",
            "g27",
        ],
        "示范|试点|场景|应用",
    ),
    1: (
        [
            "g20",
            "g11",
            "g15",
            "g19",
            "g13",
            "lrb_004",
            "lrb_132",
            "lrb_148",
            "lrb_032",
            "lrb_057",
            "lrb_066",
        ],
        "资金|补贴|补助|奖励|经费|万元",
    ),
    2: (
        ["lrb_004", "lrb_132", "lrb_148", "lrb_123", "lrb_172", "lrb_014", "lrb_161", "g23", "g24"],
        "研发|技术|实验室|攻关|科研",
    ),
    11: (
        ["lrb_033", "lrb_004", "lrb_132", "lrb_123", "lrb_172", "g23", "g27", "lrb_169", "lrb_151"],
        "合作|社会力量|社会资本|联盟|参与|协会",
    ),
    8: (
        [
            "lrb_130",
            "lrb_152",
            "lrb_162",
            "lrb_175",
            "lrb_150",
            "lrb_156",
            "lrb_033",
            "lrb_032",
            "lrb_004",
            "g20",
        ],
        "税收|减免|用地|改革|容错|优惠",
    ),
    0: (["lrb_177", "lrb_032", "g15", "g18", "lrb_004", "lrb_011"], "培训|培养|人才|教育"),
}
PER_KEYWORD_STAGE = 7
# Added after the first 446 clauses were labelled, when procurement still had
# fewer than 12 (the seed sample holds few and laws rarely buy anything): the
# strict cue over every policy file of the corpus, drawn with its own random
# generator so that the earlier rows stay as they were.
SUPPLEMENT_STAGES = {10: ("政府采购|政府购买|首购|订购", 12)}
# Still short after that (most procurement words in laws regulate tendering):
# 8 more held-out seed texts that carry the cue, texts only as for ``seed``.
SEED_SUPPLEMENT = {10: ("政府采购|政府购买|首购|订购|优先采购", 8)}

GARBLED = re.compile("[\u0080-\u02ff\ufffd]")


def clean(text: str) -> str:
    return re.sub(r"[\t\r\n]+", " ", text)


def held_out_texts() -> list[str]:
    from sklearn.model_selection import train_test_split

    texts, labels = load_labeled(REPO / "data" / "labeled_clauses.tsv")
    _, test_texts, _, _ = train_test_split(
        texts, labels, test_size=0.2, stratify=labels, random_state=0
    )
    del labels  # the seed labels are not looked at here
    return test_texts


def seed_texts() -> list[str]:
    return random.Random(SEED).sample(held_out_texts(), SEED_SAMPLE)


def corpus_files() -> tuple[list[str], list[str]]:
    """(files of the position stage, every file any stage needs), relative to CORPUS."""
    gov = sorted(
        f"gov/files/{p.name}"
        for p in (CORPUS / "gov" / "files").iterdir()
        if p.name not in NOT_POLICY
    )
    laws = sorted(p.name for p in (CORPUS / "lawrefbook" / "files").glob("lrb_*.md"))
    rng = random.Random(SEED)
    chosen = []
    for kind, count in LAW_KINDS.items():
        pool = [name for name in laws if kind in name]
        chosen += sorted(rng.sample(pool, count))
    position = gov + [f"lawrefbook/files/{name}" for name in chosen]
    every = set(position) | {f"lawrefbook/files/{n}" for n in laws}
    for prefixes, _ in KEYWORD_STAGES.values():
        for prefix in prefixes:
            every |= {f for f in gov if Path(f).name.startswith(prefix + "_")}
            every |= {f"lawrefbook/files/{n}" for n in laws if n.startswith(prefix + "_")}
    return position, sorted(every)


def doc_types() -> dict[str, list[tuple[str, str]]]:
    """file -> [(title, doc_type)] from the corpus truth records."""
    types: dict[str, list[tuple[str, str]]] = {}
    for sub in ("gov", "lawrefbook"):
        for line in (CORPUS / sub / "truth.jsonl").open(encoding="utf-8"):
            record = json.loads(line)
            types.setdefault(f"{sub}/{record['file']}", []).append(
                (record["title"], record["doc_type"])
            )
    return types


def doc_type_of(file: str, title: str, parsed_type: str, types) -> str:
    records = types.get(file, [])
    if len(records) == 1:
        return records[0][1]
    tests = (
        lambda t: t == title,
        lambda t: t.endswith(title),
        lambda t: title.endswith(t),
        lambda t: title in t or t in title,
    )
    for test in tests:  # the closest match first: a notice's title holds its measures' title
        for truth_title, truth_type in records:
            if title and test(truth_title):
                return truth_type
    return parsed_type or ""


def dry_run(files: list[str]) -> dict[str, list[dict]]:
    """file -> its documents, each {title, doc_type, clauses: [{path, text}]}; categories dropped."""
    cache = Path(os.environ["POLICYBASE_DATA_DIR"]) / "eval_dryrun.jsonl"
    docs: dict[str, list[dict]] = {}
    if cache.exists():
        for line in cache.open(encoding="utf-8"):
            row = json.loads(line)
            docs.setdefault(row["file"], []).append(row)
    missing = [f for f in files if f not in docs]
    if missing:
        by_name = {Path(f).name: f for f in missing}
        proc = subprocess.run(
            [
                str(REPO / ".venv" / "bin" / "python"),
                "manage.py",
                "ingest",
                *[str(CORPUS / f) for f in missing],
                "--dry-run",
                "--json",
            ],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=False,
        )  # 1 when a file fails
        with cache.open("a", encoding="utf-8") as out:
            for line in proc.stdout.splitlines():
                if not line.startswith("{"):
                    continue
                doc = json.loads(line)
                if "error" in doc:
                    print(f"skipped {doc['source']}: {doc['error']}", file=sys.stderr)
                    continue
                row = {
                    "file": by_name[doc["source"]],
                    "title": doc.get("title") or "",
                    "doc_type": doc.get("doc_type") or "",
                    "clauses": [
                        {"path": c.get("path") or [], "text": c["text"]}
                        for c in doc.get("clauses", [])
                    ],
                }
                docs.setdefault(row["file"], []).append(row)
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
    return docs


def main() -> None:
    position_files, every_file = corpus_files()
    docs = dry_run(every_file)
    types = doc_types()
    seen: set[str] = set()
    rows: list[tuple[str, str, str, str, str]] = []  # stage, source, doc_type, path, text

    for text in seed_texts():
        text = clean(text)
        seen.add(text)
        rows.append(("seed", "seed-heldout", "", "", text))

    def usable(clause) -> bool:
        text = clean(clause["text"]).strip()
        return bool(text) and text not in seen and not GARBLED.search(text)

    def add(stage: str, file: str, doc: dict, clause: dict) -> None:
        text = clean(clause["text"])
        seen.add(text)
        rows.append(
            (
                stage,
                file,
                doc_type_of(file, doc["title"], doc["doc_type"], types),
                clean(" / ".join(clause["path"])),
                text,
            )
        )

    rng = random.Random(SEED)
    for file in position_files:
        slots: dict[str, list[tuple[dict, dict]]] = {"head": [], "middle": [], "tail": []}
        for doc in docs.get(file, []):
            clauses = doc["clauses"]
            for i, clause in enumerate(clauses):
                where = "head" if i < 2 else "tail" if i >= len(clauses) - 2 else "middle"
                slots[where].append((doc, clause))
        for where in ("head", "middle", "tail"):
            pool = [(d, c) for d, c in slots[where] if usable(c)]
            if pool:
                doc, clause = rng.choice(pool)
                add(f"position-{where}", file, doc, clause)

    for category, (prefixes, words) in KEYWORD_STAGES.items():
        cue = re.compile(words)
        pool = []
        for file in every_file:
            if not any(Path(file).name.startswith(p + "_") for p in prefixes):
                continue
            for doc in docs.get(file, []):
                pool += [
                    (file, doc, c) for c in doc["clauses"] if usable(c) and cue.search(c["text"])
                ]
        for file, doc, clause in rng.sample(pool, min(PER_KEYWORD_STAGE, len(pool))):
            if usable(clause):
                add(f"kw-{category}", file, doc, clause)

    rng = random.Random(SEED + 1)
    for category, (words, count) in SUPPLEMENT_STAGES.items():
        cue = re.compile(words)
        pool = [
            (file, doc, c)
            for file in every_file
            for doc in docs.get(file, [])
            for c in doc["clauses"]
            if usable(c) and cue.search(c["text"])
        ]
        for file, doc, clause in rng.sample(pool, min(count, len(pool))):
            if usable(clause):
                add(f"kw2-{category}", file, doc, clause)

    rng = random.Random(SEED + 2)
    for category, (words, count) in SEED_SUPPLEMENT.items():
        cue = re.compile(words)
        pool = [clean(t) for t in held_out_texts() if cue.search(t) and clean(t) not in seen]
        for text in rng.sample(pool, min(count, len(pool))):
            seen.add(text)
            rows.append((f"seed-kw-{category}", "seed-heldout", "", "", text))

    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", encoding="utf-8") as out:
        out.write("id\tstage\tsource\tdoc_type\tpath\ttext\n")
        for i, row in enumerate(rows, 1):
            out.write(f"{i}\t" + "\t".join(row) + "\n")
    print(f"{len(rows)} clauses -> {OUT.relative_to(REPO)}")


if __name__ == "__main__":
    main()
