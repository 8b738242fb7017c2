"""Playwright drives Debian's Chromium against a live server that holds the
sample corpus (data/sample) in its database and its search index.

Playwright cannot download its own browsers here, so it launches the system
Chromium; the tests are skipped only when that is not installed."""

import io
import threading

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.test import override_settings
from django.utils import timezone
from playwright.sync_api import sync_playwright
from pytest_django.live_server_helper import LiveServer

from policybase.catalog.models import Clause, Document
from policybase.search.indexing import apply_index_changes, clear_index
from tests.chromium import CHROMIUM


@pytest.fixture(scope="package")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"browser tests need Debian's Chromium at {CHROMIUM}: apt-get install chromium")
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        # Between its calls Playwright's sync API leaves its event loop marked as
        # running in this thread, and Django then refuses the fixtures' database
        # work here (SynchronousOnlyOperation), though nothing runs concurrently.
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        yield browser
        browser.close()


@pytest.fixture(scope="package")
def corpus_server(django_db_setup, django_db_blocker, tmp_path_factory):
    """A threaded WSGI server on loopback over the sample corpus, ingested once
    for all browser tests: ingesting takes seconds and the tests only read.

    This is the server of pytest-django's ``live_server`` without that fixture:
    it flushes the database after every test, which would take the corpus with
    it. The corpus is committed for real, so that the search index is written
    as in production, and taken away afterwards the way Django's serialized
    rollback does it: flush, then the rows the migrations made back."""
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("browser-media")),
    ):
        migrated = connection.creation.serialize_db_to_string()
        clear_index()
        server = LiveServer("127.0.0.1", start=False)
        # Let WhiteNoise serve /static/ as it does in production, rather than
        # Django's test handler, which would hide a broken static setup; the
        # handler in its place only completes what requests leave for commit.
        server.thread.static_handler = committing
        try:
            call_command("ingest", settings.SAMPLE_CORPUS, stdout=io.StringIO())
            server.start()
            try:
                yield server.url
            finally:
                stop(server)
        finally:
            clear_index()
            call_command("flush", interactive=False, verbosity=0, inhibit_post_migrate=True)
            connection.creation.deserialize_db_from_string(migrated)


def committing(application):
    """Run what a request queued for after its commit (the search index
    update) when the request ends, in the request's thread, as its commit
    would have. The requests run inside the test's transaction, which never
    commits, so nothing queued with ``on_commit`` would run otherwise."""

    def respond(environ, start_response):
        response = application(environ, start_response)
        while connection.run_on_commit:
            _, callback, _ = connection.run_on_commit.pop(0)
            callback()
        return response

    return respond


def stop(server: LiveServer) -> None:
    """Stop the server once it has answered everything. A request thread that
    is still closing a keep-alive connection uses the shared database
    connection, and Django refuses that once the server's sharing is undone.
    Every browser context is closed by now, so the threads end at once."""
    for thread in threading.enumerate():
        # Threads of socketserver's ThreadingMixIn, named "Thread-N (target)".
        if thread.name.endswith("(process_request_thread)"):
            thread.join(timeout=10)
    server.stop()


@pytest.fixture
def live_url(corpus_server, db):
    """The server's address. Each test runs in a transaction rolled back after
    it (the server shares the test's in-memory SQLite connection), so nothing a
    test does reaches the next one; the index writes of a test that edits are
    undone by ``index_restored``."""
    return corpus_server


@pytest.fixture
def index_restored(live_url):
    """For a test that edits through the admin: its edits leave the database
    with the test's rollback, but the index writes they caused are on disk.
    Every edit is on record (django-simple-history), so afterwards the
    documents it touched are written to the index again, from the database as
    it was before the test; clauses it created leave the index."""
    start = timezone.now()
    savepoint = transaction.savepoint()
    yield
    documents = set(Document.history.filter(history_date__gte=start).values_list("id", flat=True))
    clauses = list(Clause.history.filter(history_date__gte=start).values_list("id", "document_id"))
    transaction.savepoint_rollback(savepoint)
    documents.update(document for _, document in clauses)
    apply_index_changes(documents, [clause for clause, _ in clauses])


@pytest.fixture
def page(browser, live_url):
    """A fresh browser context per test, addressed relative to the live server.
    A page that throws a JavaScript error, or an asset of the site that fails
    to load, fails the test."""
    context = browser.new_context(base_url=live_url, locale="zh-CN", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors = []

    def failed(response):
        if response.status >= 400 and response.request.resource_type != "document":
            errors.append(f"{response.status} {response.url}")

    page.on("pageerror", lambda error: errors.append(f"JavaScript: {error}"))
    page.on("response", failed)
    yield page
    context.close()
    assert not errors, errors
