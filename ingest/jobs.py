"""Run one ingest job: the function behind ``manage.py ingest``, the Celery task
and the inbox.

A job may be delivered more than once: Celery hands out again the task of a
worker that died, and Redis re-delivers a task that stays unacknowledged
longer than its visibility timeout, even while it still runs. So a job is
claimed before it runs (a second delivery while the first runs does nothing),
a finished job is left as it is, and the file is stored under a lock on its
content, so two jobs for the same bytes never both write it. A job whose process
died is run again, a few times at most (``MAX_ATTEMPTS``).
"""

import contextlib
import logging
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connection, transaction
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from policybase.catalog.models import Document
from policybase.locks import file_lock
from policybase.search.tasks import schedule_reindex

from .models import IngestJob
from .paths import readable
from .pipeline import parse_file
from .store import file_sha256, store_file

log = logging.getLogger(__name__)

# Errors that may pass if the job is tried again a little later: the database
# or the broker unreachable, the index busy (IndexLockTimeout is a
# TimeoutError), a network timeout. A file that cannot be read is not one.
TRANSIENT_ERRORS = (OperationalError, InterfaceError, BrokerError, ConnectionError, TimeoutError)
FINISHED = {IngestJob.State.DONE, IngestJob.State.FAILED}
# Runs of one job whose process died before the job gives up: a file that
# takes its worker down every time (out of memory) must not do so for ever.
MAX_ATTEMPTS = 3
# PostgreSQL advisory lock namespaces (the first key of the two-key form).
JOB_LOCK = 4101
# How long a job waits for another one storing its file (SQLite) before it
# is retried later.
STORE_LOCK_TIMEOUT = 300
SOURCE_LOCK = 4102


def create_job(path: Path) -> IngestJob:
    return IngestJob.objects.create(source=readable(path.resolve()))


def run_ingest_job(
    job_id: int, path: Path | None = None, retry_transient: bool = False
) -> IngestJob:
    """Parse, store and index the job's file; ``path`` when the caller holds the
    file under a name the database could not store as it is.

    With ``retry_transient`` (a Celery task with tries left) an error that may
    pass puts the job back in the queue and is raised for the task to retry;
    otherwise it fails the job like any other error.
    """
    with claim(job_id) as claimed:
        job = IngestJob.objects.get(pk=job_id)
        if not claimed or job.state in FINISHED:
            log.info("ingest job %s: already %s, not run again", job_id, job.state)
            return job
        if job.state == IngestJob.State.RUNNING and job.attempts >= MAX_ATTEMPTS:
            # Running, yet nobody holds it: its last run's process died.
            give_up(job)
            return job
        job.state, job.started, job.finished = IngestJob.State.RUNNING, timezone.now(), None
        job.attempts += 1
        job.save(update_fields=["state", "started", "finished", "attempts"])
        source = path or Path(job.source)
        try:
            _run(job, source, retry_transient)
        except TRANSIENT_ERRORS:
            raise  # only with retry_transient: the job is queued again
        except Exception as error:  # a bug must fail its job, not leave it running
            _fail(job, source, error, "入库失败（程序错误，已记录日志）")
        job.finished = timezone.now()
        job.save()
        return job


def requeue_interrupted() -> list[IngestJob]:
    """Jobs marked running whose process is gone (killed, out of memory, past
    its time limit, the machine went down) go back to the queue, or fail
    after their last attempt. Returns the jobs to queue again.

    Celery hands the task of a dead pool process out again at once, but not
    that of a whole worker killed (Redis waits for its visibility timeout)
    nor of a task that hit its hard time limit: this sweep, on the inbox
    schedule, catches those.
    """
    again = []
    for job_id in IngestJob.objects.filter(state=IngestJob.State.RUNNING).values_list(
        "pk", flat=True
    ):
        with claim(job_id) as claimed:
            job = IngestJob.objects.get(pk=job_id)
            if not claimed or job.state != IngestJob.State.RUNNING:
                continue  # its process is alive, or it ended since
            if job.attempts >= MAX_ATTEMPTS:
                give_up(job)
                continue
            job.state = IngestJob.State.QUEUED
            job.message = f"第 {job.attempts} 次处理中途中断（处理进程退出），已重新排队"
            job.save(update_fields=["state", "message"])
            log.warning(
                "ingest job %s: its process died during run %s; queued again", job_id, job.attempts
            )
            again.append(job)
    return again


def give_up(job: IngestJob) -> None:
    log.error("ingest job %s: its process died in each of %s runs; failed", job.pk, job.attempts)
    job.state, job.finished = IngestJob.State.FAILED, timezone.now()
    job.message = (
        f"运行了 {job.attempts} 次，每次处理进程都中途退出（可能超出内存上限被终止，或超过时限），"
        "文件未入库。请检查文件是否过大或已损坏；拆分后可重新提交。"
    )
    job.save(update_fields=["state", "finished", "message"])


def _run(job: IngestJob, path: Path, retry_transient: bool) -> None:
    parsed = parse_file(path)
    if parsed.error:
        job.state, job.message = IngestJob.State.FAILED, parsed.error
        return
    try:
        with source_lock(path):
            documents, is_new = store_file(path, parsed.documents)
        if not is_new:
            # Known bytes: write their documents to the index again (the same
            # content, so nothing changes), in case the try that stored them
            # died, or its index write failed, before the index had them.
            schedule_reindex(document_ids=[document.pk for document in documents])
    except TRANSIENT_ERRORS as error:
        if retry_transient:
            log.warning("ingest job %s will be retried: %r", job.pk, error)
            job.state = IngestJob.State.QUEUED
            job.message = f"暂时出错，稍后自动重试：{type(error).__name__}: {error}"
            job.save(update_fields=["state", "message"])
            raise
        _fail(job, path, error, "入库失败（数据库、消息队列或索引暂时不可用），请稍后重新运行")
        return
    except Exception as error:  # the database or disk refused: this file fails, the batch goes on
        _fail(job, path, error, "入库失败，未写入任何内容")
        return
    job.documents.set(documents)
    job.warnings = [w for draft in parsed.documents for w in draft.warnings]
    job.state = IngestJob.State.DONE
    clauses = sum(len(draft.clauses) for draft in parsed.documents)
    job.message = (
        f"入库 {len(documents)} 篇文件、{clauses} 条条款"
        if is_new
        else f"文件已入库过（内容相同），未作改动：{len(documents)} 篇文件"
    )


def _fail(job: IngestJob, path: Path, error: Exception, nothing_stored: str) -> None:
    """Fail the job with ``error``, saying what the database holds of its file.

    Run in-process (no broker), the index write runs when the file's
    transaction commits, so it can fail after the documents were stored: the
    job then links them and says how to bring the index up to date, instead
    of claiming that nothing was written.
    """
    log.exception("storing %s failed", job.source)
    job.state = IngestJob.State.FAILED
    reason = f"{type(error).__name__}: {error}"
    stored = _documents_of(path)
    if not stored:
        job.message = f"{nothing_stored}：{reason}"
        return
    job.documents.set(stored)
    job.message = (
        f"已写入数据库 {len(stored)} 篇文件，但写入检索索引失败，暂时检索不到它们：{reason}。"
        "索引恢复后运行 manage.py reconcile_index，或重新运行本任务。"
    )


def _documents_of(path: Path) -> list[Document]:
    try:
        return list(Document.objects.filter(source_sha256=file_sha256(path)).order_by("pk"))
    except (OSError, DatabaseError):  # the file or the database is what failed
        return []


@contextlib.contextmanager
def claim(job_id: int):
    """Yields whether this process may run the job: False while another holds it.

    Released when the process dies: on PostgreSQL a session lock, which goes
    with its connection; otherwise a lock file in the data dir.
    """
    if connection.vendor != "postgresql":
        path = settings.DATA_DIR / "locks" / f"ingest-job-{job_id}.lock"
        with file_lock(path, timeout=0) as claimed:
            yield claimed
            # Never claimed again once finished (a re-run of a failed job
            # makes a new file); a process that opened this one before it
            # goes takes it after us, and finds the job finished.
            if claimed and IngestJob.objects.filter(pk=job_id, state__in=FINISHED).exists():
                path.unlink(missing_ok=True)
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [JOB_LOCK, _int4(job_id)])
        claimed = cursor.fetchone()[0]
    try:
        yield claimed
    finally:
        if claimed:
            _unlock_job(job_id)


def _unlock_job(job_id: int) -> None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [JOB_LOCK, _int4(job_id)])
    except DatabaseError:
        # The connection is gone, and the lock went with it.
        log.warning("ingest job %s: connection lost before its lock was released", job_id)


@contextlib.contextmanager
def source_lock(path: Path):
    """A transaction holding a lock on the file's content: storing checks
    whether the bytes are known and writes them, and two jobs must not both
    find them unknown. SQLite writes one transaction at a time anyway, so
    there one lock file serves every file's content."""
    if connection.vendor != "postgresql":
        with file_lock(settings.DATA_DIR / "locks" / "store.lock", STORE_LOCK_TIMEOUT) as locked:
            if not locked:
                raise TimeoutError(f"另一入库任务写入数据库已超过 {STORE_LOCK_TIMEOUT} 秒")
            yield
        return
    key = _int4(int(file_sha256(path)[:8], 16))
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [SOURCE_LOCK, key])
        yield


def _int4(number: int) -> int:
    # The two-key advisory lock functions take 32-bit signed keys.
    return (number + 2**31) % 2**32 - 2**31
