"""A worker killed in the middle of an ingest job: the job runs again and its
file is stored exactly once. Both tests share one deployment."""

import hashlib
import os
import signal
import time
from pathlib import Path

import pytest

from ingest.parse import parse_path

from ..conftest import seed_path
from .servers import missing_programs, wait_until

MISSING = missing_programs()
pytestmark = [
    pytest.mark.servers,
    pytest.mark.skipif(bool(MISSING), reason="not installed: " + ", ".join(MISSING)),
]

# The largest sample: parsing it takes seconds, time enough to kill its worker.
BIG = "003_compilation_data_asset_policies_2024.txt"


@pytest.fixture(scope="module")
def stack(stack_factory):
    return stack_factory()


@pytest.fixture(scope="module")
def expected():
    return parse_path(seed_path(BIG))


def running_job(stack) -> int | None:
    rows = stack.sql("SELECT id FROM ingest_ingestjob WHERE state = 'running'")
    return rows[0][0] if rows else None


def job_row(stack, job_id: int) -> tuple[str, str]:
    return stack.sql(f"SELECT state, source FROM ingest_ingestjob WHERE id = {job_id}")[0]


def documents_from(stack, content: bytes) -> int:
    sha256 = hashlib.sha256(content).hexdigest()
    query = f"SELECT count(*) FROM catalog_document WHERE source_sha256 = '{sha256}'"
    return stack.sql(query)[0][0]


def start_job_and_catch_it_running(stack, name: str, content: bytes, **worker_env):
    worker = stack.start_worker("-B", "--concurrency", "2", name="first", **worker_env)
    stack.inbox.mkdir(exist_ok=True)
    path = stack.inbox / name
    path.write_bytes(content)
    # Complete already: the scan need not wait for the file to settle.
    os.utime(path, (time.time() - 60, time.time() - 60))
    job_id = wait_until(lambda: running_job(stack), 120, "the job to start", pause=0.05)
    return worker, job_id


def pool_processes(worker) -> list[int]:
    """The processes the worker's main process started (its pool and its beat)."""
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == worker.pid:
            children.append(int(stat.parent.name))
    return children


def assert_stored_once(stack, job_id: int, name: str, content: bytes, expected):
    # The job is marked done in its transaction; its file is filed away right after.
    filed = ("done", str(stack.inbox / "done" / name))
    wait_until(lambda: job_row(stack, job_id) == filed, 60, "the file to be filed away")
    assert documents_from(stack, content) == len(expected)
    linked = f"SELECT count(*) FROM ingest_ingestjob_documents WHERE ingestjob_id = {job_id}"
    assert stack.sql(linked)[0][0] == len(expected)
    jobs = f"SELECT count(*) FROM ingest_ingestjob WHERE source LIKE '%/{name}'"
    assert stack.sql(jobs)[0][0] == 1
    drift = wait_until(
        lambda: (lambda d: d if d["indexed"] == d["expected"] and not d["stale"] else None)(
            stack.drift()
        ),
        120,
        "the index to catch up",
        pause=3,
    )
    clauses = stack.sql("SELECT count(*) FROM catalog_clause")[0][0]
    assert drift["expected"] == clauses


def test_a_job_whose_pool_process_died_is_handed_out_again_at_once(stack, expected):
    # Redis's visibility timeout (an hour by default) would come too late:
    # this re-run comes from the worker rejecting the task it lost
    # (reject_on_worker_lost), which puts it back in the queue.
    content = seed_path(BIG).read_bytes()
    worker, job_id = start_job_and_catch_it_running(stack, "pool.txt", content)
    for pid in pool_processes(worker):
        os.kill(pid, signal.SIGKILL)

    wait_until(lambda: job_row(stack, job_id)[0] == "done", 180, "the job to run again")
    assert "WorkerLostError" in stack.worker_log("first")
    assert_stored_once(stack, job_id, "pool.txt", content, expected)
    stack.kill(worker)


def test_a_job_whose_whole_worker_was_killed_runs_again_on_a_new_worker_once(stack, expected):
    content = seed_path(BIG).read_bytes() + b"\n"
    worker, job_id = start_job_and_catch_it_running(stack, "whole.txt", content)
    stack.kill(worker)  # SIGKILL to the worker, its pool and its beat: nothing shuts down cleanly

    assert job_row(stack, job_id)[0] == "running"
    assert documents_from(stack, content) == 0  # the file's one transaction never committed
    assert (stack.inbox / "processing" / "whole.txt").exists()

    # Redis hands the unacknowledged task out again after the visibility timeout.
    stack.start_worker("-B", "--concurrency", "2", name="second", POLICYBASE_VISIBILITY_TIMEOUT="5")
    wait_until(lambda: job_row(stack, job_id)[0] == "done", 180, "the job to run again")
    assert "ingest.tasks.ingest_job[" in stack.worker_log("second")
    assert_stored_once(stack, job_id, "whole.txt", content, expected)
