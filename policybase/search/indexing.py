"""Every write to the search index goes through here.

Callers say which documents changed or which clauses disappeared with
``tasks.schedule_reindex``, which queues the change after the surrounding
transaction commits (so the index never shows what the database rolled back)
as the Celery task that calls ``apply_index_changes``.

Tantivy allows one writer at a time, and its own lock makes a second writer
fail at once. Any number of worker processes may run index tasks, so every
write first takes ``DATA_DIR/index.lock``: writers queue up on it, and one
that waits too long raises ``IndexLockTimeout`` for its task to retry.
Readers never wait (backend.py).
"""

import contextlib
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS
from haystack import connections
from haystack.constants import DJANGO_ID

from policybase.catalog.models import Clause, Document
from policybase.locks import file_lock
from policybase.progress import counting

# Documents whose clauses are read from the database at a time.
BATCH_DOCUMENTS = 200
# How long a writer waits for another one before giving up (its task retries);
# a rebuild holds the lock for minutes at 300,000 clauses.
LOCK_TIMEOUT_SECONDS = 60
# A reconcile waits for the queued writes before it looks.
RECONCILE_LOCK_TIMEOUT_SECONDS = 600


class IndexLockTimeout(TimeoutError):
    """Another process has been writing to the index for too long."""


@contextlib.contextmanager
def index_write_lock(timeout: float = LOCK_TIMEOUT_SECONDS):
    """Hold the index's write lock, shared by every process on this data dir."""
    with file_lock(settings.DATA_DIR / "index.lock", timeout) as locked:
        if not locked:
            raise IndexLockTimeout(f"索引正被另一进程写入，{timeout:.0f} 秒内未能轮到")
        yield


def apply_index_changes(document_ids=(), removed_clause_ids=()):
    """Write the clauses of ``document_ids`` and drop ``removed_clause_ids``."""
    with index_write_lock():
        _write(document_ids, removed_clause_ids)


def _clause_index():
    return connections["default"].get_unified_index().get_index(Clause)


def _write(document_ids, removed_clause_ids):
    index = _clause_index()
    # A deletion that was rolled back may still be pending: keep what still exists.
    still_there = set(Clause.objects.filter(pk__in=removed_clause_ids).values_list("pk", flat=True))
    gone = [pk for pk in removed_clause_ids if pk not in still_there]
    # One writer and one commit for the whole change: every commit makes a segment.
    with connections["default"].get_backend().writing() as writer:
        writer.delete(gone)
        # Each document's entries go, then what it holds now comes back: a
        # clause split or merged away, or a withdrawn document, leaves nothing.
        writer.delete_matching("document", [str(pk) for pk in document_ids])
        for prepared in _prepared(index, list(document_ids)):
            writer.add(prepared)


def _prepared(index, document_ids: list[int]):
    """haystack's prepared fields of each clause the index holds of the
    documents ``document_ids``, read a batch of documents at a time. Each
    document is loaded once and shared by its clauses (with
    ``index_queryset``'s own joins, every clause would load its document,
    regions and issuers again)."""
    for start in range(0, len(document_ids), BATCH_DOCUMENTS):
        batch = document_ids[start : start + BATCH_DOCUMENTS]
        documents = (
            Document.objects.select_related("region__parent__parent")
            .prefetch_related("issuers")
            .in_bulk(batch)
        )
        clauses = index.index_queryset().filter(document_id__in=batch)
        for clause in clauses.select_related(None).prefetch_related(None):
            clause.document = documents[clause.document_id]
            yield index.full_prepare(clause)


def ensure_index(progress=lambda written: None) -> int | None:
    """Build the index from the database when this data dir has none it can
    serve: a new data dir, one upgraded from the Whoosh index of earlier
    versions (``whoosh_index``, no longer read), one whose index has another
    schema, or an empty index beside a database of clauses. Returns how many
    clauses were written, None when the index was fine."""
    backend = connections["default"].get_backend()

    def fine():
        return backend.is_current() and (
            backend.count() or not _clause_index().index_queryset().exists()
        )

    if fine():
        return None
    with index_write_lock(RECONCILE_LOCK_TIMEOUT_SECONDS):
        if fine():  # another process built it while this one waited
            return None
        return _rebuild(progress)


def build_missing_index(using=DEFAULT_DB_ALIAS, stdout=None, verbosity=1, **kwargs):
    """After ``migrate`` (a post_migrate receiver): ``ensure_index``, with a
    progress bar on a terminal."""
    if using != DEFAULT_DB_ALIAS:
        return
    with counting("建立检索索引", "条") as written:
        built = ensure_index(progress=written)
    if built is not None and stdout and verbosity:
        stdout.write(f"已按数据库建立检索索引：{built} 条条款。\n")


def clear_index():
    connections["default"].get_backend().clear()


def rebuild_index(progress=lambda written: None) -> int:
    """Write every clause the index should hold into a new generation of the
    index and swap it in; returns how many. Searches go on meanwhile, on the
    one it replaces; writers wait for the lock. ``progress(written)`` is
    called every few thousand clauses."""
    with index_write_lock(RECONCILE_LOCK_TIMEOUT_SECONDS):
        return _rebuild(progress)


def _rebuild(progress) -> int:
    documents = Document.objects.order_by("pk").values_list("pk", flat=True)
    prepared = _prepared(_clause_index(), list(documents))
    return connections["default"].get_backend().rebuild(prepared, progress)


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
    as ``ClauseIndex.index_queryset`` defines them) with the index, by the
    fingerprint of everything indexed of it; unless
    ``dry_run``, rewrite the documents of missing or stale clauses and delete
    the extra entries.

    An index written by another version (another schema) holds nothing this
    one can use: every clause counts as missing, and the repair is a rebuild.

    Runs under the write lock, so no writer changes the index between the
    comparison and the repair. ``progress(items, total)`` wraps the clause
    iterator (a progress bar).
    """
    index = _clause_index()
    backend = connections["default"].get_backend()
    with index_write_lock(RECONCILE_LOCK_TIMEOUT_SECONDS):
        current = backend.is_current()
        entries = backend.indexed() if current else []
        held = dict(entries)
        duplicated = {pk for pk, count in Counter(pk for pk, _ in entries).items() if count > 1}
        indexed = len(entries) if current else backend.count()
        drift = Drift(expected=index.index_queryset().count(), indexed=indexed)
        stale_documents = set()
        documents = Document.objects.order_by("pk").values_list("pk", flat=True)
        for prepared in progress(_prepared(index, list(documents)), drift.expected):
            pk = int(prepared[DJANGO_ID])
            known = held.pop(pk, None)
            if known is None:
                drift.missing.append(pk)
            elif pk in duplicated or known != backend.fingerprint(prepared):
                drift.stale.append(pk)
            else:
                continue
            stale_documents.add(prepared["document_id"])
        drift.extra = [f"catalog.clause.{pk}" for pk in sorted(held)]
        if not dry_run and not current:
            _rebuild(lambda written: None)
        elif not dry_run and drift.total:
            _write(sorted(stale_documents), sorted(held))
    return drift
