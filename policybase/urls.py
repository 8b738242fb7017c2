from django.contrib import admin
from django.urls import path

from policybase.web import views
from policybase.web.feeds import SearchFeed
from policybase.web.health import healthz
from policybase.web.views_compare import compare_page
from policybase.web.views_statistics import statistics_page

urlpatterns = [
    path("", views.search_page, name="search"),
    path("documents/<int:pk>/", views.document_page, name="document"),
    path("documents/<int:pk>/source", views.document_source, name="document-source"),
    path("documents/<int:old>/diff/<int:new>/", views.version_diff, name="document-diff"),
    path("documents/compare/", views.instrument_comparison, name="documents-compare"),
    path("clauses/<int:pk>/similar/", views.similar_page, name="similar-clauses"),
    path("excerpts/", views.excerpts_page, name="excerpts"),
    path("feed/", SearchFeed(), name="search-feed"),
    path("stats/", statistics_page, name="statistics"),
    path("compare/", compare_page, name="compare"),
    path("api/search", views.api_search, name="api-search"),
    path("api/documents/<int:pk>", views.api_document, name="api-document"),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
]
