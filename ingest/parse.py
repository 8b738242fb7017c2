"""The pipeline without the database: read → clean → split → metadata → clauses."""

from pathlib import Path

from .clauses import split_clauses
from .clean import clean
from .drafts import DocumentDraft, RawText
from .metadata import extract_metadata
from .readers import read
from .split import split_documents


def parse_raw(raw: RawText) -> list[DocumentDraft]:
    drafts = []
    for draft in split_documents(clean(raw.text), raw.source):
        extract_metadata(draft, draft.filed_under)
        draft.clauses = split_clauses(draft) if draft.has_full_text else []
        draft.warnings = raw.warnings + draft.warnings
        if draft.has_full_text and not draft.clauses:
            draft.warnings.append("正文没有切分出条款")
        drafts.append(draft)
    return drafts


def parse_path(path: Path) -> list[DocumentDraft]:
    """Parse one file; ``UnreadableSource`` when it cannot be read at all."""
    return parse_raw(read(path))
