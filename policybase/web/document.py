"""What the document page shows besides the document itself."""

from urllib.parse import urlencode

from policybase.catalog.models import Document, PolicyAlias, Region
from policybase.catalog.review import other_copies
from policybase.text.doc_types import TRAILING_BRACKETS
from policybase.text.fold import fold

from .outline import category_mix, outline, structural_count
from .related import cited_policies, citing_documents, related_documents


def region_links(region: Region | None) -> list[tuple[str, str]]:
    """(name, search query string) for each level of a region: 浙江省 → province=浙江省,
    杭州市 → province=浙江省&city=杭州市 (a district's link names its province and
    city too: 朝阳区 is in 北京 and in 长春); national documents link to the
    national level."""
    if region is None:
        return []
    links, above = [], {}
    for node in region.lineage():
        if node.level == Region.Level.NATIONAL:
            links.append((node.name, urlencode({"level": node.level})))
        else:
            above[node.level] = node.name
            links.append((node.name, urlencode(above)))
    return links


def short_names(title: str, aliases: dict[str, str]) -> list[str]:
    """The names (简称) whose title this title ends with, brackets aside:
    数安法 for 中华人民共和国数据安全法, not for 数据安全法实施条例."""
    title = fold(TRAILING_BRACKETS.sub("", title))
    return [name for name, full in aliases.items() if title.endswith(fold(full))]


def document_context(document: Document) -> dict:
    clauses = list(document.clauses.all())
    page_outline = outline(clauses)
    by_category, by_group = category_mix(clauses)
    return {
        "outline": page_outline.entries,
        "rows": page_outline.rows,
        "category_mix": by_category,
        "group_mix": by_group,
        "structural_count": structural_count(clauses),
        "region_links": region_links(document.region),
        "short_names": short_names(
            document.title, dict(PolicyAlias.objects.values_list("name", "title"))
        ),
        "citations": cited_policies(document, clauses),
        "cited_by": citing_documents(document),
        "related": related_documents(document),
        "copies": other_copies(document),
        # A withdrawn version is no version an analyst can open.
        "later_versions": list(document.later_versions.visible()),
        "previous_version": visible_or_none(document.previous_version),
    }


def visible_or_none(document: Document | None) -> Document | None:
    return document if document is not None and document.is_visible else None
