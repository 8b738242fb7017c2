"""Check a web source once: its page or feed, then the policy files it links to.

Fetching stops at files on disk: each new file is kept under
DATA_DIR/sources/<source id>/<date>/ and handed to an ordinary ingest job,
the same as an upload, so parsing, storing and indexing have one path.
"""

import hashlib
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from policybase.catalog.models import Document

from ..jobs import create_job
from ..models import IngestJob, WebSource
from ..paths import readable
from ..pipeline import SUPPORTED_SUFFIXES
from ..store import file_sha256
from ..uploads import safe_name
from .fetch import (
    FEED_TYPES,
    FILE_SUFFIXES,
    FILE_TYPES,
    PAGE_TYPES,
    FetchError,
    Response,
    fetch,
    new_client,
)
from .links import feed_links, page_links, select_links

log = logging.getLogger(__name__)

# Suffixes a file served as one of these types may already carry.
EQUIVALENT_SUFFIXES = {".html": {".html", ".htm"}, ".txt": {".txt", ".md"}}
# The first bytes of a file served as application/octet-stream.
MAGIC_SUFFIXES = [(b"%PDF", ".pdf"), (b"PK\x03\x04", ".docx")]
# Failed links listed in a source's message; the rest are counted.
LISTED_FAILURES = 5


@dataclass
class SourceRun:
    """What one check of one source found; its summary is saved on the source."""

    source_id: int
    name: str
    status: str = WebSource.Status.OK
    message: str = ""
    jobs: list[int] = field(default_factory=list)
    known: list[str] = field(default_factory=list)  # links to files already taken in
    failed: list[tuple[str, str]] = field(default_factory=list)  # (link, why)
    transient: bool = False  # the source itself was unreachable: worth trying again soon

    def line(self) -> str:
        return (
            f"#{self.source_id} {self.name}：{WebSource.Status(self.status).label}。{self.message}"
        )


def run_sources(source_ids: list[int] | None = None) -> list[SourceRun]:
    """Check the sources named, or every enabled one; one failing never stops the others."""
    if source_ids is None:
        sources = WebSource.objects.filter(enabled=True)
    else:
        sources = WebSource.objects.filter(pk__in=source_ids)
    with new_client() as client:
        return [run_source(source, client) for source in sources.order_by("pk")]


def run_source(source: WebSource, client) -> SourceRun:
    """Check ``source`` once and record the outcome on it."""
    # Validators to save: None keeps the old ones.
    validators: tuple[str, str] | None = None
    try:
        run, validators = _check(source, client)
    except FetchError as error:
        run = SourceRun(source.pk, source.name, WebSource.Status.FAILED, f"无法获取来源：{error}")
        run.transient = error.transient
    except Exception as error:  # a bug or a full disk costs this source, not the others
        log.exception("checking web source %s failed", source.pk)
        run = SourceRun(
            source.pk,
            source.name,
            WebSource.Status.FAILED,
            f"抓取出错（程序错误，已记录日志）：{type(error).__name__}: {error}",
        )
    _record(source, run, validators)
    return run


def _check(source: WebSource, client) -> tuple[SourceRun, tuple[str, str] | None]:
    is_feed = source.kind == WebSource.Kind.FEED
    page = fetch(
        client,
        source.url,
        FEED_TYPES if is_feed else PAGE_TYPES,
        _max_bytes(),
        etag=source.etag,
        last_modified=source.last_modified,
    )
    if page.not_modified:
        message = "自上次抓取以来没有变化（HTTP 304）。"
        return SourceRun(source.pk, source.name, WebSource.Status.NOT_MODIFIED, message), None
    links = (feed_links if is_feed else page_links)(page.body, page.url)
    urls = select_links(links, page.url, source.link_pattern, files_only=not is_feed)
    followed = urls[: source.max_links]

    run = SourceRun(source.pk, source.name)
    folder = _source_folder(source)
    kept = _kept_files(folder)
    paths = []
    retry_links = False
    for url in followed:
        try:
            path = _take(client, url, folder, kept)
        except FetchError as error:
            run.failed.append((url, str(error)))
            retry_links |= error.transient
            continue
        if path is None:
            run.known.append(url)
        else:
            paths.append(path)
    with transaction.atomic():
        jobs = [create_job(path) for path in paths]
    run.jobs = [job.pk for job in jobs]  # queued by the caller (ingest.tasks.check_sources)
    if run.failed:
        run.status = WebSource.Status.PARTIAL
    run.message = _summary(run, len(urls), len(followed))
    # A link that failed for now is only fetched again if the page is, so the
    # next check must not be answered 304.
    return run, ("", "") if retry_links else (page.etag, page.last_modified)


def _take(client, url: str, folder: Path, kept: dict[int, list[Path]]) -> Path | None:
    """Download ``url`` and keep it under ``folder``; None when the same bytes
    are already in the catalogue or kept for a job of this source."""
    response = fetch(client, url, FILE_TYPES, _max_bytes())
    body = response.body
    sha256 = hashlib.sha256(body).hexdigest()
    if Document.objects.filter(source_sha256=sha256).exists() or any(
        file_sha256(path) == sha256 for path in kept[len(body)]
    ):
        return None
    name = file_name(response)
    day = folder / timezone.localdate().isoformat()
    day.mkdir(parents=True, exist_ok=True)
    path = _free_path(day, name)
    with path.open("xb") as out:
        out.write(body)
    kept[len(body)].append(path)
    return path


def _kept_files(folder: Path) -> dict[int, list[Path]]:
    """This source's files that went to an ingest job, by size.

    A file whose job failed counts as taken in: it would fail again, once an
    hour; the job's 重新运行 in the admin is the way to try it again.
    """
    prefix = readable(folder) + "/"
    kept = defaultdict(list)
    for source in IngestJob.objects.filter(source__startswith=prefix).values_list(
        "source", flat=True
    ):
        path = Path(source)
        if path.is_file():
            kept[path.stat().st_size].append(path)
    return kept


def file_name(response: Response) -> str:
    """A safe name for the downloaded file whose suffix picks the right reader.

    The server's name (Content-Disposition) or the URL's last step, with the
    suffix of the served type added when the name does not already carry it.
    Raises FetchError when a file served as bytes is of no type we read.
    """
    url_name = unquote(PurePosixPath(urlsplit(response.url).path).name)
    name = safe_name(response.filename or url_name or "index")
    suffix = PurePosixPath(name).suffix.lower()
    wanted = FILE_SUFFIXES.get(response.content_type)
    if wanted is None:  # served as bytes: trust a suffix we read, else the first bytes
        if suffix in SUPPORTED_SUFFIXES:
            return name
        wanted = next((s for magic, s in MAGIC_SUFFIXES if response.body.startswith(magic)), None)
        if wanted is None:
            raise FetchError(f"无法判断文件类型（{response.content_type}，{name}）")
    if suffix in EQUIVALENT_SUFFIXES.get(wanted, {wanted}):
        return name
    return safe_name(name + wanted)


def _free_path(folder: Path, name: str) -> Path:
    # Two links of one day may serve different files under one name (index.html).
    path = folder / name
    stem, suffix = path.stem, path.suffix
    number = 1
    while path.exists():
        number += 1
        path = folder / f"{stem}-{number}{suffix}"
    return path


def _summary(run: SourceRun, matched: int, followed: int) -> str:
    if not matched:
        return "没有找到符合链接规则的同站链接。"
    parts = [f"符合规则的链接 {matched} 个"]
    if followed < matched:
        parts.append(f"按上限只跟随前 {followed} 个")
    parts.append(f"新文件 {len(run.jobs)} 个")
    if run.known:
        parts.append(f"已入库过 {len(run.known)} 个")
    if run.failed:
        listed = "；".join(f"{url}（{why}）" for url, why in run.failed[:LISTED_FAILURES])
        more = len(run.failed) - LISTED_FAILURES
        parts.append(
            f"失败 {len(run.failed)} 个：{listed}" + (f"；另有 {more} 个" if more > 0 else "")
        )
    return "，".join(parts) + "。"


def _record(source: WebSource, run: SourceRun, validators: tuple[str, str] | None) -> None:
    source.last_checked = timezone.now()
    source.last_status, source.last_message = run.status, run.message
    source.files_found += len(run.jobs)
    fields = ["last_checked", "last_status", "last_message", "files_found"]
    if validators is not None:
        source.etag, source.last_modified = validators[0][:255], validators[1][:64]
        fields += ["etag", "last_modified"]
    # Only what a check decides, so that an operator's edit made meanwhile stays.
    source.save(update_fields=fields)


def _source_folder(source: WebSource) -> Path:
    return (Path(settings.DATA_DIR) / "sources" / str(source.pk)).resolve()


def _max_bytes() -> int:
    # A file too large to upload in the admin is too large to fetch.
    return settings.UPLOAD_MAX_MB << 20
