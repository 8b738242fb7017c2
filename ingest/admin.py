from django.contrib import admin

from .models import IngestJob


@admin.register(IngestJob)
class IngestJobAdmin(admin.ModelAdmin):
    list_display = ["pk", "source", "state", "message", "started", "finished"]
    list_filter = ["state"]
    search_fields = ["source", "message"]
    readonly_fields = ["created", "started", "finished", "documents", "warnings"]
