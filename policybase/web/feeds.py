"""Follow a search: any search URL as an Atom feed of its newest clauses, so an
analyst's feed reader shows what was ingested since the last look."""

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from policybase.search.query import search

from .forms import SearchForm


class SearchFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request):
        form = SearchForm(request.GET)
        if not form.is_valid():
            raise Http404("检索参数无效")
        return form

    def title(self, form):
        query = form.cleaned_data["q"]
        return f"PolicyBase 检索订阅：{query}" if query else "PolicyBase 新入库条款"

    def subtitle(self, form):
        return "符合检索条件的最新入库条款"

    def link(self, form):
        return f"{reverse('search')}?{self._query(form)}"

    def feed_url(self, form):
        # rel=self: this feed, query and filters included (Django's default is the bare path).
        return f"{reverse('search-feed')}?{self._query(form)}"

    @staticmethod
    def _query(form) -> str:
        params = form.data.copy()
        for name in ("page", "format"):
            params.pop(name, None)
        return params.urlencode()

    def items(self, form):
        # One page of results: the latest ingested clauses that match.
        return search(
            form.cleaned_data["q"], form.filters(), scope=form.scope_name, sort="ingested"
        ).hits

    def item_title(self, hit):
        clause = hit.clause
        return f"{clause.document.title} {clause.label}".strip()

    def item_description(self, hit):
        return hit.highlight

    def item_link(self, hit):
        return hit.clause.get_absolute_url()

    def item_pubdate(self, hit):
        return hit.clause.document.created

    def item_updateddate(self, hit):
        return hit.clause.document.updated

    def item_categories(self, hit):
        return [hit.clause.category.name] if hit.clause.category else []
