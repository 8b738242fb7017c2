import itertools
import shutil
from pathlib import Path

import pytest
from django.conf import settings

REPO = Path(__file__).resolve().parent.parent
# The seed files as shared with the whole team; the sample corpus ships copies.
SEEDS = REPO.parent / "shared" / "seeds"
SAMPLE = REPO / "data" / "sample"


def seed_path(name: str) -> Path:
    """A seed file, from shared/ when it is there, else the shipped sample copy."""
    shared = SEEDS / name
    return shared if shared.exists() else SAMPLE / name


@pytest.fixture
def search_index(transactional_db, django_db_serialized_rollback):
    """An empty search index and a database whose commits really happen, so
    that the index updates queued with ``on_commit`` run. The serialized
    rollback brings back what migrations put in (the 14 categories)."""
    from policybase.search.indexing import clear_index

    clear_index()
    yield
    clear_index()


@pytest.fixture
def store_drafts(search_index, media_dir, tmp_path):
    """Store drafts as if parsed from a file of their own, through ``store_file``;
    calls with the same ``content`` are the same file (by its hash)."""
    from ingest.store import store_file

    counter = itertools.count()

    def store(drafts, content=None):
        number = next(counter)
        path = tmp_path / f"source-{number}.txt"
        path.write_text(f"source {number}" if content is None else content, encoding="utf-8")
        return store_file(path, drafts)

    return store


@pytest.fixture
def media_dir(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "files"
    return settings.MEDIA_ROOT


@pytest.fixture(scope="session")
def data_dir():
    return Path(settings.DATA_DIR)


@pytest.fixture
def sample_copy(tmp_path):
    """A private copy of one sample file, so a test may ingest it freely."""

    def copy(name: str) -> Path:
        target = tmp_path / name
        shutil.copy(seed_path(name), target)
        return target

    return copy


@pytest.fixture(autouse=True)
def fresh_doubt_threshold():
    """The curators' 存疑阈值 is cached for a few seconds per process; a test
    starts from the database it sees (rolled back between tests), not from
    the value a previous test saved."""
    from policybase.catalog.models import _doubt_below_cache

    _doubt_below_cache.clear()
    yield
    _doubt_below_cache.clear()
