import re

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, URLValidator
from django.db import models
from django.utils import timezone


class IngestJob(models.Model):
    """One source file on its way into the catalogue."""

    class State(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "处理中"
        DONE = "done", "完成"
        FAILED = "failed", "失败"

    source = models.CharField("来源", max_length=1024)
    state = models.CharField("状态", max_length=16, choices=State.choices, default=State.QUEUED)
    message = models.TextField("消息", blank=True)
    warnings = models.JSONField("解析提示", default=list, blank=True)
    documents = models.ManyToManyField(
        "catalog.Document", verbose_name="文件", blank=True, related_name="ingest_jobs"
    )
    created = models.DateTimeField("创建时间", auto_now_add=True)
    started = models.DateTimeField("开始时间", null=True, blank=True)
    finished = models.DateTimeField("结束时间", null=True, blank=True)
    # Runs started: a run whose process died (out of memory, killed, past
    # its time limit) is started again, up to ingest.jobs.MAX_ATTEMPTS.
    attempts = models.PositiveSmallIntegerField("运行次数", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "入库任务"
        ordering = ["-created"]

    def __str__(self):
        return f"#{self.pk} {self.source}"

    def as_contract(self) -> dict:
        """The line of ``manage.py ingest_jobs --json`` (DESIGN §4.1)."""
        return {
            "id": self.pk,
            "source": self.source,
            "state": self.state,
            "message": self.message,
            "documents": list(self.documents.values_list("pk", flat=True)),
            "started": self.started.isoformat() if self.started else None,
            "finished": self.finished.isoformat() if self.finished else None,
            "attempts": self.attempts,
        }


class ModelVersion(models.Model):
    """One trained clause classifier, with what it learnt from and how well it did."""

    created = models.DateTimeField("训练时间", auto_now_add=True)
    file_name = models.CharField("模型文件", max_length=255)
    seed_samples = models.PositiveIntegerField("种子样本数")
    curated_samples = models.PositiveIntegerField("审核员样本数")
    # classify.data.labels_digest of the texts and labels it learnt from
    # (blank: not known); retraining is due when today's differ.
    data_digest = models.CharField("训练数据摘要", max_length=64, blank=True)
    # Cross-validated accuracy, macro_f1, top2_accuracy, ece and per-category scores.
    scores = models.JSONField("交叉验证成绩", default=dict, blank=True)
    relabelled = models.PositiveIntegerField("重新分类的条款数", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "分类模型版本"
        ordering = ["-created"]

    def __str__(self):
        created = timezone.localtime(self.created)
        return f"{created:%Y-%m-%d %H:%M} ({self.seed_samples}+{self.curated_samples})"

    @classmethod
    def newest_first(cls):
        """Versions, the one in use first: each training run, and a first-use
        training, writes the model file and then its row."""
        return cls.objects.order_by("-created", "-pk")

    @classmethod
    def in_use(cls):
        """The version of the model file in the data dir (None before any)."""
        return cls.newest_first().first()


def validate_pattern(value: str) -> None:
    try:
        re.compile(value)
    except re.error as error:
        raise ValidationError(f"不是有效的正则表达式：{error}") from error


class WebSource(models.Model):
    """A web page or feed that publishes policies, fetched on a schedule.

    The validators and the last check's outcome live here so that the next
    fetch can ask "changed since?" and an operator sees at a glance which
    sources work.
    """

    class Kind(models.TextChoices):
        PAGE = "page", "网页"
        FEED = "feed", "RSS/Atom 订阅"

    class Status(models.TextChoices):
        OK = "ok", "正常"
        NOT_MODIFIED = "not_modified", "未更新"
        PARTIAL = "partial", "部分链接失败"
        FAILED = "failed", "失败"

    name = models.CharField("名称", max_length=200)
    url = models.URLField(
        "网址", max_length=1024, validators=[URLValidator(schemes=["http", "https"])]
    )
    kind = models.CharField("类型", max_length=8, choices=Kind.choices, default=Kind.PAGE)
    link_pattern = models.CharField(
        "链接规则",
        max_length=500,
        blank=True,
        validators=[validate_pattern],
        help_text="正则表达式，只跟随网址与之匹配的链接，例如 /zhengce/content/ 。"
        "留空时，网页只跟随 PDF、DOCX、HTML、TXT 文件的链接，订阅跟随每一条目。"
        "无论如何只跟随同一网站的链接。",
    )
    max_links = models.PositiveSmallIntegerField(
        "每次最多跟随链接数",
        default=20,
        validators=[MinValueValidator(1), MaxValueValidator(500)],
    )
    enabled = models.BooleanField("定时抓取", default=True)
    # What the server said the last full response was, sent back as
    # If-None-Match / If-Modified-Since; "" when it said nothing.
    etag = models.CharField("ETag", max_length=255, blank=True)
    last_modified = models.CharField("Last-Modified", max_length=64, blank=True)
    last_checked = models.DateTimeField("上次抓取", null=True, blank=True)
    last_status = models.CharField("上次状态", max_length=16, choices=Status.choices, blank=True)
    last_message = models.TextField("上次结果", blank=True)
    files_found = models.PositiveIntegerField("累计新文件数", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "网页来源"
        ordering = ["name", "pk"]

    def __str__(self):
        return self.name
