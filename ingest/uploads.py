"""Files operators hand in through the admin, and re-runs of failed jobs.

Both end in the Celery task ``ingest_job`` (ingest.tasks queues it), the same
``run_ingest_job`` that ``manage.py ingest`` calls; this module only keeps the
file and the job row.
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

log = logging.getLogger(__name__)

# Both separators, whatever the browser's system: "..\\..\\x.txt" from Windows.
PATH_SEPARATORS = re.compile(r"[/\\]+")
# Most file systems allow 255 bytes a name; a CJK character takes 3 in UTF-8.
MAX_NAME_BYTES = 200


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
    """Keep each file and create its job, all or none; the caller queues them
    (ingest.tasks.queue_jobs)."""
    with transaction.atomic():
        return [create_job(save_upload(uploaded)) for uploaded in files]


def rerun_failed(jobs) -> tuple[list[IngestJob], list[IngestJob]]:
    """Set back to queued the failed ``jobs`` whose file is still there, for
    the caller to queue (ingest.tasks.queue_jobs); returns (those, failed jobs
    whose file is gone). Jobs in other states are left alone."""
    failed = [job for job in jobs if job.state == IngestJob.State.FAILED]
    queued = [job for job in failed if Path(job.source).is_file()]
    with transaction.atomic():
        for job in queued:
            job.state, job.message, job.warnings = IngestJob.State.QUEUED, "", []
            job.started = job.finished = None
            job.save(update_fields=["state", "message", "warnings", "started", "finished"])
    return queued, [job for job in failed if job not in queued]
