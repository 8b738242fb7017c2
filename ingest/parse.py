"""The pipeline without the database: read → clean → split → metadata → clauses."""

from dataclasses import replace
from pathlib import Path

from .clauses import split_clauses
from .clean import clean
from .drafts import DocumentDraft, RawText
from .metadata import extract_metadata
from .readers import read
from .split import split_documents

WORD_FORMATS = {"doc", "docx"}


def parse_raw(raw: RawText) -> list[DocumentDraft]:
    drafts = []
    first_of_title: dict[str, DocumentDraft] = {}
    hint = clean(raw.fields.get("title", ""))
    # A Word file's paragraphs are its own; other formats break lines by layout.
    text = clean(raw.text, paragraphs=raw.format in WORD_FORMATS)
    documents = split_documents(text, raw.source, hint)
    # A page's labelled fields describe the page's one document.
    fields = raw.fields if len(documents) == 1 else {}
    for draft in documents:
        first = first_of_title.setdefault(draft.title, draft)
        if first is not draft:
            # A compilation lists a policy where it belongs first and again under
            # regions it also applies to; the later listing is not that region's.
            draft.region, draft.issuers = replace(first.region), list(first.issuers)
        extract_metadata(draft, draft.filed_under if first is draft else "", fields)
        draft.clauses = split_clauses(draft) if draft.has_full_text else []
        draft.warnings = raw.warnings + draft.warnings
        if draft.has_full_text and not draft.clauses:
            draft.warnings.append("正文没有切分出条款")
        drafts.append(draft)
    return drafts


def parse_path(path: Path) -> list[DocumentDraft]:
    """Parse one file; ``UnreadableSource`` when it cannot be read at all."""
    return parse_raw(read(path))
