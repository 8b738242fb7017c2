from django.contrib import admin

from .review import queue_counts


class PolicyBaseAdminSite(admin.AdminSite):
    site_header = "PolicyBase 管理"
    site_title = "PolicyBase"
    index_title = "政策库管理"
    index_template = "admin/policybase_index.html"

    def index(self, request, extra_context=None):
        # The review queue heads the index page, so the work waiting is visible
        # to those who do it: operators could not open its lists.
        context = extra_context or {}
        if request.user.has_perms(["catalog.change_document", "catalog.change_clause"]):
            context = {"review_queues": queue_counts(), **context}
        return super().index(request, context)
