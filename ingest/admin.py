from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Subquery
from django.template.response import TemplateResponse
from django.utils.safestring import mark_safe

from policybase.catalog.models import Category

from .classify.charts import confusion_heatmap, reliability_diagram
from .models import IngestJob, ModelVersion

# The headline scores of a version, in the order the page shows them.
HEADLINE = [
    ("macro_f1", "宏平均 F1", "各类别 F1 的平均，每类同等重要"),
    ("accuracy", "准确率", "最可能的类别即正确类别的比例"),
    ("top2_accuracy", "前两名命中率", "正确类别在模型前两个候选之中的比例"),
    ("ece", "期望校准误差（ECE）", "置信度与实际准确率之差的加权平均，越小越好"),
    ("log_loss", "对数损失", "正确类别概率的负对数平均，越小越好"),
]


@admin.register(IngestJob)
class IngestJobAdmin(admin.ModelAdmin):
    list_display = ["pk", "source", "state", "message", "started", "finished"]
    list_filter = ["state"]
    search_fields = ["source", "message"]
    readonly_fields = ["created", "started", "finished", "documents", "warnings"]


def newest_first():
    """Versions, the one in use first: each training run, and a first-use
    training, writes the model file and then its row."""
    return ModelVersion.objects.order_by("-created", "-pk")


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
        live = newest_first().values("pk")[:1]
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


def score_page(version: ModelVersion) -> dict:
    """What the score page shows of ``version``; empty lists without scores."""
    scores = version.scores
    live = version.pk == newest_first().values_list("pk", flat=True).first()
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
