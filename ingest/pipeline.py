"""From a file on disk to classified drafts, without touching the database.

``ingest --dry-run`` stops here; ``ingest.store`` writes what it returns.
"""

import logging
from dataclasses import dataclass, field
from pathlib import Path

from .categorize import ClassifierUnavailable, categorize
from .drafts import DocumentDraft, UnreadableSource
from .parse import parse_path
from .paths import readable
from .readers import READERS

log = logging.getLogger(__name__)

SUPPORTED_SUFFIXES = set(READERS)
NO_POLICY = (
    "文件里没有找到政策文件：既没有带文种的标题（办法、意见、通知……），也没有编号的条款。"
    "请确认这是政策文件；若是，请检查转换出的文本是否完整、是否保留了换行。"
)

# A worker's pool process has a memory limit (settings.WORKER_MEMORY_LIMIT_MB).
MEMORY_EXCEEDED = (
    "解析时超出处理进程的内存上限：文件可能过大或已损坏。请拆分文件后重新提交，"
    "或由运维调高 POLICYBASE_WORKER_MEMORY_LIMIT_MB。"
)


@dataclass
class ParsedFile:
    path: Path
    documents: list[DocumentDraft] = field(default_factory=list)
    error: str | None = None

    @property
    def source(self) -> str:
        return readable(self.path.name)


def parse_file(path: Path) -> ParsedFile:
    """Parse and classify one file; a file that cannot be read carries ``error``."""
    try:
        documents = parse_path(path)
    except UnreadableSource as exc:
        return ParsedFile(path, error=str(exc))
    except OSError as exc:
        return ParsedFile(path, error=f"无法读取文件：{exc.strerror or exc}")
    except MemoryError:
        return ParsedFile(path, error=MEMORY_EXCEEDED)
    except Exception as exc:  # a parser bug must cost one file, not the batch
        log.exception("parsing %s failed", path)
        return ParsedFile(
            path, error=f"解析失败（程序错误，已记录日志）：{type(exc).__name__}: {exc}"
        )
    if not documents:
        # Stored, it would be a done job with nothing in it, and the dry run
        # would print no line for it at all: the operator would never know.
        return ParsedFile(path, error=NO_POLICY)
    try:
        categorize(documents)
    except ClassifierUnavailable as exc:
        return ParsedFile(path, error=str(exc))
    return ParsedFile(path, documents)


def collect_files(paths: list[Path]) -> list[Path]:
    """The files named, and the supported files inside the folders named."""
    found = []
    for path in paths:
        if path.is_dir():
            found.extend(
                sorted(
                    p
                    for p in path.rglob("*")
                    if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES
                )
            )
        else:
            found.append(path)
    return found
