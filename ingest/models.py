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
        }


class ModelVersion(models.Model):
    """One trained clause classifier, with what it learnt from and how well it did."""

    created = models.DateTimeField("训练时间", auto_now_add=True)
    file_name = models.CharField("模型文件", max_length=255)
    seed_samples = models.PositiveIntegerField("种子样本数")
    curated_samples = models.PositiveIntegerField("审核员样本数")
    # Cross-validated accuracy, macro_f1, top2_accuracy, ece and per-category scores.
    scores = models.JSONField("交叉验证成绩", default=dict, blank=True)
    relabelled = models.PositiveIntegerField("重新分类的条款数", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "分类模型版本"
        ordering = ["-created"]

    def __str__(self):
        created = timezone.localtime(self.created)
        return f"{created:%Y-%m-%d %H:%M} ({self.seed_samples}+{self.curated_samples})"
