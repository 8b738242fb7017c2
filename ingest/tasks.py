from celery import shared_task
from django.conf import settings

from .jobs import TRANSIENT_ERRORS, run_ingest_job
from .training import retraining_due, train_and_install, training_data


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
    # The inbox queues this task: imported here, not at the top, to break the cycle.
    from .inbox import file_away

    job = run_ingest_job(job_id, retry_transient=self.request.retries < self.max_retries)
    file_away(job.pk)
    return job.state


@shared_task
def scan_inbox():
    from .inbox import scheduled_scan

    # Running at all, the scan shows the broker is up: jobs that were handed
    # in while it was down go now, and so do those whose process died.
    return [job.pk for job in scheduled_scan()]


# A site that could not be reached is tried again, alone, after 5, 10, then 20 minutes.
FETCH_RETRY_SECONDS = 300


@shared_task(bind=True, max_retries=3)
def fetch_sources(self, source_ids=None):
    """Check every enabled web source, or the ones named; the outcome of each
    is recorded on it."""
    # Imported here because ingest.sources.run queues ingest_job from this module.
    from .sources.run import run_sources

    runs = run_sources(source_ids)
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
