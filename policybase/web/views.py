import csv

from django.http import FileResponse, Http404, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from policybase.catalog.models import Category, Document, Region
from policybase.search.query import all_matching_clauses, search

from .forms import SearchForm
from .records import CSV_COLUMNS, clause_csv_row, clause_record, document_record


def _documents():
    return Document.objects.select_related("region__parent__parent").prefetch_related(
        "issuers", "clauses__category"
    )


@require_GET
def search_page(request):
    form = SearchForm(request.GET)
    context = {"form": form, "categories": Category.objects.all(), "levels": Region.Level}
    if form.is_valid():
        results = search(form.cleaned_data["q"], form.filters(), form.page_number, form.scope_name)
        context["results"] = results
        context["facet_groups"] = facet_groups(request, results.facets)
        status = 200
    else:
        status = 400
    return render(request, "web/search.html", context, status=status)


@require_GET
def document_page(request, pk):
    document = get_object_or_404(_documents(), pk=pk)
    return render(request, "web/document.html", {"document": document})


@require_GET
def document_source(request, pk):
    document = get_object_or_404(Document, pk=pk)
    if not document.source_file:
        raise Http404("原始文件不存在")
    return FileResponse(
        document.source_file.open("rb"), as_attachment=True, filename=document.source_name
    )


FACET_TITLES = {
    "level": "层级",
    "province": "地区",
    "category": "政策工具",
    "doc_type": "文种",
    "year": "发布年份",
    "status": "状态",
}


def facet_groups(request, facets):
    """Facet options as links that set one filter (or clear it) and keep the others."""
    names = dict(Category.objects.values_list("id", "name"))
    groups = []
    for name, title in FACET_TITLES.items():
        options = []
        for value, count in facets.get(name, {}).items():
            if value in (None, ""):
                continue
            # A year is a publish-date range; the other facets are filters of their own.
            if name == "year":
                wanted = {"date_from": f"{value}-01-01", "date_to": f"{value}-12-31"}
            else:
                wanted = {name: str(value)}
            params = request.GET.copy()
            params.pop("page", None)
            active = all(params.get(k) == v for k, v in wanted.items())
            for key, val in wanted.items():
                if active:
                    params.pop(key)
                else:
                    params[key] = val
            if name == "category":
                label = names.get(int(value), value)
            elif name == "level":
                label = Region.Level(value).label
            else:
                label = value
            options.append(
                {"label": label, "count": count, "active": active, "query": params.urlencode()}
            )
        if name == "year":
            options.sort(key=lambda o: o["label"], reverse=True)
        groups.append({"name": name, "title": title, "options": options})
    return groups


class _Echo:
    def write(self, value):
        return value


@require_GET
def api_search(request):
    form = SearchForm(request.GET)
    if not form.is_valid():
        return JsonResponse(
            {"error": "参数无效", "fields": form.errors.get_json_data()}, status=400
        )
    query, filters, scope = form.cleaned_data["q"], form.filters(), form.scope_name
    if form.cleaned_data["format"] == "csv":
        writer = csv.writer(_Echo())
        rows = (clause_csv_row(c) for c in all_matching_clauses(query, filters, scope))
        response = StreamingHttpResponse(
            (writer.writerow(row) for row in _with_header(rows)),
            content_type="text/csv; charset=utf-8",
        )
        response["Content-Disposition"] = 'attachment; filename="policybase-clauses.csv"'
        return response
    page = search(query, filters, form.page_number, scope)
    return JsonResponse(
        {
            "count": page.count,
            "page": page.page,
            "num_pages": page.num_pages,
            "results": [clause_record(hit.clause, hit.highlight) for hit in page.hits],
            "facets": page.facets,
        },
        json_dumps_params={"ensure_ascii": False},
    )


def _with_header(rows):
    yield CSV_COLUMNS
    yield from rows


@require_GET
def api_document(request, pk):
    document = _documents().filter(pk=pk).first()
    if document is None:
        return JsonResponse({"error": f"没有编号为 {pk} 的文件"}, status=404)
    return JsonResponse(document_record(document), json_dumps_params={"ensure_ascii": False})
