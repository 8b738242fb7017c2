"""PolicyBase on PostgreSQL and Redis with `celery -A policybase worker -B`:
files dropped into the inbox are ingested on the worker's own schedule, jobs
run side by side without losing an index write, and /healthz tells a broker
outage while search goes on. The tests share one deployment, in file order."""

import datetime as dt
import json
from urllib.parse import quote

import pytest
from django.conf import settings
from sklearn.model_selection import train_test_split

from ingest.classify.data import load_labeled
from ingest.classify.model import ClauseClassifier
from ingest.parse import parse_path

from ..conftest import seed_path
from .servers import missing_programs, wait_until

MISSING = missing_programs()
pytestmark = [
    pytest.mark.servers,
    pytest.mark.skipif(bool(MISSING), reason="not installed: " + ", ".join(MISSING)),
]

SAMPLES = [
    "002_newsletter_dashuju_dongtai_2023_32.txt",
    "003_compilation_data_asset_policies_2024.txt",
    "004_webpage_data_elements_x_plan_traditional.txt",
]
# A PDF that breaks off after its header, as an interrupted download does.
CORRUPT_PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n\x00\xff\x00trailer"


@pytest.fixture(scope="module")
def stack(stack_factory):
    stack = stack_factory()
    stack.start_worker("-B", "--concurrency", "2", name="worker")
    return stack


def settled(stack, names) -> bool:
    """Whether every file named has been filed away, to done/ or failed/."""
    filed = {p.name for folder in ("done", "failed") for p in (stack.inbox / folder).glob("*")}
    return set(names) <= filed


def drop(stack, files: dict[str, bytes]):
    stack.inbox.mkdir(exist_ok=True)
    for name, content in files.items():
        (stack.inbox / name).write_bytes(content)


@pytest.fixture(scope="module")
def inbox_run(stack):
    """The three sample files and a corrupt PDF, dropped into the inbox together."""
    drop(stack, {name: seed_path(name).read_bytes() for name in SAMPLES})
    drop(stack, {"corrupt.pdf": CORRUPT_PDF})
    wait_until(lambda: settled(stack, [*SAMPLES, "corrupt.pdf"]), 240, "the inbox to be ingested")
    return stack


def visible_clauses(stack) -> int:
    return stack.sql(
        "SELECT count(*) FROM catalog_clause c JOIN catalog_document d ON d.id = c.document_id"
        " WHERE d.review_state <> 'withdrawn'"
    )[0][0]


def test_the_worker_schedule_ingests_the_inbox_and_files_every_file_away(inbox_run):
    stack = inbox_run
    assert sorted(p.name for p in (stack.inbox / "done").iterdir()) == SAMPLES
    assert sorted(p.name for p in (stack.inbox / "failed").iterdir()) == [
        "corrupt.pdf",
        "corrupt.pdf.error.txt",
    ]
    assert not [p for p in stack.inbox.iterdir() if p.is_file()]
    assert not list((stack.inbox / "processing").iterdir())
    # Moved, not copied: the very bytes that were dropped.
    assert (stack.inbox / "failed" / "corrupt.pdf").read_bytes() == CORRUPT_PDF

    jobs = {job["source"].rsplit("/", 1)[-1]: job for job in stack.jobs()}
    assert set(jobs) == {*SAMPLES, "corrupt.pdf"}
    for name in SAMPLES:
        assert jobs[name]["state"] == "done", jobs[name]
        assert jobs[name]["source"] == str(stack.inbox / "done" / name)
        assert jobs[name]["documents"]
    failed = jobs["corrupt.pdf"]
    assert failed["state"] == "failed"
    assert "PDF" in failed["message"]
    reason = (stack.inbox / "failed" / "corrupt.pdf.error.txt").read_text(encoding="utf-8")
    assert reason.startswith(failed["message"])

    expected = sum(len(parse_path(seed_path(name))) for name in SAMPLES)
    assert stack.sql("SELECT count(*) FROM catalog_document")[0][0] == expected
    assert sum(len(jobs[name]["documents"]) for name in SAMPLES) == expected


def intervals_overlap(jobs) -> bool:
    spans = sorted(
        (dt.datetime.fromisoformat(job["started"]), dt.datetime.fromisoformat(job["finished"]))
        for job in jobs
    )
    return any(later[0] < earlier[1] for earlier, later in zip(spans, spans[1:], strict=False))


def test_jobs_running_side_by_side_leave_every_clause_in_the_index(inbox_run):
    stack = inbox_run
    before = {job["id"] for job in stack.jobs()}
    # Four new files at once (other bytes, the same text), two processes to run them.
    variants = {
        f"copy{n}-{name}": seed_path(name).read_bytes() + b"\n" * n
        for name in (SAMPLES[0], SAMPLES[2])
        for n in (1, 2)
    }
    drop(stack, variants)
    wait_until(lambda: settled(stack, variants), 240, "the four copies to be ingested")

    jobs = [job for job in stack.jobs() if job["id"] not in before]
    assert len(jobs) == 4
    assert all(job["state"] == "done" for job in jobs), jobs
    assert intervals_overlap(jobs), "two jobs should have run at the same time"

    # Index writes are queued after each job's commit: wait for the last one.
    drift = wait_until(
        lambda: (lambda d: d if d["missing"] + d["stale"] + d["extra"] == 0 else None)(
            stack.drift()
        ),
        120,
        "the index to hold every clause",
        pause=1,
    )
    assert drift["expected"] == drift["indexed"] == visible_clauses(stack)


# Written here, so that no copy of it is in the base already.
RULES = """某市公共数据开放管理办法

第一条 为规范公共数据开放，制定本办法。

第二条 对开放数据开发应用成效显著的企业，给予最高100万元奖励。

第三条 市大数据主管部门应当组织开展数据开放培训，提升工作人员数据素养。

第四条 鼓励金融机构为数据开发企业提供信贷支持。

第五条 本办法自发布之日起施行。
"""


def test_a_running_worker_classifies_with_the_model_written_after_it_started(
    inbox_run, classifier_file
):
    """`manage.py train` in another process (or the nightly task in another
    worker) replaces the model file; a worker that loaded the old one at its
    first job uses the new one for its next. Here the new model is a small
    one trained on labels shifted by one category, so its answers differ."""
    stack = inbox_run
    texts, labels = load_labeled(settings.SEED_CLAUSES)
    texts, _, labels, _ = train_test_split(
        texts, labels, train_size=700, stratify=labels, random_state=0
    )
    shifted = ClauseClassifier.train(texts, [(label + 1) % 14 for label in labels])
    shifted.save(stack.data_dir / "classifier.joblib")

    drop(stack, {"rules.txt": RULES.encode()})
    wait_until(lambda: settled(stack, ["rules.txt"]), 120, "the rules to be ingested")
    stored = stack.sql(
        "SELECT c.text, c.path, c.category_id, d.doc_type FROM catalog_clause c"
        " JOIN catalog_document d ON d.id = c.document_id"
        " WHERE d.title = '某市公共数据开放管理办法' ORDER BY c.\"order\""
    )
    assert len(stored) == 5
    clause_texts = [text for text, _, _, _ in stored]
    paths = [" ".join(path) for _, path, _, _ in stored]
    # The document's type is evidence too (办法: legislation), as ingestion gives it.
    doc_types = [doc_type for _, _, _, doc_type in stored]
    expected = [p.category for p in shifted.predict(clause_texts, paths, doc_types)]
    assert [category for _, _, category, _ in stored] == expected
    original = ClauseClassifier.load(classifier_file)
    assert expected != [p.category for p in original.predict(clause_texts, paths, doc_types)]


def api_count(stack, query: str) -> int:
    status, body = stack.get(f"/api/search?q={quote(query)}")
    assert status == 200
    return json.loads(body)["count"]


def test_healthz_tells_a_broker_outage_and_search_goes_on(inbox_run):
    stack = inbox_run
    stack.start_web()
    clauses = visible_clauses(stack)

    def index_caught_up():
        status, body = stack.get("/healthz")
        health = json.loads(body)
        return (status, health) if health["index"].get("documents") == clauses else None

    status, health = wait_until(index_caught_up, 120, "the index to catch up", pause=1)
    assert status == 200, health
    assert health["ok"] is True
    assert health["database"] == {"ok": True, "vendor": "postgresql"}
    assert health["broker"] == {"ok": True, "mode": "redis"}
    assert health["index"]["ok"]
    found = api_count(stack, "数据要素")
    assert found > 0

    stack.redis.stop()
    status, body = stack.get("/healthz")
    health = json.loads(body)
    assert status == 503
    assert health["ok"] is False
    assert health["broker"]["ok"] is False
    assert health["database"]["ok"] and health["index"]["ok"]
    assert api_count(stack, "数据要素") == found
    status, page = stack.get(f"/?q={quote('数据要素')}")
    assert status == 200
    assert "<mark>" in page.decode()
