"""Fixtures for tests on the production stack: a PostgreSQL cluster for the
session, and per test module deployments with a database, a Redis and a data
dir of their own, and the processes started on them (see servers.Stack)."""

import itertools
import shutil
import tempfile
from pathlib import Path

import pytest
from django.conf import settings

from .servers import Postgres, Redis, Stack

# Seconds between inbox scans in these tests (the default is a minute).
INBOX_INTERVAL = "2"

_databases = itertools.count(1)


@pytest.fixture(scope="session")
def postgres():
    server = Postgres().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def classifier_file():
    """A trained clause classifier to copy into each data dir, so that no
    worker spends half a minute training one (the suite's own, when another
    test trained it already)."""
    path = settings.CLASSIFIER_PATH
    if not path.exists():
        from ingest.classify.data import load_labeled
        from ingest.classify.model import ClauseClassifier

        ClauseClassifier.train(*load_labeled(settings.SEED_CLAUSES)).save(path)
    return path


@pytest.fixture(scope="module")
def stack_factory(postgres, classifier_file):
    """Makes deployments: a fresh database, data dir and Redis each, migrated
    as a deployment is before its processes start."""
    stacks = []

    def make(model=True, **env) -> Stack:
        """``model=False``: a data dir as new as a first deployment's, with no
        trained classifier in it."""
        database = f"policybase_{next(_databases)}"
        postgres.execute(f"CREATE DATABASE {database}")
        data_dir = Path(tempfile.mkdtemp(prefix="policybase-ops-"))
        if model:
            shutil.copy(classifier_file, data_dir / "classifier.joblib")
        stack = Stack(postgres, database, Redis().start(), data_dir,
                      POLICYBASE_INBOX_INTERVAL=INBOX_INTERVAL, **env)  # fmt: skip
        stacks.append(stack)
        stack.manage("migrate", "--noinput")
        return stack

    yield make
    for stack in stacks:
        stack.stop()
        stack.redis.stop()
        shutil.rmtree(stack.data_dir, ignore_errors=True)
