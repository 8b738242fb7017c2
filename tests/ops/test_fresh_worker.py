"""A first deployment as an operator starts it (issue 26): an empty data dir
with no trained model, `celery -A policybase worker -B --concurrency 4`, ten
files dropped into the inbox at once. Every good file is searchable within a
minute, the corrupt one is filed away with its reason, the model is trained
once, and no process of the worker grows past a bound."""

import json
import os
import time
from urllib.parse import quote

import pytest

from ..conftest import seed_path
from .servers import MemoryWatch, missing_programs, wait_until

MISSING = missing_programs()
pytestmark = [
    pytest.mark.servers,
    pytest.mark.skipif(bool(MISSING), reason="not installed: " + ", ".join(MISSING)),
]

CITIES = ["宁波市", "温州市", "嘉兴市", "湖州市", "绍兴市", "金华市", "衢州市", "台州市"]
WEBPAGE = "004_webpage_data_elements_x_plan_traditional.txt"
CORRUPT_PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n\x00\xff\x00trailer"
# Per process of the worker (main, pool, beat). Each measured ≤ 0.45 GB;
# the bound leaves room for the noise of a busy machine, not for growth.
PEAK_RSS_BOUND = 2**30


def notice(city: str) -> str:
    """A two-article notice of one city, findable by the city's name."""
    return (
        f"{city}数据局关于开展公共数据授权运营试点的通知\n"
        f"第一条 {city}各区县应当建立公共数据授权运营工作机制，明确责任部门。\n"
        f"第二条 本通知自印发之日起施行。\n"
    )


def found(stack, query: str) -> bool:
    status, body = stack.get(f"/api/search?q={quote(query)}")
    return status == 200 and json.loads(body)["count"] > 0


def test_a_fresh_worker_takes_ten_files_at_once(stack_factory):
    stack = stack_factory(model=False)
    assert not (stack.data_dir / "classifier.joblib").exists()
    stack.start_web()
    worker = stack.start_worker("-B", "--concurrency", "4", name="fresh")
    wait_until(lambda: " ready." in stack.worker_log("fresh"), 60, "the worker to start")
    watch = MemoryWatch(worker.pid).start()

    files = {f"notice-{i}.txt": notice(city).encode() for i, city in enumerate(CITIES)}
    files[WEBPAGE] = seed_path(WEBPAGE).read_bytes()
    files["broken.pdf"] = CORRUPT_PDF
    stack.inbox.mkdir(exist_ok=True)
    settled = time.time() - 60  # written long enough ago to be taken at the next scan
    for name, content in files.items():
        (stack.inbox / name).write_bytes(content)
        os.utime(stack.inbox / name, (settled, settled))
    dropped = time.monotonic()

    for query in [*CITIES, "數據要素"]:
        left = 60 - (time.monotonic() - dropped)
        wait_until(lambda q=query: found(stack, q), max(left, 0), f"{query} to be searchable")
    wait_until(lambda: (stack.inbox / "failed" / "broken.pdf.error.txt").exists(), 30, "broken.pdf")
    peaks = watch.stop()

    assert sorted(p.name for p in (stack.inbox / "done").iterdir()) == sorted(
        name for name in files if name != "broken.pdf"
    )
    note = (stack.inbox / "failed" / "broken.pdf.error.txt").read_text(encoding="utf-8")
    assert "PDF" in note
    log = stack.worker_log("fresh")
    assert log.count("training a classifier") == 1
    assert "Traceback" not in log
    assert {job["state"] for job in stack.jobs()} == {"done", "failed"}
    assert [job["attempts"] for job in stack.jobs()] == [1] * len(files)
    assert len(peaks) >= 6  # main, four pool processes, beat
    assert max(peaks.values()) < PEAK_RSS_BOUND, {
        pid: f"{rss / 2**20:.0f} MB" for pid, rss in peaks.items()
    }
