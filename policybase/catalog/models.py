"""The policy catalogue: regions, issuers, categories, documents and clauses."""

import datetime as dt
import functools
import time

from django.conf import settings
from django.core.signals import setting_changed
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import DatabaseError, models
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from .citation import citation, locator


class Region(models.Model):
    """An administrative division; the path national → province → city → district
    is walked through ``parent``."""

    class Level(models.TextChoices):
        NATIONAL = "national", "国家"
        PROVINCE = "province", "省级"
        CITY = "city", "市级"
        DISTRICT = "district", "区县"

    name = models.CharField("名称", max_length=64)
    level = models.CharField("层级", max_length=16, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # GB/T 2260 division code when the region comes from the division dataset.
    code = models.CharField("区划代码", max_length=12, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "地区"
        ordering = ["code", "name"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="region_unique_in_parent"),
            models.UniqueConstraint(
                fields=["name"], condition=models.Q(parent=None), name="region_unique_root"
            ),
        ]

    def __str__(self):
        return "/".join(r.name for r in self.lineage())

    def lineage(self) -> list["Region"]:
        """Regions from the top down to this one (national is not part of a path)."""
        chain, node = [], self
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain[::-1]

    def as_ref(self) -> dict:
        """The region object of DESIGN §4.1."""
        ref = {"level": self.level, "province": None, "city": None, "district": None}
        for node in self.lineage():
            if node.level != self.Level.NATIONAL:
                ref[node.level] = node.name
        return ref


class Issuer(models.Model):
    name = models.CharField("名称", max_length=128, unique=True)
    region = models.ForeignKey(
        Region, verbose_name="地区", null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        verbose_name = verbose_name_plural = "发文机关"
        ordering = ["name"]

    def __str__(self):
        return self.name


class PolicyAlias(models.Model):
    """A name analysts use for a policy that shares no words with its title
    (数据二十条 for 关于构建数据基础制度更好发挥数据要素作用的意见): a search for
    the name also searches the title, as a phrase."""

    name = models.CharField(
        "简称",
        max_length=64,
        unique=True,
        validators=[
            RegexValidator(r"^\S+$", "简称不能含空格：检索词以空格分隔，带空格的简称永远匹配不上。")
        ],
    )
    title = models.CharField(
        "全称",
        max_length=255,
        validators=[RegexValidator(r'^[^"]+$', "全称不能含英文双引号。")],
        help_text="检索简称时按短语一并检索：正文中提到它的条款，以及标题含它的文件。"
        "可写通用的短标题（如“数据安全法”），以同时匹配“中华人民共和国数据安全法”。",
    )

    class Meta:
        verbose_name = verbose_name_plural = "政策简称"
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} → {self.title}"


class CategoryQuerySet(models.QuerySet):
    def instruments(self):
        """The 14 policy instruments, without 非政策工具."""
        return self.exclude(pk=STRUCTURAL)


# 非政策工具: a clause that uses no instrument (purpose, scope, definitions,
# entry into force…; DESIGN §2). Searchable like any category, left out of
# instrument mixes, statistics and comparisons.
STRUCTURAL = 14


class Category(models.Model):
    """One of the 15 categories of DESIGN §2 — the policy instruments 0–13 in
    their three groups, and 14 非政策工具 with none; ``id`` is the label number."""

    class Group(models.TextChoices):
        SUPPLY = "supply", "供给型"
        ENVIRONMENT = "environment", "环境型"
        DEMAND = "demand", "需求型"

    id = models.PositiveSmallIntegerField(primary_key=True)
    slug = models.SlugField(unique=True)
    name = models.CharField("名称", max_length=32)
    group = models.CharField("类型", max_length=16, choices=Group.choices, blank=True)

    objects = CategoryQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "政策工具类别"
        ordering = ["id"]

    def __str__(self):
        return self.name

    @property
    def is_instrument(self) -> bool:
        return self.pk != STRUCTURAL


@functools.lru_cache(maxsize=1)
def category_names() -> dict[int, str]:
    """Category id → name; categories change only by migration."""
    return dict(Category.objects.values_list("id", "name"))


def default_doubt_below() -> float:
    """The 存疑阈值 until a curator sets one (``CLASSIFIER_REVIEW_CONFIDENCE``)."""
    return settings.CLASSIFIER_REVIEW_CONFIDENCE


class ClassifierSettings(models.Model):
    """What curators decide about the classifier's doubt, in the admin (one row).

    Below ``doubt_below`` a clause shows its two likeliest categories
    (资金投入 / 金融支持) instead of one, on the site, in the API and in the
    exports; the same clauses are flagged for review when a curator can
    usefully decide them (``policybase.catalog.review``)."""

    doubt_below = models.FloatField(
        "存疑阈值",
        default=default_doubt_below,
        validators=[MinValueValidator(0.0), MaxValueValidator(1.0)],
        help_text="模型置信度低于此值的条款显示两个最可能的政策工具（如“资金投入 / 金融支持”），"
        "并在审核员能作出判断时进入待复核队列。保存后立即重新标记全部模型标注的条款。",
    )

    class Meta:
        verbose_name = verbose_name_plural = "分类显示设置"

    def __str__(self):
        return f"存疑阈值 {self.doubt_below:.2f}"

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)
        _doubt_below_cache.clear()

    @classmethod
    def current(cls) -> "ClassifierSettings":
        """The one row, or the defaults while nobody has saved any."""
        return cls.objects.filter(pk=1).first() or cls(pk=1, doubt_below=default_doubt_below())


# Every clause shown asks for the threshold; it is read from the database at
# most every few seconds per process, so a curator's change reaches every
# worker and web process within DOUBT_CACHE_SECONDS.
DOUBT_CACHE_SECONDS = 5.0
_doubt_below_cache: dict[str, tuple[float, float]] = {}


@receiver(setting_changed)
def _forget_doubt_below(setting, **kwargs):
    # The default comes from CLASSIFIER_REVIEW_CONFIDENCE (overridden in tests).
    if setting == "CLASSIFIER_REVIEW_CONFIDENCE":
        _doubt_below_cache.clear()


def doubt_below() -> float:
    """The curators' 存疑阈值 (ClassifierSettings), cached briefly."""
    now = time.monotonic()
    cached = _doubt_below_cache.get("value")
    if cached is None or now - cached[1] > DOUBT_CACHE_SECONDS:
        try:
            value = ClassifierSettings.current().doubt_below
        except DatabaseError:  # a dry run on a data dir never migrated
            value = default_doubt_below()
        cached = (value, now)
        _doubt_below_cache["value"] = cached
    return cached[0]


class DocumentQuerySet(models.QuerySet):
    def visible(self):
        """What analysts may see: everything but withdrawn documents."""
        return self.exclude(review_state=Document.ReviewState.WITHDRAWN)


class Standing(models.TextChoices):
    """Whether a policy is in force on a given day (Document.standing_on)."""

    IN_FORCE = "in_force", "现行有效"
    NOT_YET = "not_yet", "尚未生效"
    LAPSED = "lapsed", "已失效"


# Title flags of a text not yet adopted: in force on no day.
DRAFT_STATUSES = frozenset({"征求意见稿", "草案"})


class Document(models.Model):
    class ReviewState(models.TextChoices):
        INGESTED = "ingested", "待审核"
        REVIEWED = "reviewed", "已审核"
        PUBLISHED = "published", "已发布"
        WITHDRAWN = "withdrawn", "已撤回"

    class Validity(models.TextChoices):
        UNKNOWN = "", "未标注"
        NOT_YET = "not_yet", "尚未生效"
        VALID = "valid", "有效"
        AMENDED = "amended", "已修改"
        REPEALED = "repealed", "已废止"

    title = models.CharField("标题", max_length=300)
    doc_number = models.CharField("文号", max_length=64, blank=True)
    issuers = models.ManyToManyField(Issuer, verbose_name="发文机关", blank=True)
    region = models.ForeignKey(
        Region, verbose_name="地区", null=True, blank=True, on_delete=models.PROTECT
    )
    publish_date = models.DateField("发布日期", null=True, blank=True)
    effective_date = models.DateField("施行日期", null=True, blank=True)
    expiry_date = models.DateField("有效期至", null=True, blank=True)
    doc_type = models.CharField("文种", max_length=16, blank=True)
    # Flags in the order the title gives them, e.g. ["试行", "征求意见稿"].
    status = models.JSONField("状态", default=list, blank=True)
    has_full_text = models.BooleanField("有全文", default=True)
    # A law's header note (题注) as read: [{"date", "action", "text"}], oldest
    # first (通过 → 修正 → 修订); the text is the version of the latest.
    legislative_history = models.JSONField("立法沿革", default=list, blank=True)
    warnings = models.JSONField("解析提示", default=list, blank=True)
    source_name = models.CharField("来源文件", max_length=255)
    source_sha256 = models.CharField("文件SHA-256", max_length=64, db_index=True)
    source_file = models.FileField("原始文件", upload_to="sources/", blank=True)
    # The same policy as published before (same 文号, or same title and issuers,
    # different text): kept, and linked from its successor.
    previous_version = models.ForeignKey(
        "self",
        verbose_name="取代的文件（上一版本）",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="later_versions",
    )
    # Analysts see published and ingested documents (the latter marked 待审核),
    # never withdrawn ones.
    review_state = models.CharField(
        "审核状态",
        max_length=16,
        choices=ReviewState.choices,
        default=ReviewState.INGESTED,
        db_index=True,
    )
    validity = models.CharField(
        "效力", max_length=16, choices=Validity.choices, default=Validity.UNKNOWN, blank=True
    )
    # Set when a curator merged this document into the fuller copy of the same policy.
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name="重复于",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="duplicates",
    )
    created = models.DateTimeField("入库时间", auto_now_add=True)
    updated = models.DateTimeField("更新时间", auto_now=True)
    history = HistoricalRecords(m2m_fields=[issuers])

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "政策文件"
        ordering = ["-publish_date", "-id"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("document", args=[self.pk])

    @property
    def issuer_names(self) -> list[str]:
        return [issuer.name for issuer in self.issuers.all()]

    @property
    def is_visible(self) -> bool:
        return self.review_state != self.ReviewState.WITHDRAWN

    @property
    def awaits_review(self) -> bool:
        return self.review_state == self.ReviewState.INGESTED

    def standing_on(self, day: dt.date) -> str | None:
        """Whether the policy is in force on ``day`` (a Standing), from its dates
        and what a curator recorded; None for a draft, which never is.

        A curator's 已废止 / 已修改 is a fact no date tells. Otherwise the dates
        decide, and a curator's 尚未生效 counts only while the text gives no
        施行日期. ``policybase.search.query.standing_filter`` asks the same of the
        index; keep the two together."""
        if self.validity in LAPSED_VALIDITY:
            return Standing.LAPSED
        if DRAFT_STATUSES.intersection(self.status):
            return None
        if (self.effective_date and self.effective_date > day) or (
            not self.effective_date and self.validity == self.Validity.NOT_YET
        ):
            return Standing.NOT_YET
        if self.expiry_date and self.expiry_date < day:
            return Standing.LAPSED
        return Standing.IN_FORCE

    @property
    def standing(self) -> str | None:
        return self.standing_on(timezone.localdate())

    @property
    def standing_label(self) -> str:
        """效力 as the site shows it today: 已废止 or 已修改 as a curator recorded
        it, else the standing's name; nothing for a draft."""
        standing = self.standing
        if standing is None:
            return ""
        if self.validity in LAPSED_VALIDITY:
            return self.get_validity_display()
        return Standing(standing).label

    def region_ref(self) -> dict:
        if self.region is None:
            return {"level": None, "province": None, "city": None, "district": None}
        return self.region.as_ref()


# What a curator records that ends a policy, whatever its dates say.
LAPSED_VALIDITY = (Document.Validity.REPEALED, Document.Validity.AMENDED)


class Clause(models.Model):
    class CategorySource(models.TextChoices):
        MODEL = "model", "模型"
        CURATOR = "curator", "审核员"

    document = models.ForeignKey(
        Document, verbose_name="文件", on_delete=models.CASCADE, related_name="clauses"
    )
    order = models.PositiveIntegerField("顺序")
    number = models.CharField("编号", max_length=32, blank=True)
    # Headings above the clause, outermost first: ["二、主要任务", "（一）…"].
    path = models.JSONField("层级", default=list, blank=True)
    text = models.TextField("条文")
    category = models.ForeignKey(
        Category, verbose_name="政策工具", null=True, blank=True, on_delete=models.PROTECT
    )
    confidence = models.FloatField("置信度", null=True, blank=True)
    # The model's three best guesses, [[category, probability], …], for review.
    top = models.JSONField("候选类别", default=list, blank=True)
    category_source = models.CharField(
        "类别来源", max_length=16, choices=CategorySource.choices, default=CategorySource.MODEL
    )
    # The model was unsure (ingest.classify.review); cleared once a curator decides.
    needs_review = models.BooleanField("待复核", default=False, db_index=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "条款"
        ordering = ["document", "order"]
        constraints = [
            models.UniqueConstraint(fields=["document", "order"], name="clause_order_unique"),
        ]

    def __str__(self):
        return f"{self.document.title} {self.number}".strip()

    def get_absolute_url(self):
        return f"{self.document.get_absolute_url()}#c{self.pk}"

    @property
    def label(self) -> str:
        """The number to show beside the text, unless the text starts with it already."""
        return "" if self.text.startswith(self.number) else self.number

    @property
    def citation(self) -> str:
        """Where a report says the clause comes from: 《title》（文号）第八条第（四）项."""
        document = self.document
        return citation(document.title, document.doc_number, self.path, self.number)

    @property
    def locator(self) -> str:
        """Where the clause sits in its document: 第八条第（四）项, 第二部分第（一）项."""
        return locator(self.path, self.number)

    @property
    def body(self) -> str:
        """The text after the number it starts with (第三条本细则… → 本细则…), for
        a citation or a printed number to stand before."""
        return self.text.removeprefix(self.number).lstrip() if self.number else self.text

    @property
    def doubtful(self) -> bool:
        """The model's category, below the curators' 存疑阈值, with a runner-up
        to show beside it. A curator's category is never in doubt."""
        return (
            self.category_source == self.CategorySource.MODEL
            and self.confidence is not None
            and self.confidence < doubt_below()
            and len(self.top or []) > 1
        )

    @property
    def second_category_id(self) -> int | None:
        """The runner-up shown beside a doubtful category, else None."""
        return int(self.top[1][0]) if self.doubtful else None

    @property
    def shown_category_ids(self) -> list[int]:
        """What the clause is shown as: its category, or its two likeliest when in doubt."""
        if self.category_id is None:
            return []
        second = self.second_category_id
        return [self.category_id] if second is None else [self.category_id, second]

    @property
    def shown_category_name(self) -> str:
        """资金投入, or 资金投入 / 金融支持 when in doubt."""
        names = category_names()
        return " / ".join(names.get(pk, str(pk)) for pk in self.shown_category_ids)

    @property
    def is_instrument(self) -> bool:
        """Whether the clause uses a policy instrument (has a category, not 14)."""
        return self.category_id is not None and self.category_id != STRUCTURAL

    @property
    def quotation(self) -> str:
        """The citation and the text, without the number the citation now holds."""
        return f"{self.citation}：{self.body}"
