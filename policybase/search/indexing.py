"""Every change to the search index goes through here.

Callers say which documents changed or which clauses disappeared; the change
is queued after the surrounding transaction commits (so the index never shows
what the database rolled back) as a Celery task on the ``index`` queue; in the
embedded default Celery runs it in-process.

Whoosh allows one writer at a time, and its own lock makes a second writer
fail (or, in haystack's AsyncWriter, write later from a thread nobody
watches). Any number of worker processes may run index tasks, so every write
first takes ``DATA_DIR/index.lock``: writers queue up on it, and one that
waits too long raises ``IndexLockTimeout`` for its task to retry.
"""

import contextlib
import itertools
import threading
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from haystack import connections
from haystack.constants import ID
from whoosh.index import LockError

from policybase.catalog.models import Clause, Document
from policybase.locks import file_lock

# Documents whose clauses are read from the database at a time.
BATCH_DOCUMENTS = 200
# How long a writer waits for another one before giving up (its task retries).
# Writing the 491 clauses of the sample compilation takes about 8 s.
LOCK_TIMEOUT_SECONDS = 60
# A reconcile waits for the queued writes before it looks.
RECONCILE_LOCK_TIMEOUT_SECONDS = 600
# Clauses read from the database at a time while comparing or rebuilding.
BATCH_CLAUSES = 2000
# Clauses per commit when the whole index is rewritten.
REBUILD_BATCH_CLAUSES = 10_000
# Memory Whoosh's writer fills with postings before it sorts them out to
# temporary files and merges those back (its default is 128): the 1.8 million
# postings of 10,000 clauses fit, and rebuilding writes no temporary runs.
REBUILD_LIMIT_MB = 512


class IndexLockTimeout(TimeoutError):
    """Another process has been writing to the index for too long."""


@contextlib.contextmanager
def index_write_lock(timeout: float = LOCK_TIMEOUT_SECONDS):
    """Hold the index's write lock, shared by every process on this data dir."""
    with file_lock(settings.DATA_DIR / "index.lock", timeout) as locked:
        if not locked:
            raise IndexLockTimeout(f"索引正被另一进程写入，{timeout:.0f} 秒内未能轮到")
        yield


_pending = threading.local()


def schedule_reindex(document_ids=(), removed_clause_ids=()):
    """Queue index changes for after the current transaction commits.

    Changes gather until the commit, so saving a document with fifty inline
    clauses writes it to the index once. Every call registers a flush: Django
    drops the ones registered in a savepoint that rolls back, and any survivor
    carries all that is pending; the first flush takes it, the rest find nothing.
    """
    if not document_ids and not removed_clause_ids:
        return
    documents, removed = _pending_sets()
    documents.update(document_ids)
    removed.update(removed_clause_ids)
    transaction.on_commit(_flush, robust=False)


def _pending_sets() -> tuple[set, set]:
    if not hasattr(_pending, "documents"):
        _pending.documents, _pending.removed = set(), set()
    return _pending.documents, _pending.removed


def _flush():
    from .tasks import update_index

    documents, removed = _pending_sets()
    if documents or removed:
        update_index.delay(sorted(documents), sorted(removed))
        documents.clear()
        removed.clear()


def apply_index_changes(document_ids=(), removed_clause_ids=()):
    """Write the clauses of ``document_ids`` and drop ``removed_clause_ids``."""
    with index_write_lock():
        _write(document_ids, removed_clause_ids)


def _write(document_ids, removed_clause_ids):
    index = connections["default"].get_unified_index().get_index(Clause)
    backend = connections["default"].get_backend()
    clauses = index.index_queryset()
    document_ids = list(document_ids)
    # A deletion that was rolled back may still be pending: keep what still exists.
    still_there = set(Clause.objects.filter(pk__in=removed_clause_ids).values_list("pk", flat=True))
    gone = [pk for pk in removed_clause_ids if pk not in still_there]
    # A withdrawn document leaves the index; its clauses stay in the database.
    gone += Clause.objects.filter(
        document_id__in=document_ids, document__review_state=Document.ReviewState.WITHDRAWN
    ).values_list("pk", flat=True)
    # One writer and one commit for the whole change: haystack's update() and
    # remove() commit once per call, and every commit makes a segment.
    with _writing(backend) as writer:
        changed = bool(gone)
        for start in range(0, len(document_ids), BATCH_DOCUMENTS):
            batch = document_ids[start : start + BATCH_DOCUMENTS]
            for clause in clauses.filter(document_id__in=batch):
                writer.update_document(**_prepared(index, backend, clause))
                changed = True
        for pk in gone:
            writer.delete_by_term(ID, f"catalog.clause.{pk}")
        if not changed:
            # An empty commit still makes a new generation: every searcher would reopen.
            writer.cancel()


@contextlib.contextmanager
def _writing(backend, **options):
    """A writer (``_writer``) committed when the block ends, unless the block
    cancelled it; abandoned (``_abandon``) when the block or the commit raises."""
    writer = _writer(backend, **options)
    try:
        yield writer
        if not writer.is_closed:
            writer.commit()
    except BaseException:
        _abandon(writer)
        raise


def _writer(backend, **options):
    """A Whoosh writer whose lock is ours to give back (see ``_abandon``).

    Whoosh takes its WRITELOCK first and then sets the writer up; when that
    fails (a read-only index folder) the lock stays held for as long as this
    process lives, and every later write, here or in any other process,
    fails with LockError. So the lock is taken here and released on failure.
    """
    if not backend.setup_complete:
        backend.setup()
    backend.index = backend.index.refresh()
    lock = backend.index.lock("WRITELOCK")
    if not lock.acquire():
        raise LockError("the Whoosh index is locked by a writer outside index_write_lock")
    try:
        writer = backend.index.writer(_lk=False, **options)
    except BaseException:
        lock.release()
        raise
    writer.writelock = lock  # commit() and cancel() release it
    return writer


def _abandon(writer):
    """Cancel a writer whose write failed, and give its lock back even when
    cancelling fails as well (the disk that refused the write refuses more)."""
    try:
        if not writer.is_closed:
            writer.cancel()
    finally:
        lock = writer.writelock
        if lock is not None and lock.fd is not None:
            lock.release()


def _prepared(index, backend, clause) -> dict:
    """The Whoosh fields of a clause, as haystack's ``update()`` makes them."""
    document = {k: backend._from_python(v) for k, v in index.full_prepare(clause).items()}
    document.pop("boost", None)  # document boosts are not supported by Whoosh
    return document


def clear_index():
    with index_write_lock():
        connections["default"].get_backend().clear()


def rebuild_index(batch: int = REBUILD_BATCH_CLAUSES, progress=lambda written: None) -> int:
    """Empty the index and write every clause it should hold in commits of
    ``batch`` clauses; returns how many were written.

    For a large corpus: one commit per ingested file makes a segment each,
    and Whoosh rewrites small segments into larger ones again and again.
    ``progress(written)`` is called after each commit.
    """
    index = connections["default"].get_unified_index().get_index(Clause)
    backend = connections["default"].get_backend()
    with index_write_lock(RECONCILE_LOCK_TIMEOUT_SECONDS):
        backend.clear()
        written = 0
        clauses = index.index_queryset().iterator(chunk_size=BATCH_CLAUSES)
        # Each pass takes a clause and up to ``batch - 1`` more from the same
        # stream: no writer (and no empty commit) once the clauses run out.
        for first in clauses:
            with _writing(backend, limitmb=REBUILD_LIMIT_MB) as writer:
                for clause in itertools.chain([first], itertools.islice(clauses, batch - 1)):
                    # The index was emptied: nothing to replace, so no lookup per clause.
                    writer.add_document(**_prepared(index, backend, clause))
                    written += 1
            progress(written)
    return written


@dataclass
class Drift:
    """How the index differs from the database: clause ids the index lacks or
    holds in an older state, and index ids with no visible clause behind them."""

    expected: int
    indexed: int
    missing: list[int] = field(default_factory=list)
    stale: list[int] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.missing) + len(self.stale) + len(self.extra)

    def as_dict(self) -> dict:
        return {
            "expected": self.expected,
            "indexed": self.indexed,
            "missing": len(self.missing),
            "stale": len(self.stale),
            "extra": len(self.extra),
        }


def reconcile_index(dry_run: bool = False, progress=lambda items, total: items) -> Drift:
    """Compare every clause the index should hold (those of visible documents,
    as ``ClauseIndex.index_queryset`` defines them) with what the Whoosh index
    stores, field by field; unless ``dry_run``, rewrite the documents of
    missing or stale clauses and delete the extra entries.

    Runs under the write lock, so no writer changes the index between the
    comparison and the repair. ``progress(items, total)`` wraps the clause
    iterator (a progress bar). Reads Whoosh's stored fields: another engine is rebuilt
    with haystack's ``update_index --remove`` instead.
    """
    index = connections["default"].get_unified_index().get_index(Clause)
    backend = connections["default"].get_backend()
    with index_write_lock(RECONCILE_LOCK_TIMEOUT_SECONDS):
        backend.setup()
        stored, duplicated = _stored_documents(backend)
        fields = [name for name in backend.schema.names() if backend.schema[name].stored]
        expected = index.index_queryset()
        drift = Drift(expected=expected.count(), indexed=len(stored))
        stale_documents = set()
        for clause in progress(expected.iterator(chunk_size=BATCH_CLAUSES), drift.expected):
            document = {k: backend._from_python(v) for k, v in index.full_prepare(clause).items()}
            held = stored.pop(document["id"], None)
            if held is None:
                drift.missing.append(clause.pk)
            elif document["id"] in duplicated or any(
                document.get(name) != held.get(name) for name in fields
            ):
                drift.stale.append(clause.pk)
            else:
                continue
            stale_documents.add(clause.document_id)
        drift.extra = sorted(stored)
        if not dry_run and drift.total:
            _write(sorted(stale_documents), ())
            _delete(backend, drift.extra)
    return drift


def _stored_documents(backend) -> tuple[dict[str, dict], set[str]]:
    """The stored fields of every index entry by its id, and the ids held twice."""
    stored, duplicated = {}, set()
    with backend.index.refresh().searcher() as searcher:
        for document in searcher.all_stored_fields():
            if document["id"] in stored:
                duplicated.add(document["id"])
            stored[document["id"]] = document
    return stored, duplicated


def _delete(backend, ids: list[str]) -> None:
    # One writer for them all: haystack's remove() commits once per entry.
    if not ids:
        return
    with _writing(backend) as writer:
        for whoosh_id in ids:
            writer.delete_by_term(ID, whoosh_id)
