"""The inbox: a folder people and scripts drop policy files into (DESIGN §4.0).

    POLICYBASE_DATA_DIR/inbox/
        通知.pdf …       waiting; taken once nothing has written to it for a while
        processing/     handed to an ingest job
        done/           ingested, or found already ingested
        failed/         not ingested; 通知.pdf.error.txt beside 通知.pdf says why

Files are moved, never deleted, and never overwritten: a name already taken in
the folder gets a number. A scan takes the waiting files (subfolders too) into
processing/ and queues one job each; when the job ends, ``file_away`` moves
the file on. A scan also finishes what a crash left half done: a file in
processing/ without a job gets one, a file whose job ended is filed away.
"""

import logging
import os
import time
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from policybase.locks import file_lock

from .jobs import FINISHED, create_job
from .models import IngestJob
from .paths import readable
from .uploads import safe_name

log = logging.getLogger(__name__)

PROCESSING, DONE, FAILED = "processing", "done", "failed"
# A file nothing has written to for this long is taken to be complete: a copy
# in progress keeps touching its file.
SETTLE_SECONDS = 5
# Names of files still being written by common tools: rsync's ".name.XXXXXX",
# browsers' "name.crdownload" / "name.part", editors' "name~".
PARTIAL_SUFFIXES = (".part", ".partial", ".crdownload", ".download", ".tmp", "~")
ERROR_SUFFIX = ".error.txt"
# How long filing a finished job's file away waits for a scan to finish.
LOCK_TIMEOUT_SECONDS = 120


def waiting_files(inbox: Path, now: float, settle: float = SETTLE_SECONDS) -> list[Path]:
    """The files in ``inbox`` (subfolders too, but not processing/, done/ or
    failed/) that are complete: not hidden, not named like a partial download,
    and untouched for ``settle`` seconds at ``now`` (a Unix time)."""
    found = []
    for folder, subfolders, names in os.walk(inbox):
        if Path(folder) == inbox:
            subfolders[:] = [name for name in subfolders if name not in (PROCESSING, DONE, FAILED)]
        subfolders[:] = sorted(name for name in subfolders if not name.startswith("."))
        for name in sorted(names):
            path = Path(folder) / name
            if _looks_partial(name) or not path.is_file():
                continue
            if now - path.stat().st_mtime >= settle:
                found.append(path)
    return found


def _looks_partial(name: str) -> bool:
    return name.startswith(".") or name.lower().endswith(PARTIAL_SUFFIXES)


def free_path(folder: Path, name: str) -> Path:
    """``folder/name``, or ``folder/stem (2).suffix`` and so on when taken."""
    candidate = folder / name
    stem, suffix = Path(name).stem, Path(name).suffix
    number = 2
    while candidate.exists() or _error_note(candidate).exists():
        candidate = folder / f"{stem} ({number}){suffix}"
        number += 1
    return candidate


def _error_note(path: Path) -> Path:
    return path.with_name(path.name + ERROR_SUFFIX)


def scan(inbox: Path | None = None) -> list[IngestJob]:
    """Take the waiting files of the inbox into jobs; returns the jobs to
    queue (ingest.tasks.scheduled_scan queues them), none when another scan
    is running."""
    inbox = inbox or settings.INBOX_DIR
    for name in (PROCESSING, DONE, FAILED):
        (inbox / name).mkdir(parents=True, exist_ok=True)
    with inbox_lock(inbox, timeout=0) as locked:
        if not locked:
            log.info("inbox scan skipped: another scan is running")
            return []
        jobs = _recover(inbox)
        for path in waiting_files(inbox, time.time()):
            try:
                jobs.append(_take(path, inbox))
            except FileNotFoundError:
                log.info("inbox: %s was taken away before the scan got to it", path)
    return jobs


def _take(path: Path, inbox: Path) -> IngestJob:
    # A name the database and every reader can hold (uploads make the same).
    target = free_path(inbox / PROCESSING, safe_name(readable(path.name)))
    path.rename(target)
    log.info("inbox: %s taken as %s", path, target.name)
    return create_job(target)


def _recover(inbox: Path) -> list[IngestJob]:
    """Jobs to queue for files in processing/ that have none (the scan that
    took them died); files whose job ended are filed away."""
    orphans = []
    for path in sorted((inbox / PROCESSING).iterdir()):
        job = IngestJob.objects.filter(source=readable(path)).order_by("-pk").first()
        if job is None:
            orphans.append(create_job(path))
        elif job.state in FINISHED:
            _file_away(job, inbox)
    return orphans


def file_away(job_id: int, inbox: Path | None = None) -> Path | None:
    """Move an inbox job's file out of processing/ (or failed/, on a re-run)
    into done/ or failed/, record where it went on the job and return it.
    Jobs of other files are left alone."""
    inbox = inbox or settings.INBOX_DIR
    with inbox_lock(inbox, timeout=LOCK_TIMEOUT_SECONDS) as locked:
        if not locked:
            log.warning("inbox busy: job %s's file is left for the next scan to file away", job_id)
            return None
        return _file_away(IngestJob.objects.get(pk=job_id), inbox)


def _file_away(job: IngestJob, inbox: Path) -> Path | None:
    path = Path(job.source)
    if job.state not in FINISHED or path.parent not in (inbox / PROCESSING, inbox / FAILED):
        return None
    if not path.is_file():
        log.warning("inbox: %s of job %s is gone", path, job.pk)
        return None
    folder = inbox / (DONE if job.state == IngestJob.State.DONE else FAILED)
    target = path
    if path.parent != folder:
        folder.mkdir(exist_ok=True)  # a re-run job may end before any scan made it
        target = free_path(folder, path.name)
        path.rename(target)
        # The note of an earlier failure, now out of date (our file, not theirs).
        _error_note(path).unlink(missing_ok=True)
    if job.state == IngestJob.State.FAILED:
        finished = timezone.localtime(job.finished or timezone.now())
        _error_note(target).write_text(
            f"{job.message}\n\n入库任务 #{job.pk}，{finished:%Y-%m-%d %H:%M:%S}\n", encoding="utf-8"
        )
    job.source = readable(target)
    job.save(update_fields=["source"])
    log.info("inbox: job %s %s, file moved to %s", job.pk, job.state, target)
    return target


def inbox_lock(inbox: Path, timeout: float):
    """Yields whether the inbox's lock was taken within ``timeout`` seconds: one
    process at a time moves files in it."""
    return file_lock(inbox.parent / "inbox.lock", timeout)
