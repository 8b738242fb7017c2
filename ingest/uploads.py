"""Files operators hand in through the admin, and re-runs of failed jobs.

Both end in the Celery task ``ingest_job``, the same ``run_ingest_job`` that
``manage.py ingest`` calls; this module only keeps the file and the job row.
"""

import logging
import re
import secrets
import unicodedata
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from .jobs import create_job
from .models import IngestJob
from .tasks import ingest_job

log = logging.getLogger(__name__)

# Both separators, whatever the browser's system: "..\\..\\x.txt" from Windows.
PATH_SEPARATORS = re.compile(r"[/\\]+")
# Most file systems allow 255 bytes a name; a CJK character takes 3 in UTF-8.
MAX_NAME_BYTES = 200
# The message of a job whose task could not be sent (the broker was down);
# send_unsent finds the jobs to send again by it.
UNSENT_MESSAGE = "后台任务队列暂时不可用，文件已保存，队列恢复后自动入库。"


def safe_name(name: str) -> str:
    """``name`` as one harmless file name that keeps what a person reads in it.

    No ``.`` or ``..`` steps and no separators (the remaining steps are joined
    with "_"), no control or invisible format characters (a right-to-left
    override can make "txt.exe" read as "exe.txt"), no leading dot; the suffix
    survives so the right reader is chosen.
    """
    visible = "".join(
        char for char in unicodedata.normalize("NFC", name) if unicodedata.category(char)[0] != "C"
    )
    parts = [part for part in PATH_SEPARATORS.split(visible) if part.strip(". ")]
    flat = "_".join(parts).strip()
    stem, dot, suffix = flat.rpartition(".")
    if not dot:
        stem, suffix = flat, ""
    stem = stem.strip(". ") or "upload"
    suffix = f".{suffix.strip()[:16]}" if suffix.strip() else ""
    budget = MAX_NAME_BYTES - len(suffix.encode())
    return stem.encode()[:budget].decode(errors="ignore") + suffix


def save_upload(uploaded: UploadedFile) -> Path:
    """Write ``uploaded`` to a fresh folder under UPLOAD_DIR/<date>/, under its
    own (safe) name: documents take their source name from the file's name, so
    the random part goes into the folder, not the name."""
    folder = settings.UPLOAD_DIR / timezone.localdate().isoformat() / secrets.token_hex(6)
    folder.mkdir(parents=True)
    path = folder / safe_name(uploaded.name)
    with path.open("xb") as out:
        for chunk in uploaded.chunks():
            out.write(chunk)
    return path


def submit_uploads(files: list[UploadedFile]) -> list[IngestJob]:
    """Keep each file, create its job and queue them all once the rows are committed."""
    with transaction.atomic():
        jobs = [create_job(save_upload(uploaded)) for uploaded in files]
        for job in jobs:
            queue_job(job.pk)
    return jobs


def rerun_failed(jobs) -> tuple[list[IngestJob], list[IngestJob]]:
    """Queue again the failed ``jobs`` whose file is still there; returns
    (queued, failed jobs whose file is gone). Jobs in other states are left alone."""
    failed = [job for job in jobs if job.state == IngestJob.State.FAILED]
    queued = [job for job in failed if Path(job.source).is_file()]
    with transaction.atomic():
        for job in queued:
            job.state, job.message, job.warnings = IngestJob.State.QUEUED, "", []
            job.started = job.finished = None
            job.save(update_fields=["state", "message", "warnings", "started", "finished"])
            queue_job(job.pk)
    return queued, [job for job in failed if job not in queued]


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
