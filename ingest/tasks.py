from celery import shared_task

from .jobs import run_ingest_job


@shared_task(acks_late=True)
def ingest_job(job_id):
    return run_ingest_job(job_id).state
