"""Back up a deployment into one archive, and restore it into an empty one.

    manage.py backup  policybase-2026-11-23.tar.gz
    manage.py restore policybase-2026-11-23.tar.gz

The archive is a tar.gz holding, in this order:

    database.jsonl   every row of every model, history tables included (Django's
                     JSON Lines serializer, read in one database snapshot)
    media/ …         the original files documents were cut from (MEDIA_ROOT)
    uploads/ …       files operators uploaded (UPLOAD_DIR)
    inbox/ …         the inbox with its done/ and failed/ files (INBOX_DIR)
    model/classifier.joblib   the trained clause classifier
    manifest.json    rows per model, size and sha256 of every member, the
                     migrations applied, the version, the folders it came from

The database goes through Django's serializers rather than pg_dump or SQLite's
backup API: one format for both engines (a laptop's SQLite base moves to
PostgreSQL with it), no server tools of a matching version needed, and the
rows are counted, so a restore can prove it lost none. The search index is not
saved: it is derived from the database, and a restore rebuilds it.

The manifest comes last because each member's digest is taken from the very
bytes written to the archive (a file may change while it is read); a restore
unpacks everything into a staging folder, checks it against the manifest, and
only then touches the database and the data dir.
"""

import contextlib
import datetime as dt
import hashlib
import io
import json
import shutil
import tarfile
import tempfile
import tomllib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management import call_command
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import Value
from django.db.models.functions import Replace
from django.test.utils import override_settings

from policybase.search.indexing import rebuild_index

FORMAT = 1
DATABASE = "database.jsonl"
MANIFEST = "manifest.json"
MODEL = "model/classifier.joblib"
# Logged-in sessions are not worth keeping: people log in again.
NOT_SAVED = {"sessions"}


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and what to do."""


def folders() -> dict[str, Path]:
    """The data dir's folders a backup saves, by their name in the archive."""
    return {
        "media": Path(settings.MEDIA_ROOT),
        "uploads": Path(settings.UPLOAD_DIR),
        "inbox": Path(settings.INBOX_DIR),
    }


# --- backup ------------------------------------------------------------------


def backup(target: Path) -> dict:
    """Write the archive to ``target``; returns its manifest."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    # Written under another name first: a backup that breaks off never
    # looks like a complete one.
    partial = target.with_name(target.name + ".partial")
    try:
        with tempfile.TemporaryDirectory(prefix="policybase-backup-") as scratch:
            manifest = _write_archive(partial, Path(scratch) / DATABASE)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    partial.replace(target)
    return manifest


def _write_archive(path: Path, dump: Path) -> dict:
    rows = dump_database(dump)
    members = {}
    with tarfile.open(path, "w:gz") as archive:
        members[DATABASE] = _add(archive, DATABASE, dump)
        # After the database: every file a saved row points at exists by now.
        for name, file in saved_files():
            # An inbox file the worker moved on since it was listed is left
            # out: it is newer than the database snapshot anyway.
            with contextlib.suppress(FileNotFoundError):
                members[name] = _add(archive, name, file)
        manifest = _manifest(rows, members)
        payload = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
        info = tarfile.TarInfo(MANIFEST)
        info.size, info.mtime = len(payload), int(dt.datetime.now().timestamp())
        archive.addfile(info, io.BytesIO(payload))
    return manifest


def dump_database(path: Path) -> dict[str, int]:
    """Every row to ``path`` as JSON Lines, from one snapshot; returns rows per model."""
    serializer = serializers.get_serializer("jsonl")
    rows = {}
    with transaction.atomic(), path.open("w", encoding="utf-8") as out:
        if connection.vendor == "postgresql":
            # Otherwise each table is read as of its own moment, and a clause
            # committed meanwhile could arrive without its document.
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        for model in saved_models():
            # The base manager: no custom manager may hide rows.
            queryset = model._base_manager.order_by("pk")
            rows[model._meta.label_lower] = queryset.count()
            serializer().serialize(queryset.iterator(), stream=out, cls=ExactEncoder)
    return rows


def saved_models() -> list:
    """The models whose rows a backup holds (many-to-many pairs come with
    their model's rows, as in dumpdata)."""
    return [
        model
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy and model._meta.app_label not in NOT_SAVED
    ]


class ExactEncoder(DjangoJSONEncoder):
    """Django's encoder cuts times to the millisecond, so every timestamp would
    move a little in a round trip; a backup keeps the microseconds."""

    def default(self, o):
        if isinstance(o, dt.datetime | dt.time):
            return o.isoformat()
        return super().default(o)


def saved_files():
    """(name in the archive, path) of every file the backup saves."""
    for prefix, folder in folders().items():
        if folder.is_dir():
            for path in sorted(p for p in folder.rglob("*") if p.is_file()):
                yield f"{prefix}/{path.relative_to(folder).as_posix()}", path
    if Path(settings.CLASSIFIER_PATH).is_file():
        yield MODEL, Path(settings.CLASSIFIER_PATH)


class _Hashing(io.RawIOBase):
    """A file read through: the digest is of exactly the bytes tar copied."""

    def __init__(self, handle):
        self.handle, self.digest = handle, hashlib.sha256()

    def readable(self):
        return True

    def readinto(self, buffer):
        data = self.handle.read(len(buffer))
        self.digest.update(data)
        buffer[: len(data)] = data
        return len(data)


def _add(archive: tarfile.TarFile, name: str, path: Path) -> dict:
    with path.open("rb") as handle:
        info = archive.gettarinfo(fileobj=handle, arcname=name)
        hashing = _Hashing(handle)
        archive.addfile(info, hashing)
    return {"size": info.size, "sha256": hashing.digest.hexdigest()}


def _manifest(rows: dict[str, int], members: dict[str, dict]) -> dict:
    return {
        "format": FORMAT,
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "version": _version(),
        "database": connection.vendor,
        "migrations": applied_migrations(),
        "rows": rows,
        "folders": {name: str(folder) for name, folder in folders().items()},
        "members": members,
    }


def _version() -> str:
    pyproject = Path(settings.BASE_DIR) / "pyproject.toml"
    return tomllib.loads(pyproject.read_text())["project"]["version"]


def applied_migrations() -> list[str]:
    applied = MigrationRecorder(connection).applied_migrations()
    return sorted(f"{app}.{name}" for app, name in applied)


# --- restore -------------------------------------------------------------------


@dataclass
class Restored:
    manifest: dict
    rows: int
    files: int
    indexed: int


def restore(source: Path, force: bool = False, progress=lambda written: None) -> Restored:
    """Restore the archive at ``source`` into this deployment's database and
    data dir, then rebuild the search index (``progress(written)`` after each
    of its commits).

    Refuses a database that holds documents, jobs or users, or a data dir that
    holds files, unless ``force`` (which replaces them). Raises BackupError,
    with nothing changed, when the archive is damaged or incomplete or comes
    from another database schema.
    """
    call_command("migrate", "--noinput", "--verbosity", "0")
    if not force:
        _refuse_to_overwrite()
    data_dir = Path(settings.DATA_DIR)
    with tempfile.TemporaryDirectory(prefix=".restore-", dir=data_dir) as scratch:
        staging = Path(scratch)
        manifest = unpack(Path(source), staging)
        _check_migrations(manifest)
        with transaction.atomic():
            _load_database(staging / DATABASE, manifest)
            _move_job_sources(manifest)
        files = _put_files_in_place(staging, manifest)
    indexed = rebuild_index(progress=progress)
    return Restored(manifest, sum(manifest["rows"].values()), files, indexed)


def _refuse_to_overwrite() -> None:
    content = ["catalog.Document", "ingest.IngestJob", "auth.User"]
    held = [label for label in content if apps.get_model(label)._base_manager.exists()]
    if held:
        raise BackupError(
            f"数据库不是空的（已有 {'、'.join(held)}），未作任何改动。"
            "恢复到新的数据目录和空数据库，或加 --force 用备份替换现有内容。"
        )
    occupied = [str(folder) for folder in folders().values() if _has_files(folder)]
    if occupied:
        raise BackupError(
            f"数据目录里已有文件（{'、'.join(occupied)}），未作任何改动。"
            "恢复到新的数据目录，或加 --force 用备份替换它们。"
        )


def _has_files(folder: Path) -> bool:
    return folder.is_dir() and any(path.is_file() for path in folder.rglob("*"))


def unpack(source: Path, staging: Path) -> dict:
    """Unpack the archive into ``staging``, checking every member against the
    manifest; returns the manifest."""
    digests, manifest = {}, None
    try:
        with tarfile.open(source, "r:gz") as archive:
            for member in archive:
                if member.name == MANIFEST:
                    manifest = json.loads(archive.extractfile(member).read())
                    continue
                if not member.isfile():
                    raise BackupError(f"备份文件中有不该有的条目：{member.name}")
                target = staging / _safe_member_name(member.name)
                target.parent.mkdir(parents=True, exist_ok=True)
                digest = hashlib.sha256()
                with archive.extractfile(member) as data, target.open("xb") as out:
                    for block in iter(lambda: data.read(1 << 20), b""):
                        digest.update(block)
                        out.write(block)
                digests[member.name] = {"size": member.size, "sha256": digest.hexdigest()}
    except (tarfile.TarError, EOFError, OSError, json.JSONDecodeError) as error:
        raise BackupError(f"备份文件无法读取（不完整或已损坏）：{source}：{error}") from error
    if manifest is None:
        raise BackupError(f"备份文件缺少 {MANIFEST}（不完整，或不是 PolicyBase 的备份）：{source}")
    if manifest.get("format") != FORMAT:
        raise BackupError(f"不认识的备份格式 {manifest.get('format')!r}（本版本读取格式 {FORMAT}）")
    if digests != manifest["members"]:
        damaged = sorted(set(digests) ^ set(manifest["members"]))
        damaged += sorted(n for n in set(digests) & set(manifest["members"])
                          if digests[n] != manifest["members"][n])  # fmt: skip
        raise BackupError(f"备份内容与清单不符，未作任何改动：{'、'.join(damaged[:10])}")
    return manifest


def _safe_member_name(name: str) -> PurePosixPath:
    path = PurePosixPath(name)
    if (
        path.is_absolute()
        or ".." in path.parts
        or not (name in (DATABASE, MODEL) or path.parts[0] in folders())
    ):
        raise BackupError(f"备份文件中有不该有的路径：{name}")
    return path


def _check_migrations(manifest: dict) -> None:
    here, there = set(applied_migrations()), set(manifest["migrations"])
    if here != there:
        differ = sorted(here ^ there)
        raise BackupError(
            f"备份来自数据库结构不同的版本（{manifest['version']}），未作任何改动；"
            f"不同的迁移：{'、'.join(differ[:10])}。"
            "请用做备份的那个版本恢复，再升级。"
        )


def _load_database(dump: Path, manifest: dict) -> None:
    # Everything migrate put in (categories, groups, the schedule) is replaced
    # by the backup's rows, ids included.
    call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
    # loaddata checks foreign keys once all rows are in and moves PostgreSQL's
    # id sequences past the loaded ids.
    with _rows_as_saved():
        call_command("loaddata", str(dump), verbosity=0)
    counts = {label: apps.get_model(label)._base_manager.count() for label in manifest["rows"]}
    if counts != manifest["rows"]:
        wrong = [f"{label} {counts[label]}≠{n}" for label, n in manifest["rows"].items()
                 if counts[label] != n]  # fmt: skip
        raise BackupError(f"恢复后的行数与备份不符，已回滚：{'、'.join(wrong)}")


@contextlib.contextmanager
def _rows_as_saved():
    """Load rows as they were: no index write queued for each (the index is
    rebuilt once, at the end) and no history rows added (simple_history
    records the issuers a loaded document gets, raw or not). One mark does
    change: django-celery-beat's time the schedule last changed, which makes
    a running beat read the restored schedule."""
    signal_processor = apps.get_app_config("haystack").signal_processor
    signal_processor.teardown()
    try:
        with override_settings(SIMPLE_HISTORY_ENABLED=False):
            yield
    finally:
        signal_processor.setup()


def _move_job_sources(manifest: dict) -> None:
    """Jobs name their file by its absolute path: point them into this data dir."""
    # Looked up by name: a backup holds every app's rows, ingestion's too,
    # without this module standing on ingestion.
    IngestJob = apps.get_model("ingest", "IngestJob")  # noqa: N806 (a model class)
    for name, folder in folders().items():
        old = manifest["folders"].get(name)
        if old and old != str(folder):
            IngestJob.objects.filter(source__startswith=old + "/").update(
                source=Replace("source", Value(old + "/"), Value(f"{folder}/"))
            )


def _put_files_in_place(staging: Path, manifest: dict) -> int:
    # The folders the backup holds replace this data dir's (empty unless --force).
    for name, folder in folders().items():
        if (staging / name).is_dir():
            shutil.rmtree(folder, ignore_errors=True)
            folder.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(staging / name, folder)
    if (staging / MODEL).is_file():
        shutil.move(staging / MODEL, settings.CLASSIFIER_PATH)
    return sum(1 for name in manifest["members"] if name != DATABASE)
