"""The Celery edge of ingestion: the tasks, and the sending of ingest jobs.

Everything below (jobs, inbox, uploads, sources) makes job rows and returns
them; only this module sends them to Celery, so nothing imports it but the
edges (the admin, commands).
"""

import logging
from pathlib import Path

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .inbox import file_away
from .inbox import scan as scan_files
from .jobs import TRANSIENT_ERRORS, requeue_interrupted, run_ingest_job
from .models import IngestJob
from .sources.run import SourceRun, run_sources
from .training import retraining_due, train_and_install, training_data

log = logging.getLogger(__name__)

# The message of a job whose task could not be sent (the broker was down);
# send_unsent finds the jobs to send again by it.
UNSENT_MESSAGE = "后台任务队列暂时不可用，文件已保存，队列恢复后自动入库。"


# A worker killed mid-job leaves its task to be handed out again (acks_late,
# reject_on_worker_lost): the job restarts from the file, and the store, one
# transaction per file, left nothing half written. Errors that may pass are
# retried with growing pauses (5 s, 10 s, 20 s … at most 5 min, jittered); the
# last try fails the job with its message. A file that cannot be read is
# not retried: the job fails at once. Past its time limit the process is
# killed, and the job is run again like that of any process that died.
@shared_task(
    bind=True,
    time_limit=settings.INGEST_TIME_LIMIT,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=5,
    retry_backoff_max=300,
    max_retries=5,
)
def ingest_job(self, job_id):
    job = run_ingest_job(job_id, retry_transient=self.request.retries < self.max_retries)
    file_away(job.pk)
    return job.state


@shared_task
def scan_inbox():
    return [job.pk for job in scheduled_scan()]


# A site that could not be reached is tried again, alone, after 5, 10, then 20 minutes.
FETCH_RETRY_SECONDS = 300


@shared_task(bind=True, max_retries=3)
def fetch_sources(self, source_ids=None):
    """Check every enabled web source, or the ones named; the outcome of each
    is recorded on it."""
    runs = check_sources(source_ids)
    unreachable = [run.source_id for run in runs if run.transient]
    # In-process (no broker) a retry would run at once, without the wait that
    # gives the site time to recover.
    if unreachable and not self.request.is_eager and self.request.retries < self.max_retries:
        raise self.retry(
            kwargs={"source_ids": unreachable},
            countdown=FETCH_RETRY_SECONDS * 2**self.request.retries,
        )
    return [run.line() for run in runs]


@shared_task
def retrain_classifier(folds=5):
    """The nightly retraining: a new model only when curators have corrected
    categories (or an upgrade brought new seed data) since the one in use;
    ``folds`` cross-validates it for the admin's scores (0: not)."""
    data = training_data()
    return train_and_install(data, folds).pk if retraining_due(data) else None


def scheduled_scan(inbox: Path | None = None) -> list[IngestJob]:
    """What the worker does on the inbox schedule (and ``manage.py
    scan_inbox`` at once): send the jobs handed in while the broker was down
    (that this runs at all shows it is up), queue again those whose process
    died, then take the inbox's waiting files. Returns the jobs queued."""
    send_unsent()
    jobs = requeue_interrupted() + scan_files(inbox)
    # After the scan let go of the inbox: run in-process, a job files itself away at once.
    queue_jobs(jobs)
    return jobs


def check_sources(source_ids: list[int] | None = None) -> list[SourceRun]:
    """Check the web sources (ingest.sources.run) and queue the jobs of the new files."""
    runs = run_sources(source_ids)
    for run in runs:
        for job_id in run.jobs:
            queue_job(job_id)
    return runs


def queue_jobs(jobs) -> None:
    for job in jobs:
        queue_job(job.pk)


def queue_job(job_id: int) -> None:
    """Send the job to Celery after the surrounding transaction commits, so a
    worker finds the row."""
    transaction.on_commit(lambda: _send(job_id))


def _send(job_id: int) -> None:
    try:
        ingest_job.delay(job_id)
    except Exception as error:
        if not ingest_job.app.conf.task_always_eager:
            # The broker is down: the file is kept and the job stays queued,
            # marked, for the worker to send again once the broker is back.
            log.warning("ingest job %s not sent, broker unreachable: %r", job_id, error)
            IngestJob.objects.filter(pk=job_id, state=IngestJob.State.QUEUED).update(
                message=UNSENT_MESSAGE
            )
            return
        # Run in-process, the task itself broke: the job must say so instead of
        # staying queued or running for ever, and the other files of the upload
        # still go.
        log.exception("ingest job %s could not run", job_id)
        IngestJob.objects.filter(pk=job_id).update(
            state=IngestJob.State.FAILED,
            message=f"任务未能执行，请稍后点“重新运行”：{type(error).__name__}: {error}",
            finished=timezone.now(),
        )


def send_unsent() -> list[int]:
    """Send again the jobs queued while the broker was down; returns their ids.

    The worker calls it on its inbox schedule: that it runs at all means the
    broker is back.
    """
    unsent = list(
        IngestJob.objects.filter(state=IngestJob.State.QUEUED, message=UNSENT_MESSAGE)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for job_id in unsent:
        IngestJob.objects.filter(pk=job_id, message=UNSENT_MESSAGE).update(message="")
        _send(job_id)
    if unsent:
        log.info("sent %d ingest jobs queued while the broker was down", len(unsent))
    return unsent
