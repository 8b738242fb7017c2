"""Playwright drives Debian's Chromium against a live server that holds the
sample corpus (data/sample) in its database and its Whoosh index.

Playwright cannot download its own browsers here, so it launches the system
Chromium; the tests are skipped only when that is not installed."""

import io
import threading

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from playwright.sync_api import sync_playwright
from pytest_django.live_server_helper import LiveServer

from policybase.search.indexing import clear_index
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
        # Django's test handler, which would hide a broken static setup.
        server.thread.static_handler = lambda application: application
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
    test does reaches the next one."""
    return corpus_server


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
