from django.contrib import admin

from .models import Category, Clause, Document, Issuer, Region

admin.site.site_header = "PolicyBase 管理"
admin.site.site_title = "PolicyBase"


class ClauseInline(admin.TabularInline):
    model = Clause
    fields = ["order", "number", "text", "category", "confidence", "category_source"]
    readonly_fields = ["confidence"]
    extra = 0
    ordering = ["order"]


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ["title", "doc_number", "region", "publish_date", "doc_type", "has_full_text"]
    list_filter = ["doc_type", "has_full_text", "region__level"]
    search_fields = ["title", "doc_number"]
    date_hierarchy = "publish_date"
    autocomplete_fields = ["issuers", "region"]
    readonly_fields = ["source_name", "source_sha256", "created", "updated"]
    inlines = [ClauseInline]


@admin.register(Clause)
class ClauseAdmin(admin.ModelAdmin):
    list_display = ["__str__", "category", "confidence", "category_source"]
    list_filter = ["needs_review", "category", "category_source"]
    search_fields = ["text", "document__title"]
    raw_id_fields = ["document"]

    def save_model(self, request, obj, form, change):
        # A category a person chose, or confirmed by clearing 待复核, is theirs:
        # the model never overwrites it and it needs no more review.
        confirmed = "needs_review" in form.changed_data and not obj.needs_review
        if "category" in form.changed_data or confirmed:
            obj.category_source = Clause.CategorySource.CURATOR
            obj.needs_review = False
        super().save_model(request, obj, form, change)


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "level", "code"]
    list_filter = ["level"]
    search_fields = ["name"]


@admin.register(Issuer)
class IssuerAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["id", "name", "group", "slug"]
