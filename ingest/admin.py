from collections import Counter
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Count, Subquery
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from policybase.catalog.models import Category

from .classify.charts import confusion_heatmap, reliability_diagram
from .forms import UploadForm
from .models import IngestJob, ModelVersion, WebSource
from .schedule import retraining_time
from .tasks import fetch_sources, queue_jobs
from .training import training_data
from .uploads import rerun_failed, submit_uploads

# The headline scores of a version, in the order the page shows them.
HEADLINE = [
    ("macro_f1", "宏平均 F1", "各类别 F1 的平均，每类同等重要"),
    ("accuracy", "准确率", "最可能的类别即正确类别的比例"),
    ("top2_accuracy", "前两名命中率", "正确类别在模型前两个候选之中的比例"),
    ("ece", "期望校准误差（ECE）", "置信度与实际准确率之差的加权平均，越小越好"),
    ("log_loss", "对数损失", "正确类别概率的负对数平均，越小越好"),
]


# Colours of the job states; the state's name is always written beside it.
STATE_COLOURS = {
    IngestJob.State.QUEUED: "#767676",
    IngestJob.State.RUNNING: "#2f6fb3",
    IngestJob.State.DONE: "#2e7d32",
    IngestJob.State.FAILED: "#c62828",
}


def source_name(job: IngestJob) -> str:
    # The source is the file's full path (uploads sit in a folder of their own).
    return Path(job.source).name


def format_duration(duration: timedelta) -> str:
    seconds = duration.total_seconds()
    if seconds < 60:
        return f"{seconds:.1f} 秒"
    minutes, seconds = divmod(round(seconds), 60)
    if minutes < 60:
        return f"{minutes} 分 {seconds:02d} 秒"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} 小时 {minutes:02d} 分"


@admin.register(IngestJob)
class IngestJobAdmin(admin.ModelAdmin):
    """Jobs are records of what happened to a file, not forms: the upload page
    is how one is added, and "重新运行" the only change."""

    list_display = [
        "pk",
        "file_name",
        "state_badge",
        "message",
        "document_count",
        "started",
        "finished",
        "duration",
        "attempts",
    ]
    list_display_links = ["pk", "file_name"]
    list_filter = ["state"]
    search_fields = ["source", "message"]
    fields = [
        "source",
        "state_badge",
        "message",
        "document_count",
        "created",
        "started",
        "finished",
        "duration",
        "attempts",
        "warning_list",
    ]
    readonly_fields = fields
    actions = ["rerun"]

    def get_urls(self):
        upload = path(
            "upload/",
            self.admin_site.admin_view(self.upload_view),
            name="ingest_ingestjob_upload",
        )
        return [upload, *super().get_urls()]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(document_count=Count("documents"))

    def has_change_permission(self, request, obj=None):
        return False

    def add_view(self, request, form_url="", extra_context=None):
        return redirect("admin:ingest_ingestjob_upload")

    def upload_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        posted = request.method == "POST"
        form = UploadForm(request.POST, request.FILES) if posted else UploadForm()
        if posted and form.is_valid():
            jobs = submit_uploads(form.cleaned_data["files"])
            queue_jobs(jobs)
            ids = [job.pk for job in jobs]
            self.report_submitted(request, ids)
            changelist = reverse("admin:ingest_ingestjob_changelist")
            return redirect(f"{changelist}?{urlencode({'id__in': ','.join(map(str, ids))})}")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "上传政策文件",
            "form": form,
        }
        return TemplateResponse(request, "admin/ingest/ingestjob/upload.html", context)

    def report_submitted(self, request, ids):
        # Run eagerly, the jobs are finished by now; with a worker they are still queued.
        states = Counter(IngestJob.objects.filter(pk__in=ids).values_list("state", flat=True))
        parts = [f"{IngestJob.State(state).label} {count} 个" for state, count in states.items()]
        failed = states[IngestJob.State.FAILED]
        self.message_user(
            request,
            f"已提交 {len(ids)} 个文件：{'，'.join(parts)}。排队中和处理中的任务请稍后刷新本页查看。",
            messages.WARNING if failed else messages.SUCCESS,
        )

    @admin.action(description="重新运行所选的失败任务", permissions=["add"])
    def rerun(self, request, queryset):
        queued, missing = rerun_failed(queryset)
        queue_jobs(queued)
        if queued:
            self.message_user(request, f"已重新提交 {len(queued)} 个失败的任务。", messages.SUCCESS)
        if missing:
            names = "、".join(source_name(job) for job in missing)
            self.message_user(
                request,
                f"{len(missing)} 个任务的文件已不在原处，未能重新运行：{names}。请重新上传。",
                messages.WARNING,
            )
        if not queued and not missing:
            self.message_user(request, "所选任务中没有失败的任务，未做任何改动。", messages.INFO)

    @admin.display(description="文件", ordering="source")
    def file_name(self, job):
        return format_html('<span title="{}">{}</span>', job.source, source_name(job))

    @admin.display(description="状态", ordering="state")
    def state_badge(self, job):
        return format_html(
            '<strong style="color: {}">{}</strong>',
            STATE_COLOURS[job.state],
            job.get_state_display(),
        )

    @admin.display(description="文件数", ordering="document_count")
    def document_count(self, job):
        # The documents the job stored, or found already stored from the same bytes.
        if not job.document_count:
            return 0
        documents = reverse("admin:catalog_document_changelist")
        return format_html(
            '<a href="{}?{}">{} 篇</a>',
            documents,
            urlencode({"ingest_jobs__id__exact": job.pk}),
            job.document_count,
        )

    @admin.display(description="用时")
    def duration(self, job):
        if job.started and job.finished:
            return format_duration(job.finished - job.started)
        return "—"

    @admin.display(description="解析提示")
    def warning_list(self, job):
        if not job.warnings:
            return "无"
        items = format_html_join("", "<li>{}</li>", ((warning,) for warning in job.warnings))
        return format_html('<ul class="warnings">{}</ul>', items)


def _score(version: ModelVersion, key: str) -> str:
    value = version.scores.get(key)
    return "—" if value is None else f"{value:.3f}"


@admin.register(ModelVersion)
class ModelVersionAdmin(admin.ModelAdmin):
    """Read-only: versions are made by ``manage.py train`` and first-use training.
    A version's page is its score page, not a form."""

    list_display = [
        "created",
        "live",
        "samples",
        "macro_f1",
        "top2_accuracy",
        "ece",
        "relabelled",
    ]
    list_display_links = ["created"]

    def get_queryset(self, request):
        live = ModelVersion.newest_first().values("pk")[:1]
        return super().get_queryset(request).annotate(live_pk=Subquery(live))

    @admin.display(description="在用", boolean=True)
    def live(self, version):
        return version.pk == version.live_pk

    @admin.display(description="样本（种子 + 审核员）")
    def samples(self, version):
        return f"{version.seed_samples} + {version.curated_samples}"

    @admin.display(description="宏平均 F1")
    def macro_f1(self, version):
        return _score(version, "macro_f1")

    @admin.display(description="前两名命中率")
    def top2_accuracy(self, version):
        return _score(version, "top2_accuracy")

    @admin.display(description="ECE")
    def ece(self, version):
        return _score(version, "ece")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        # Whether the curators' corrections are in the model yet: they ask.
        data = training_data()
        current = ModelVersion.in_use()
        if current is not None and current.data_digest == data.digest:
            messages.info(
                request, f"在用模型已学过当前的种子数据和全部 {data.curated_count} 条审核员修正。"
            )
        else:
            if current is None or not current.data_digest:
                why = "在用模型没有记下它学过哪些数据"
            else:
                why = f"种子数据或审核员修正的类别（现有 {data.curated_count} 条修正）与在用模型学过的不同"
            messages.warning(request, f"{why}：{_when_retrained()}")
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        version = self.get_object(request, unquote(object_id))
        if version is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_permission(request, version):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"分类模型成绩：{version}",
            "version": version,
            "has_view_permission": True,
            **score_page(version),
        }
        return TemplateResponse(request, "admin/ingest/modelversion/scores.html", context)


def _when_retrained() -> str:
    """What will bring the model up to date, by the schedule as it stands."""
    when = retraining_time()
    if when is None:
        return "定时任务“重新训练分类模型”已停用，请运行 python manage.py train。"
    return f"定时任务“重新训练分类模型”会在{when} 重新训练，也可以立即运行 python manage.py train。"


def score_page(version: ModelVersion) -> dict:
    """What the score page shows of ``version``; empty lists without scores."""
    scores = version.scores
    live = version == ModelVersion.in_use()
    if not scores.get("per_category"):
        return {"live": live, "headline": [], "categories": []}
    per_category = {int(key): value for key, value in scores["per_category"].items()}
    categories = list(Category.objects.order_by("id"))
    names = {category.id: category.name for category in categories}
    return {
        "live": live,
        "headline": [
            {"label": label, "help": help_text, "value": scores[key]}
            for key, label, help_text in HEADLINE
            if key in scores
        ],
        "categories": [
            {"category": category, **per_category[category.id]}
            for category in categories
            if category.id in per_category
        ],
        # The charts escape every text they draw.
        "heatmap": mark_safe(
            confusion_heatmap(scores, [names.get(i, str(i)) for i in range(len(per_category))])
        ),
        "reliability": mark_safe(reliability_diagram(scores)),
    }


# Colours of a source's last status; the status's name is always written beside it.
SOURCE_STATUS_COLOURS = {
    WebSource.Status.OK: "#2e7d32",
    WebSource.Status.NOT_MODIFIED: "#767676",
    WebSource.Status.PARTIAL: "#b26a00",
    WebSource.Status.FAILED: "#c62828",
}


@admin.register(WebSource)
class WebSourceAdmin(admin.ModelAdmin):
    """Operators list the pages and feeds to watch; the schedule (or "立即抓取")
    fills in how the last check went."""

    list_display = [
        "name",
        "kind",
        "url_link",
        "enabled",
        "status_badge",
        "short_message",
        "last_checked",
        "files_found",
    ]
    list_filter = ["kind", "enabled", "last_status"]
    search_fields = ["name", "url", "last_message"]
    fieldsets = [
        (None, {"fields": ["name", "url", "kind", "link_pattern", "max_links", "enabled"]}),
        (
            "上次抓取",
            {
                "fields": [
                    "last_checked",
                    "status_badge",
                    "last_message",
                    "files_found",
                    "etag",
                    "last_modified",
                ]
            },
        ),
    ]
    readonly_fields = [
        "last_checked",
        "status_badge",
        "last_message",
        "files_found",
        "etag",
        "last_modified",
    ]
    actions = ["fetch_now"]
    # An address typed without a scheme: government sites answer on https.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    @admin.action(description="立即抓取", permissions=["change"])
    def fetch_now(self, request, queryset):
        ids = list(queryset.values_list("pk", flat=True))
        started = timezone.now()
        try:
            fetch_sources.delay(source_ids=ids)
        except Exception as error:  # the broker is down
            self.message_user(
                request, f"未能提交抓取任务：{type(error).__name__}: {error}", messages.ERROR
            )
            return
        # Run eagerly, the checks are over by now; with a worker they are still queued.
        checked = WebSource.objects.filter(pk__in=ids, last_checked__gte=started)
        states = Counter(checked.values_list("last_status", flat=True))
        parts = [f"{WebSource.Status(state).label} {count} 个" for state, count in states.items()]
        waiting = len(ids) - checked.count()
        text = f"已抓取 {len(ids) - waiting} 个来源"
        text += f"：{'，'.join(parts)}。" if parts else "。"
        if waiting:
            text += f"{waiting} 个已排队，请稍后刷新本页查看。"
        trouble = states[WebSource.Status.FAILED] or states[WebSource.Status.PARTIAL]
        self.message_user(request, text, messages.WARNING if trouble else messages.SUCCESS)

    @admin.display(description="网址", ordering="url")
    def url_link(self, source):
        return format_html(
            '<a href="{}" rel="noreferrer" target="_blank">{}</a>',
            source.url,
            Truncator(source.url).chars(60),
        )

    @admin.display(description="上次状态", ordering="last_status")
    def status_badge(self, source):
        if not source.last_status:
            return "尚未抓取"
        return format_html(
            '<strong style="color: {}">{}</strong>',
            SOURCE_STATUS_COLOURS[source.last_status],
            source.get_last_status_display(),
        )

    @admin.display(description="上次结果")
    def short_message(self, source):
        return format_html(
            '<span title="{}">{}</span>',
            source.last_message,
            Truncator(source.last_message).chars(80),
        )
