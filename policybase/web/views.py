from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from policybase.catalog.models import Category, Clause, Document
from policybase.search.highlight import highlight
from policybase.search.query import all_matching_clauses, search, similar_clauses
from policybase.search.suggest import suggest_filters

from . import excerpts, facets, instruments, versions
from .document import document_context
from .document_docx import document_docx
from .exports import TABLE_FORMATS, csv_response, export_name, table_response
from .forms import SORT_LABELS, SearchForm
from .outline import category_mix, outline
from .records import clause_record, document_record
from .version_table import comparison_docx


def _documents(request):
    """Documents this visitor may read: staff see withdrawn ones too."""
    documents = Document.objects.select_related("region__parent__parent").prefetch_related(
        "issuers", "clauses__category"
    )
    return documents if request.user.is_staff else documents.visible()


# Parameters the search box shows as inputs; any other filter rides along hidden.
SEARCH_BOX_FIELDS = {
    "q",
    "scope",
    "sort",
    "group",
    "standing",
    "page",
    "date_from",
    "date_to",
    "effective_from",
    "effective_to",
    "format",
}


@require_GET
def search_page(request):
    form = SearchForm(request.GET)
    context = {"form": form, "form_fields": SEARCH_BOX_FIELDS}
    if not form.is_valid():
        return render(request, "web/search.html", context, status=400)
    if form.cleaned_data["format"] in TABLE_FORMATS:
        return search_export(request, form)
    results = search(
        form.cleaned_data["q"],
        form.filters(),
        form.page_number,
        form.scope_name,
        form.sort_name,
        form.by_document,
    )
    suggestions = suggest_filters(
        form.cleaned_data["q"], results.query, form.filters(), form.scope_name
    )
    # 按文件: the facets count the documents they would list.
    counts = (
        facets.document_facets(results.query, form.filters(), form.scope_name, results.facets)
        if form.by_document
        else results.facets
    )
    context.update(
        results=results,
        facet_groups=facets.facet_groups(request.GET, counts),
        active_filters=facets.active_filters(request.GET),
        suggestions=facets.suggestion_links(request.GET, suggestions),
        page_links=page_window(results.page, results.num_pages),
    )
    # A page past the end is no page: 404, with the way to the last one.
    status = 404 if results.page > results.num_pages else 200
    return render(request, "web/search.html", context, status=status)


def _site(request) -> str:
    """The site's address, which links in exported files start with."""
    return request.build_absolute_uri("/").removesuffix("/")


def search_export(request, form: SearchForm):
    """Every clause of a search as the analyst's CSV or Excel file, the
    workbook's second sheet naming the search."""
    data = form.cleaned_data
    params = request.GET.copy()
    for name in ("format", "page"):
        params.pop(name, None)
    page = reverse("search") + (f"?{params.urlencode()}" if params else "")
    about = [
        ("检索词", data["q"] or "（无：按筛选条件浏览）"),
        ("检索范围", "仅标题" if form.scope_name == "title" else "全文"),
        ("排序", SORT_LABELS[form.sort_name]),
        *((label, shown) for _, label, shown in facets.filters_in_force(request.GET)),
        ("检索页面", request.build_absolute_uri(page)),
    ]
    clauses = all_matching_clauses(data["q"], form.filters(), form.scope_name, form.sort_name)
    name = export_name("政策检索", data["q"])
    return table_response(data["format"], clauses, _site(request), name, about)


def page_window(page: int, num_pages: int, around: int = 2) -> list[int | None]:
    """Page numbers to link: the first, the last and those around ``page``;
    None marks a gap."""
    wanted = {1, num_pages, *range(page - around, page + around + 1)}
    numbers = sorted(n for n in wanted if 1 <= n <= num_pages)
    window: list[int | None] = []
    for number in numbers:
        if window and number - window[-1] > 1:
            window.append(None)
        window.append(number)
    return window


@require_GET
def document_page(request, pk):
    document = get_object_or_404(_documents(request), pk=pk)
    if request.GET.get("format") == "docx":
        rows = outline(list(document.clauses.all())).rows
        page_url = request.build_absolute_uri(document.get_absolute_url())
        content = document_docx(document, rows, page_url, timezone.localdate())
        return _docx_attachment(content, f"{document.title[:80]}.docx")
    context = {"document": document, **document_context(document)}
    return render(request, "web/document.html", context)


DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _docx_attachment(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=DOCX_TYPE)
    # filename* carries a Chinese title; plain ASCII names stay filename="…".
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


@require_GET
def version_diff(request, old, new):
    documents = _documents(request)
    old, new = get_object_or_404(documents, pk=old), get_object_or_404(documents, pk=new)
    comparison = versions.Comparison.of(list(old.clauses.all()), list(new.clauses.all()))
    if request.GET.get("format") == "json":  # every row, for scripts
        return JsonResponse(
            {
                "old": old.pk,
                "new": new.pk,
                "counts": comparison.counts(),
                "rows": comparison.records(),
            },
            json_dumps_params={"ensure_ascii": False},
        )
    show_all = request.GET.get("all") == "1"
    if request.GET.get("format") == "docx":
        table = comparison_docx(old, new, comparison.shown(show_all))
        return _docx_attachment(table, f"policybase-diff-{old.pk}-{new.pk}.docx")
    context = {
        "old": old,
        "new": new,
        "sides": [("旧版", old), ("新版", new)],
        "items": comparison.items(show_all),
        "counts": comparison.counts(),
        "show_all": show_all,
    }
    return render(request, "web/versions.html", context)


@require_GET
def similar_page(request, pk):
    clause = get_object_or_404(Clause.objects.select_related("document"), pk=pk)
    if not (clause.document.is_visible or request.user.is_staff):
        raise Http404("没有这个条款")
    similar = similar_clauses(clause)
    # One-character terms (a 税, a 云) would mark half the text.
    marked = [term for term in similar.terms if len(term) > 1]
    hits = [(other, highlight(other.text, marked)) for other in similar.clauses]
    if request.GET.get("format") == "json":
        return JsonResponse(
            {
                "clause_id": clause.pk,
                "terms": similar.terms,
                "results": [clause_record(other, marks) for other, marks in hits],
            },
            json_dumps_params={"ensure_ascii": False},
        )
    context = {"clause": clause, "hits": hits, "terms": marked}
    return render(request, "web/similar.html", context)


def _requested_ids(request, limit: int) -> tuple[list[int], bool]:
    """The ids of ``?ids=12,40,7``, at most ``limit``, and whether there were
    more; a ValueError says which piece is no id."""
    ids = excerpts.parse_ids(request.GET.get("ids", ""))
    return ids[:limit], len(ids) > limit


@require_GET
def excerpts_page(request):
    context = {"max_excerpts": excerpts.MAX_EXCERPTS}
    try:
        ids, context["truncated"] = _requested_ids(request, excerpts.MAX_EXCERPTS)
    except ValueError as error:
        return render(request, "web/excerpts.html", {**context, "error": error}, status=400)
    clauses = (
        Clause.objects.filter(pk__in=ids, document__in=_documents(request))
        .select_related("document__region__parent__parent", "category")
        .prefetch_related("document__issuers")
    )
    groups = excerpts.by_document(clauses, ids)
    kind = request.GET.get("format")
    if kind == "docx":
        page_url = request.build_absolute_uri(f"{request.path}?ids={excerpts.ids_param(ids)}")
        content = excerpts.excerpts_docx(groups, page_url, timezone.localdate())
        return _docx_attachment(content, f"政策条文摘编-{timezone.localdate():%Y%m%d}.docx")
    if kind in TABLE_FORMATS:
        page_url = request.build_absolute_uri(f"{request.path}?ids={excerpts.ids_param(ids)}")
        about = [("摘编", f"选取的条款，出自 {len(groups)} 份文件"), ("摘编页面", page_url)]
        clauses = (clause for group in groups for clause in group.clauses)
        return table_response(kind, clauses, _site(request), export_name("政策条文摘编"), about)
    found = sum(len(group.items) for group in groups)
    documents = [group.document.pk for group in groups]
    context.update(
        groups=groups,
        # Two or more policies among them can be compared instrument by instrument.
        compare_ids=excerpts.ids_param(documents[: instruments.MAX_DOCUMENTS])
        if len(documents) > 1
        else "",
        max_compared=instruments.MAX_DOCUMENTS,
        found=found,
        missing=len(ids) - found,
        ids=excerpts.ids_param(ids),
    )
    return render(request, "web/excerpts.html", context)


@require_GET
def instrument_comparison(request):
    context = {"max_documents": instruments.MAX_DOCUMENTS}
    try:
        ids, context["truncated"] = _requested_ids(request, instruments.MAX_DOCUMENTS)
    except ValueError as error:
        return render(request, "web/instruments.html", {**context, "error": error}, status=400)
    found = _documents(request).in_bulk(ids)
    documents = [found[pk] for pk in ids if pk in found]
    rows = instruments.by_instrument(
        Category.objects.all(), [list(document.clauses.all()) for document in documents]
    )
    if request.GET.get("format") == "json":  # clause ids; /api/documents/<id> has the rest
        return JsonResponse(
            instruments.comparison_record(documents, rows),
            json_dumps_params={"ensure_ascii": False},
        )
    if request.GET.get("format") == "docx":
        page_url = request.build_absolute_uri(f"{request.path}?ids={excerpts.ids_param(ids)}")
        content = instruments.comparison_docx(documents, rows, page_url, timezone.localdate())
        return _docx_attachment(content, f"政策对照-{timezone.localdate():%Y%m%d}.docx")
    shown = [document.pk for document in documents]
    left_out = instruments.structural_counts(rows, len(documents))
    context.update(
        # Each policy with the query that leaves it out, its mix of the three
        # groups and how many 非政策工具 clauses the mix leaves out.
        documents=[
            (
                document,
                excerpts.ids_param(pk for pk in shown if pk != document.pk),
                category_mix(document.clauses.all())[1],
                structural,
            )
            for document, structural in zip(documents, left_out, strict=True)
        ],
        rows=rows,
        missing=len(ids) - len(documents),
        ids=excerpts.ids_param(shown),
    )
    return render(request, "web/instruments.html", context)


@require_GET
def document_source(request, pk):
    document = get_object_or_404(_documents(request), pk=pk)
    if not document.source_file:
        raise Http404("原始文件不存在")
    return FileResponse(
        document.source_file.open("rb"), as_attachment=True, filename=document.source_name
    )


@require_GET
def api_search(request):
    form = SearchForm(request.GET)
    if not form.is_valid():
        return JsonResponse(
            {"error": "参数无效", "fields": form.errors.get_json_data()}, status=400
        )
    query, filters, scope, sort = (
        form.cleaned_data["q"],
        form.filters(),
        form.scope_name,
        form.sort_name,
    )
    if form.cleaned_data["format"] == "csv":  # for scripts: DESIGN §4.2's header
        return csv_response(all_matching_clauses(query, filters, scope, sort), _site(request))
    if form.cleaned_data["format"] == "xlsx":  # Excel is read by people
        return search_export(request, form)
    # The API always lists clauses (DESIGN §4.2); grouping by document is the page's view.
    page = search(query, filters, form.page_number, scope, sort)
    if page.page > page.num_pages:
        return JsonResponse(
            {
                "error": f"没有第 {page.page} 页：共 {page.num_pages} 页",
                "count": page.count,
                "num_pages": page.num_pages,
            },
            status=404,
            json_dumps_params={"ensure_ascii": False},
        )
    return JsonResponse(
        {
            "count": page.count,
            "page": page.page,
            "num_pages": page.num_pages,
            "results": [clause_record(hit.clause, hit.highlight) for hit in page.hits],
            "facets": page.facets,
            "notes": page.notes,
        },
        json_dumps_params={"ensure_ascii": False},
    )


@require_GET
def api_document(request, pk):
    document = _documents(request).filter(pk=pk).first()
    if document is None:
        return JsonResponse({"error": f"没有编号为 {pk} 的文件"}, status=404)
    return JsonResponse(document_record(document), json_dumps_params={"ensure_ascii": False})


FAVICON = settings.BASE_DIR / "static" / "favicon" / "favicon.ico"


@require_GET
@cache_control(max_age=7 * 24 * 3600, public=True)
def favicon(request):
    """/favicon.ico, which browsers and feed readers ask for whatever the page links."""
    return FileResponse(FAVICON.open("rb"), content_type="image/x-icon")
