"""Run one ingest job: the function behind both ``manage.py ingest`` and the Celery task."""

from pathlib import Path

from django.utils import timezone

from .models import IngestJob
from .pipeline import parse_file
from .store import store_file


def run_ingest_job(job_id: int) -> IngestJob:
    job = IngestJob.objects.get(pk=job_id)
    job.state, job.started, job.finished = IngestJob.State.RUNNING, timezone.now(), None
    job.save(update_fields=["state", "started", "finished"])

    parsed = parse_file(Path(job.source))
    if parsed.error:
        job.state, job.message = IngestJob.State.FAILED, parsed.error
    else:
        documents, is_new = store_file(parsed.path, parsed.documents)
        job.documents.set(documents)
        job.warnings = [w for draft in parsed.documents for w in draft.warnings]
        job.state = IngestJob.State.DONE
        clauses = sum(len(draft.clauses) for draft in parsed.documents)
        job.message = (
            f"入库 {len(documents)} 篇文件、{clauses} 条条款"
            if is_new
            else f"文件已入库过（内容相同），未作改动：{len(documents)} 篇文件"
        )
    job.finished = timezone.now()
    job.save()
    return job
