"""Run one ingest job: the function behind both ``manage.py ingest`` and the Celery task."""

import logging
from pathlib import Path

from django.utils import timezone

from .models import IngestJob
from .paths import readable
from .pipeline import parse_file
from .store import store_file

log = logging.getLogger(__name__)


def create_job(path: Path) -> IngestJob:
    return IngestJob.objects.create(source=readable(path.resolve()))


def run_ingest_job(job_id: int, path: Path | None = None) -> IngestJob:
    """Parse, store and index the job's file; ``path`` when the caller holds the
    file under a name the database could not store as it is."""
    job = IngestJob.objects.get(pk=job_id)
    job.state, job.started, job.finished = IngestJob.State.RUNNING, timezone.now(), None
    job.save(update_fields=["state", "started", "finished"])

    path = path or Path(job.source)
    parsed = parse_file(path)
    if parsed.error:
        job.state, job.message = IngestJob.State.FAILED, parsed.error
    else:
        try:
            documents, is_new = store_file(path, parsed.documents)
        except (
            Exception
        ) as error:  # the database or disk refused: this file fails, the batch goes on
            log.exception("storing %s failed", job.source)
            job.state = IngestJob.State.FAILED
            job.message = f"入库失败，未写入任何内容：{type(error).__name__}: {error}"
        else:
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
