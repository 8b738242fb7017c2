"""The curators' admin: documents with their clauses inline, clause review in
bulk, the review queue, and every change on record (django-simple-history)."""

import json
from urllib.parse import urlencode

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from simple_history.admin import SimpleHistoryAdmin

from policybase.text.doc_types import STATUS_WORDS
from policybase.text.issuers import canonical_issuer

from . import curation
from .models import Category, ClassifierSettings, Clause, Document, Issuer, PolicyAlias, Region
from .review import (
    CLAUSE_QUEUE,
    DOCUMENT_QUEUES,
    IMPACT_ORDER,
    by_impact,
    other_copies,
    reflag_model_clauses,
)


class QueueFilter(admin.SimpleListFilter):
    title = "待处理"
    parameter_name = "queue"

    def lookups(self, request, model_admin):
        return [(name, label) for name, (label, _) in DOCUMENT_QUEUES.items()]

    def queryset(self, request, queryset):
        if self.value() in DOCUMENT_QUEUES:
            return queryset.filter(DOCUMENT_QUEUES[self.value()][1]()).distinct()
        return queryset


class ClauseQueueFilter(admin.SimpleListFilter):
    """The clauses the admin index counts as waiting: flagged ones, except in
    withdrawn documents, which nobody reviews."""

    title = "待处理"
    parameter_name = "queue"

    def lookups(self, request, model_admin):
        return [("review", "待复核的条款")]

    def queryset(self, request, queryset):
        if self.value() == "review":
            return queryset.filter(CLAUSE_QUEUE)
        return queryset


class StatusFilter(admin.SimpleListFilter):
    title = "状态标记"
    parameter_name = "status_flag"

    def lookups(self, request, model_admin):
        return [(flag, flag) for flag in STATUS_WORDS]

    def queryset(self, request, queryset):
        if self.value():
            # JSON list membership, matched in the JSON text: SQLite stores it
            # with \u escapes ("\u8bd5\u884c"), PostgreSQL's jsonb prints 试行.
            flag = self.value()
            return queryset.filter(
                Q(status__icontains=json.dumps(flag)) | Q(status__icontains=f'"{flag}"')
            )
        return queryset


class ProvinceFilter(admin.SimpleListFilter):
    title = "省份"
    parameter_name = "province"

    def lookups(self, request, model_admin):
        return [(r.pk, r.name) for r in Region.objects.filter(level=Region.Level.PROVINCE)]

    def queryset(self, request, queryset):
        if pk := self.value():
            # The province, its cities and their districts.
            return queryset.filter(
                Q(region_id=pk) | Q(region__parent_id=pk) | Q(region__parent__parent_id=pk)
            )
        return queryset


class ClauseInline(admin.TabularInline):
    model = Clause
    fields = [
        "order",
        "number",
        "text",
        "category",
        "confidence",
        "needs_review",
        "category_source",
    ]
    readonly_fields = ["confidence", "category_source"]
    extra = 0
    ordering = ["order"]
    show_change_link = True
    formfield_overrides = {
        # Clause text is long; a compact box keeps the list readable.
        Clause._meta.get_field("text").__class__: {
            "widget": forms.Textarea(attrs={"rows": 2, "cols": 80})
        }
    }


class CuratedHistoryAdmin(SimpleHistoryAdmin):
    """Every change made on an admin page says in its history what it was
    (修改原因); the curation functions name their own."""

    def save_model(self, request, obj, form, change):
        if not getattr(obj, "_change_reason", None):
            obj._change_reason = _page_reason(request, change)
        super().save_model(request, obj, form, change)


def _page_reason(request, change: bool) -> str:
    # simple-history's revert is its history form view, saved through save_model.
    if request.resolver_match.url_name.endswith("_simple_history"):
        return "恢复到历史版本"
    return "在后台修改" if change else "在后台新建"


class DocumentForm(forms.ModelForm):
    """状态 as boxes to tick, not the JSON list the model stores."""

    status = forms.MultipleChoiceField(
        label="状态", required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Document
        fields = ["status"]  # the admin adds those of its fieldsets
        # Titles run to forty characters and more; the default box shows twenty.
        widgets = {"title": forms.TextInput(attrs={"style": "width: 40em; max-width: 100%"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A word stored that is not one of ours (set by hand or by an older
        # release) stays offered, so saving the page never drops it.
        stored = [word for word in self.instance.status if word not in STATUS_WORDS]
        self.fields["status"].choices = [(word, word) for word in (*STATUS_WORDS, *stored)]

    def clean_status(self):
        # Kept in the stored order (the title's), so that saving the page for
        # another field records no change of 状态 in the history.
        ticked = self.cleaned_data["status"]
        kept = [word for word in self.instance.status if word in ticked]
        return kept + [word for word in ticked if word not in kept]


@admin.register(Document)
class DocumentAdmin(CuratedHistoryAdmin):
    form = DocumentForm
    list_display = [
        "title",
        "doc_number",
        "region",
        "publish_date",
        "doc_type",
        "review_state",
        "validity",
        "has_full_text",
        "clause_count",
    ]
    list_filter = [
        QueueFilter,
        "review_state",
        "validity",
        "doc_type",
        StatusFilter,
        "has_full_text",
        "region__level",
        ProvinceFilter,
    ]
    search_fields = ["title", "doc_number"]
    date_hierarchy = "publish_date"
    autocomplete_fields = ["issuers", "region", "previous_version", "duplicate_of"]
    readonly_fields = [
        "source_link",
        "source_sha256",
        "warning_list",
        "created",
        "updated",
        "copies",
    ]
    fieldsets = [
        (None, {"fields": ["title", "doc_number", "issuers", "region", "doc_type", "status"]}),
        (
            "日期",
            {"fields": ["publish_date", "effective_date", "expiry_date", "legislative_history"]},
        ),
        (
            "审核与效力",
            {
                "fields": [
                    "review_state",
                    "validity",
                    "previous_version",
                    "duplicate_of",
                    "copies",
                ]
            },
        ),
        (
            "来源",
            {
                "fields": [
                    "source_link",
                    "source_sha256",
                    "has_full_text",
                    "warning_list",
                    "created",
                    "updated",
                ]
            },
        ),
    ]
    inlines = [ClauseInline]
    actions = ["mark_reviewed", "publish", "withdraw", "merge_duplicates"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(clause_total=Count("clauses"))

    @admin.display(description="条款数", ordering="clause_total")
    def clause_count(self, document):
        return document.clause_total

    @admin.display(description="同一政策的其他来源")
    def copies(self, document):
        # What 疑似重复 groups this document with, and how the texts differ,
        # for deciding which copy to keep (the 合并重复 action).
        if document.pk is None:
            return "—"
        links = [
            format_html(
                '<a href="{}">{}</a>（{}）{}',
                reverse("admin:catalog_document_change", args=[copy.pk]),
                copy.title,
                copy.source_name,
                format_html(
                    ' · <a href="{}">对比文本</a>',
                    reverse("document-diff", args=[copy.pk, document.pk]),
                )
                if copy.has_full_text and document.has_full_text
                else "",
            )
            for copy in other_copies(document)
        ]
        return format_html_join(mark_safe("<br>"), "{}", ((link,) for link in links)) or "—"

    @admin.display(description="原始文件")
    def source_link(self, document):
        if not document.source_file:
            return document.source_name
        url = reverse("document-source", args=[document.pk])
        return format_html('<a href="{}">{}</a>', url, document.source_name)

    @admin.display(description="解析提示")
    def warning_list(self, document):
        if not document.warnings:
            return "—"
        items = format_html("".join("<li>{}</li>" for _ in document.warnings), *document.warnings)
        return format_html("<ul>{}</ul>", items)

    def save_formset(self, request, form, formset, change):
        # A category chosen in the inline is a curator's, like one set on the clause page.
        if formset.model is Clause:
            for clause_form in formset.forms:
                clause_form.instance._change_reason = "在文件页修改条款"
                if clause_form.has_changed() and "category" in clause_form.changed_data:
                    clause_form.instance.category_source = Clause.CategorySource.CURATOR
                    clause_form.instance.needs_review = False
        super().save_formset(request, form, formset, change)

    def _set_state(self, request, queryset, state, verb):
        changed = curation.set_review_state(queryset, state)
        self.message_user(request, f"{changed} 份文件已{verb}。", messages.SUCCESS)

    @admin.action(description="标记为已审核", permissions=["change"])
    def mark_reviewed(self, request, queryset):
        self._set_state(request, queryset, Document.ReviewState.REVIEWED, "审核")

    @admin.action(description="发布", permissions=["change"])
    def publish(self, request, queryset):
        self._set_state(request, queryset, Document.ReviewState.PUBLISHED, "发布")

    @admin.action(description="撤回（分析人员将看不到）", permissions=["change"])
    def withdraw(self, request, queryset):
        self._set_state(request, queryset, Document.ReviewState.WITHDRAWN, "撤回")

    @admin.action(description="合并所选的重复文件（保留全文较完整的一份）", permissions=["change"])
    def merge_duplicates(self, request, queryset):
        documents = list(queryset)
        if len(documents) < 2:
            self.message_user(request, "请至少选择两份文件。", messages.WARNING)
            return
        kept = curation.merge_duplicates(documents)
        self.message_user(
            request,
            format_html(
                "已合并 {} 份文件，保留 <a href='{}'>{}</a>。",
                len(documents) - 1,
                reverse("admin:catalog_document_change", args=[kept.pk]),
                kept.title,
            ),
            messages.SUCCESS,
        )


class CategoryActionForm(admin.helpers.ActionForm):
    category = forms.ModelChoiceField(
        Category.objects.all(), required=False, label="政策工具", empty_label="（设置类别时选择）"
    )


@admin.register(Clause)
class ClauseAdmin(CuratedHistoryAdmin):
    list_display = [
        "document_title",
        "number",
        "excerpt",
        "category",
        "confidence_shown",
        "candidates",
        "needs_review",
        "category_source",
        "wording_copies",
    ]
    list_filter = [
        ClauseQueueFilter,
        "needs_review",
        "category_source",
        "category",
        "document__review_state",
    ]
    search_fields = ["text", "document__title"]
    list_select_related = ["document", "category"]
    raw_id_fields = ["document"]
    readonly_fields = ["confidence", "top", "category_source"]
    action_form = CategoryActionForm
    actions = ["set_category", "mark_reviewed", "merge_clauses"]

    @admin.display(description="文件", ordering="document__title")
    def document_title(self, clause):
        return clause.document.title

    def get_queryset(self, request):
        # The review queue is ordered by impact (ClauseAdmin.get_ordering),
        # computed over the rows the filters keep.
        if request.GET.get("queue") == "review":
            return by_impact(self.model._default_manager.get_queryset())
        return super().get_queryset(request)

    def get_ordering(self, request):
        # The review queue in the order of by_impact (whose annotations the
        # queue filter adds), unless a column is sorted.
        if request.GET.get("queue") == "review" and "o" not in request.GET:
            return IMPACT_ORDER
        return super().get_ordering(request)

    @admin.display(description="同样措辞待复核")
    def wording_copies(self, clause):
        return getattr(clause, "wording_copies", "—")

    @admin.display(description="条文")
    def excerpt(self, clause):
        return clause.text[:80] + ("…" if len(clause.text) > 80 else "")

    def get_changelist_instance(self, request):
        # The candidates column names categories on every row: one query for
        # the page, not one per row (a hundred on the review list).
        changelist = super().get_changelist_instance(request)
        names = dict(Category.objects.values_list("id", "name"))
        for clause in changelist.result_list:
            clause.category_names = names
        return changelist

    @admin.display(description="置信度", ordering="confidence")
    def confidence_shown(self, clause):
        return "—" if clause.confidence is None else f"{clause.confidence:.2f}"

    @admin.display(description="模型候选")
    def candidates(self, clause):
        names = getattr(clause, "category_names", None)
        if names is None and clause.top:
            names = dict(Category.objects.values_list("id", "name"))
        return "；".join(f"{names.get(c, c)} {p:.2f}" for c, p in clause.top)

    def save_model(self, request, obj, form, change):
        # A category a person chose, or confirmed by clearing 待复核, is theirs:
        # the model never overwrites it and it needs no more review.
        confirmed = "needs_review" in form.changed_data and not obj.needs_review
        if "category" in form.changed_data or confirmed:
            obj.category_source = Clause.CategorySource.CURATOR
            obj.needs_review = False
        super().save_model(request, obj, form, change)

    @admin.action(description="设置类别（在上方选择政策工具）", permissions=["change"])
    def set_category(self, request, queryset):
        category = CategoryActionForm(request.POST).data.get("category")
        if not category:
            self.message_user(request, "请先在“政策工具”中选择类别。", messages.WARNING)
            return
        changed = curation.confirm_categories(queryset, int(category))
        self.message_user(request, f"{changed} 条条款已设为新类别。", messages.SUCCESS)

    @admin.action(description="确认类别（标记为已复核）", permissions=["change"])
    def mark_reviewed(self, request, queryset):
        changed = curation.confirm_categories(queryset)
        self.message_user(request, f"{changed} 条条款已确认。", messages.SUCCESS)

    @admin.action(description="合并所选条款（同一文件）", permissions=["change"])
    def merge_clauses(self, request, queryset):
        try:
            kept = curation.merge_clauses(list(queryset))
        except ValueError as error:
            self.message_user(request, str(error), messages.ERROR)
            return
        self.message_user(request, f"已合并为 {kept}。", messages.SUCCESS)

    def get_urls(self):
        split = self.admin_site.admin_view(self.split_view)
        return [
            path("<int:pk>/split/", split, name="catalog_clause_split"),
            *super().get_urls(),
        ]

    def split_view(self, request, pk):
        clause = get_object_or_404(Clause.objects.select_related("document"), pk=pk)
        if not self.has_change_permission(request, clause):
            return redirect("admin:index")
        form = SplitForm(request.POST or None, initial={"text": clause.text})
        if request.method == "POST" and form.is_valid():
            with transaction.atomic():
                parts = curation.split_clause(clause, form.cleaned_data["parts"])
            self.message_user(request, f"已拆分为 {len(parts)} 条。", messages.SUCCESS)
            return redirect("admin:catalog_document_change", clause.document_id)
        context = {
            **self.admin_site.each_context(request),
            "title": "拆分条款",
            "clause": clause,
            "form": form,
            "opts": self.model._meta,
        }
        return render(request, "admin/catalog/clause/split.html", context)


class SplitForm(forms.Form):
    text = forms.CharField(
        label="条文",
        widget=forms.Textarea(attrs={"rows": 14, "cols": 100}),
        help_text="在要拆开的位置插入一个空行；每段成为一条条款。",
    )

    def clean(self):
        data = super().clean()
        parts = [p.strip() for p in data.get("text", "").replace("\r\n", "\n").split("\n\n")]
        parts = [p for p in parts if p]
        if len(parts) < 2:
            raise forms.ValidationError("没有找到空行：请在要拆开的位置插入一个空行。")
        data["parts"] = parts
        return data


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "level", "code"]
    list_filter = ["level"]
    search_fields = ["name"]


class IssuerForm(forms.ModelForm):
    class Meta:
        model = Issuer
        fields = ["name", "region"]

    def clean_name(self):
        # Ingestion stores every issuer folded (simplified, full name of a
        # national body); a name typed here is folded alike, or the issuer
        # facet would count 国家网信办 and 国家互联网信息办公室 apart.
        typed = self.cleaned_data["name"]
        name = canonical_issuer(typed)
        if Issuer.objects.filter(name=name).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(
                f"已有发文机关“{name}”（“{typed}”按简体和全称归并后即是它），请直接选用。"
            )
        return name


@admin.register(Issuer)
class IssuerAdmin(CuratedHistoryAdmin):
    form = IssuerForm
    search_fields = ["name"]


@admin.register(PolicyAlias)
class PolicyAliasAdmin(admin.ModelAdmin):
    list_display = ["name", "title", "in_base"]
    search_fields = ["name", "title"]

    @admin.display(description="库中文件")
    def in_base(self, alias):
        """Whether the policy itself is in the base (a title holding the
        full name), with the search the name runs: a curator sees at once
        whether a name leads anywhere."""
        count = Document.objects.visible().filter(title__contains=alias.title).count()
        search = f"{reverse('search')}?{urlencode({'q': alias.name})}"
        return format_html('{} 份 · <a href="{}">检索“{}”</a>', count, search, alias.name)


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["id", "name", "group", "slug"]


@admin.register(ClassifierSettings)
class ClassifierSettingsAdmin(admin.ModelAdmin):
    """One row: the 存疑阈值. Saving it re-flags the clauses the model labelled."""

    fields = ["doubt_below"]

    def has_add_permission(self, request):
        return not ClassifierSettings.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        # A list of one row is a detour: open the row (the defaults until saved).
        current = ClassifierSettings.current()
        if current._state.adding:
            return redirect("admin:catalog_classifiersettings_add")
        return redirect("admin:catalog_classifiersettings_change", current.pk)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        changed = reflag_model_clauses(obj.doubt_below)
        self.message_user(
            request,
            f"存疑阈值已设为 {obj.doubt_below:.2f}；{changed} 条条款的待复核标记随之改变。",
            messages.SUCCESS,
        )
