"""From a file on disk to classified drafts, without touching the database.

``ingest --dry-run`` stops here; ``ingest.store`` writes what it returns.
"""

import logging
from dataclasses import dataclass, field
from pathlib import Path

from .categorize import categorize
from .drafts import DocumentDraft, UnreadableSource
from .parse import parse_path
from .paths import readable
from .readers import READERS

log = logging.getLogger(__name__)

SUPPORTED_SUFFIXES = set(READERS)


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
    except Exception as exc:  # a parser bug must cost one file, not the batch
        log.exception("parsing %s failed", path)
        return ParsedFile(
            path, error=f"解析失败（程序错误，已记录日志）：{type(exc).__name__}: {exc}"
        )
    categorize(documents)
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
