"""What the document page shows besides the document itself."""

from urllib.parse import urlencode

from policybase.catalog.models import Document, Region
from policybase.catalog.review import other_copies

from .outline import category_mix, outline
from .related import cited_policies, citing_documents, related_documents


def region_links(region: Region | None) -> list[tuple[str, str]]:
    """(name, search query string) for each level of a region: 浙江省 → province=浙江省,
    杭州市 → city=杭州市; national documents link to the national level."""
    if region is None:
        return []
    links = []
    for node in region.lineage():
        if node.level == Region.Level.NATIONAL:
            links.append((node.name, urlencode({"level": node.level})))
        else:
            links.append((node.name, urlencode({node.level: node.name})))
    return links


def document_context(document: Document) -> dict:
    clauses = list(document.clauses.all())
    page_outline = outline(clauses)
    by_category, by_group = category_mix(clauses)
    return {
        "outline": page_outline.entries,
        "rows": page_outline.rows,
        "category_mix": by_category,
        "group_mix": by_group,
        "region_links": region_links(document.region),
        "citations": cited_policies(document, clauses),
        "cited_by": citing_documents(document),
        "related": related_documents(document),
        "copies": other_copies(document),
    }
