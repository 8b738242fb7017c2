from celery import shared_task

from .jobs import run_ingest_job


@shared_task(acks_late=True)
def ingest_job(job_id):
    return run_ingest_job(job_id).state


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
