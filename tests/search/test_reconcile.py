"""The index's one writer at a time, and reconcile_index repairing what drifted."""

import io
import json
import shutil
import threading

import pytest
from django.core.management import CommandError, call_command
from haystack import connections

from policybase.catalog.models import Clause, Document
from policybase.search.indexing import (
    IndexLockTimeout,
    apply_index_changes,
    index_write_lock,
    rebuild_index,
)
from policybase.search.query import Filters, search

WEBPAGE = "004_webpage_data_elements_x_plan_traditional.txt"


@pytest.fixture
def ingested(search_index, media_dir, sample_copy):
    call_command("ingest", sample_copy(WEBPAGE), stdout=io.StringIO())
    return Document.objects.get()


def reconcile(*args) -> dict:
    out = io.StringIO()
    call_command("reconcile_index", "--json", *args, stdout=out)
    return json.loads(out.getvalue())


def in_step(clauses: int) -> dict:
    """reconcile_index's dry-run report on an index that holds every clause once."""
    return {
        "expected": clauses,
        "indexed": clauses,
        "missing": 0,
        "stale": 0,
        "extra": 0,
        "dry_run": True,
    }


def test_a_failed_index_write_is_never_silent():
    assert connections["default"].get_backend().silently_fail is False


def test_an_index_in_step_with_the_database_shows_no_drift(ingested):
    clauses = ingested.clauses.count()
    assert reconcile("--dry-run") == in_step(clauses)


def test_reconcile_rewrites_missing_and_stale_clauses_and_drops_extra_ones(ingested):
    clauses = list(ingested.clauses.order_by("order"))
    backend = connections["default"].get_backend()
    # Drift as a lost or half-done write leaves it: queryset updates send no signals.
    backend.remove(f"catalog.clause.{clauses[0].pk}")
    Clause.objects.filter(pk=clauses[1].pk).update(text="第二条 对算力券给予专项补贴。")
    other = Document.objects.create(title="另一份已撤回的文件", review_state="withdrawn")
    moved = Clause.objects.filter(pk__in=[c.pk for c in clauses[2:4]])
    moved.update(document=other)

    drift = reconcile("--dry-run")
    assert (drift["missing"], drift["stale"], drift["extra"]) == (1, 1, 2)
    assert drift["expected"] == len(clauses) - 2
    assert search("算力券", Filters()).count == 0  # a dry run changes nothing

    repaired = reconcile()
    assert repaired["dry_run"] is False
    assert reconcile("--dry-run") == {
        "expected": len(clauses) - 2,
        "indexed": len(clauses) - 2,
        "missing": 0,
        "stale": 0,
        "extra": 0,
        "dry_run": True,
    }
    assert search("算力券", Filters()).count == 1


def test_the_summary_line_says_what_was_found(ingested):
    Clause.objects.filter(pk=ingested.clauses.first().pk).update(text="改过的条款")
    out = io.StringIO()
    call_command("reconcile_index", "--dry-run", stdout=out)
    assert "过期 1" in out.getvalue()
    assert "未修改" in out.getvalue()


def test_writers_wait_for_each_other_and_give_up_after_the_timeout(ingested):
    held = threading.Event()
    release = threading.Event()

    def hold():
        with index_write_lock():
            held.set()
            release.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    held.wait(5)
    with pytest.raises(IndexLockTimeout), index_write_lock(timeout=0.3):
        pass

    threading.Timer(0.3, release.set).start()
    apply_index_changes([ingested.pk], [])  # waits its turn, then writes
    holder.join()
    assert reconcile("--dry-run")["missing"] == 0


def test_a_rebuilt_index_holds_every_visible_clause_once(ingested):
    clauses = ingested.clauses.count()
    Clause.objects.filter(pk=ingested.clauses.first().pk).update(
        text="第一条 对算力券给予专项补贴。"
    )
    # A new generation of the index, swapped in for the one that had the old text.
    assert rebuild_index() == clauses
    assert reconcile("--dry-run") == in_step(clauses)
    assert search("算力券", Filters()).count == 1
    # The command an operator runs after an upgrade does the same, and refuses
    # to rebuild when asked for a dry run as well.
    with pytest.raises(CommandError, match="not allowed with"):
        reconcile("--rebuild", "--dry-run")
    assert reconcile("--rebuild") == {"rebuilt": clauses}
    assert reconcile("--dry-run") == in_step(clauses)
    assert search("算力券", Filters()).count == 1


def test_the_first_migrate_after_an_upgrade_builds_the_index_from_the_database(ingested):
    """A data dir of an earlier version holds a Whoosh index and none of this
    engine's; a schema that changed leaves a generation this version cannot
    write. ``migrate``, which every start runs first, builds the index."""
    clauses = ingested.clauses.count()
    backend = connections["default"].get_backend()
    shutil.rmtree(backend.path)
    (backend.path.parent / "whoosh_index").mkdir(exist_ok=True)
    assert search("数据", Filters()).count == 0

    out = io.StringIO()
    call_command("migrate", "--noinput", stdout=out)
    assert f"已按数据库建立检索索引：{clauses} 条条款" in out.getvalue()
    assert reconcile("--dry-run") == in_step(clauses)
    assert search("数据", Filters()).count > 0

    # Another schema's generation: written anew at the next migrate, not mixed.
    live = backend.live_generation()
    older = live.with_name("0123456789ab" + live.name[12:])
    live.rename(older)
    (backend.path / "live").unlink()
    (backend.path / "live").symlink_to(older.name)
    assert not backend.is_current()
    # Nothing in it counts; the nightly repair would rebuild it, and so does migrate.
    assert reconcile("--dry-run")["missing"] == clauses
    call_command("migrate", "--noinput", stdout=io.StringIO())
    assert backend.is_current() and not older.exists()
    assert reconcile("--dry-run") == in_step(clauses)

    out = io.StringIO()
    call_command("migrate", "--noinput", stdout=out)  # nothing to do the next time
    assert "检索索引" not in out.getvalue()


def test_reconcile_rebuilds_an_index_of_another_version(ingested):
    clauses = ingested.clauses.count()
    backend = connections["default"].get_backend()
    live = backend.live_generation()
    older = live.with_name("0123456789ab" + live.name[12:])
    live.rename(older)
    (backend.path / "live").unlink()
    (backend.path / "live").symlink_to(older.name)
    assert reconcile()["missing"] == clauses
    assert backend.is_current()
    assert reconcile("--dry-run") == in_step(clauses)
