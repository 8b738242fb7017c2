"""The periodic tasks PolicyBase runs, installed after every ``migrate``.

They live in django-celery-beat's tables, so the admin can pause or reschedule
them and ``celery -A policybase worker -B`` (its DatabaseScheduler) picks the
change up. Installing is idempotent: a task that exists keeps what the admin
made of it, except the inbox scan's interval, which DESIGN §4.0 ties to
``POLICYBASE_INBOX_INTERVAL``.
"""

from django.conf import settings
from django.db import connections

SCAN_INBOX = "ingest.tasks.scan_inbox"
# The web sources' task; it runs once ingest.sources lands, and until then beat
# logs that the task is unknown.
FETCH_SOURCES = "ingest.tasks.fetch_sources"
FETCH_SOURCES_SECONDS = 3600
RETRAIN_CLASSIFIER = "ingest.tasks.retrain_classifier"
# At night, local time: training holds a worker for a minute or two.
RETRAIN_AT = {"hour": "3", "minute": "30"}


def install_default_schedule(using="default", **kwargs):
    """post_migrate handler: create the periodic tasks that are missing."""
    from django_celery_beat.models import PeriodicTask

    if PeriodicTask._meta.db_table not in connections[using].introspection.table_names():
        return  # a partial migrate, before django-celery-beat's tables exist
    tasks = PeriodicTask.objects.using(using)
    interval = settings.INBOX_INTERVAL
    scan = tasks.filter(task=SCAN_INBOX).order_by("pk").first()
    if scan is None:
        tasks.create(
            name="扫描收件箱",
            task=SCAN_INBOX,
            interval=_every(using, interval),
            # A scan that waited longer than the interval is redundant: the next one is due.
            expire_seconds=interval,
            description=(
                f"把 {settings.INBOX_DIR} 中的文件逐个入库。间隔由环境变量 "
                "POLICYBASE_INBOX_INTERVAL 决定，每次 migrate 时按它重设。"
            ),
        )
    elif (
        scan.interval is None
        or scan.interval.every != interval
        or scan.interval.period != "seconds"
    ):
        scan.interval, scan.crontab, scan.expire_seconds = _every(using, interval), None, interval
        scan.save(update_fields=["interval", "crontab", "expire_seconds"])
    if not tasks.filter(task=FETCH_SOURCES).exists():
        tasks.create(
            name="抓取网页来源",
            task=FETCH_SOURCES,
            interval=_every(using, FETCH_SOURCES_SECONDS),
            expire_seconds=FETCH_SOURCES_SECONDS,
            description="检查所有启用定时抓取的网页来源，把新的文件交给入库任务。",
        )
    if not tasks.filter(task=RETRAIN_CLASSIFIER).exists():
        tasks.create(
            name="重新训练分类模型",
            task=RETRAIN_CLASSIFIER,
            crontab=_daily(using, RETRAIN_AT),
            description=(
                "训练数据（种子数据和审核员修正的条款类别）与在用模型学过的不同时，重新训练"
                "并重新分类模型标注的条款；没有新的修正则什么也不做。"
            ),
        )


def _every(using: str, seconds: int):
    from django_celery_beat.models import IntervalSchedule

    return IntervalSchedule.objects.using(using).get_or_create(
        every=seconds, period=IntervalSchedule.SECONDS
    )[0]


def _daily(using: str, at: dict):
    from django_celery_beat.models import CrontabSchedule

    return CrontabSchedule.objects.using(using).get_or_create(
        **at, day_of_week="*", day_of_month="*", month_of_year="*", timezone=settings.TIME_ZONE
    )[0]


def retraining_time() -> str | None:
    """When the retraining runs, as the admin has it now (每天 03:30, or the
    crontab as written when it is not a plain daily time); None when the task
    is missing or paused."""
    from django_celery_beat.models import PeriodicTask

    task = (
        PeriodicTask.objects.filter(task=RETRAIN_CLASSIFIER, enabled=True)
        .select_related("crontab")
        .first()
    )
    if task is None or task.crontab is None:
        return None
    cron = task.crontab
    daily = (cron.day_of_week, cron.day_of_month, cron.month_of_year) == ("*", "*", "*")
    if daily and cron.hour.isdigit() and cron.minute.isdigit():
        return f"每天 {int(cron.hour):02d}:{int(cron.minute):02d}"
    return f"按计划 {cron}"
