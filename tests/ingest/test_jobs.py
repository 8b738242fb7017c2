"""A job whose process died is run again, a few times at most, and a job never
stays "running" because its code raised (issue 26). On SQLite, as in the
embedded default and a worker without PostgreSQL."""

import multiprocessing
import os
import signal

import pytest

from ingest import jobs
from ingest.jobs import MAX_ATTEMPTS, claim, create_job, requeue_interrupted, run_ingest_job
from ingest.models import IngestJob
from ingest.tasks import scheduled_scan

from ..conftest import seed_path

WEBPAGE = "004_webpage_data_elements_x_plan_traditional.txt"


@pytest.fixture
def inbox(search_index, media_dir, settings, tmp_path):
    settings.INBOX_DIR = tmp_path / "inbox"
    (settings.INBOX_DIR / "processing").mkdir(parents=True)
    return settings.INBOX_DIR


def interrupted_job(path, attempts: int) -> IngestJob:
    """A job as a run that died left it: running, its file in place."""
    path.write_bytes(seed_path(WEBPAGE).read_bytes())
    job = create_job(path)
    IngestJob.objects.filter(pk=job.pk).update(state="running", attempts=attempts)
    return job


def _hold_claim(job_id, ready):
    with claim(job_id) as claimed:
        ready.put(claimed)
        signal.pause()


def test_a_running_job_is_queued_again_once_its_process_is_gone(inbox):
    job = interrupted_job(inbox / "processing" / WEBPAGE, attempts=1)
    context = multiprocessing.get_context("fork")
    ready = context.Queue()
    runner = context.Process(target=_hold_claim, args=(job.pk, ready))
    runner.start()
    assert ready.get(timeout=30) is True

    # Its process lives: it is running, whatever it takes.
    assert requeue_interrupted() == []
    os.kill(runner.pid, signal.SIGKILL)
    runner.join(30)

    assert [j.pk for j in scheduled_scan()] == [job.pk]  # run again at once, in-process
    job.refresh_from_db()
    assert (job.state, job.attempts) == ("done", 2), job.message
    assert (inbox / "done" / WEBPAGE).exists()


def test_after_its_last_attempt_the_job_fails_and_its_file_says_why(inbox):
    job = interrupted_job(inbox / "processing" / WEBPAGE, attempts=MAX_ATTEMPTS)

    scheduled_scan()

    job.refresh_from_db()
    assert job.state == "failed" and job.finished
    assert f"运行了 {MAX_ATTEMPTS} 次" in job.message and "内存" in job.message
    note = (inbox / "failed" / f"{WEBPAGE}.error.txt").read_text(encoding="utf-8")
    assert note.startswith(job.message)
    assert not job.documents.exists()


def test_a_task_delivered_again_after_the_last_attempt_gives_up_too(db, tmp_path):
    # Celery hands a dead process's task out again before any sweep sees it.
    job = interrupted_job(tmp_path / WEBPAGE, attempts=MAX_ATTEMPTS)
    job = run_ingest_job(job.pk)
    assert job.state == "failed" and job.attempts == MAX_ATTEMPTS


def test_an_error_in_the_job_fails_it_instead_of_leaving_it_running(db, tmp_path, monkeypatch):
    def broken(*args):
        raise RuntimeError("a bug")

    monkeypatch.setattr(jobs, "parse_file", broken)
    path = tmp_path / WEBPAGE
    path.write_bytes(seed_path(WEBPAGE).read_bytes())

    job = run_ingest_job(create_job(path).pk)

    assert job.state == "failed" and job.finished
    assert "程序错误" in job.message and "RuntimeError: a bug" in job.message
