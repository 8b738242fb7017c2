import json

from django.conf import settings
from django.core.management.base import BaseCommand

from ingest.models import IngestJob
from ingest.tasks import scheduled_scan


class Command(BaseCommand):
    help = (
        "扫描收件箱（POLICYBASE_DATA_DIR/inbox/），把写完的文件逐个交给入库任务；"
        "入库后文件移到 inbox/done/ 或 inbox/failed/；处理进程中途退出的任务重新排队。"
        "供运维或 cron 使用，worker 的定时任务也做同样的事。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="每个任务输出一行 JSON")

    def handle(self, **options):
        jobs = scheduled_scan()
        # Without a broker the jobs ran here and have finished; with one they are queued.
        for job in IngestJob.objects.filter(pk__in=[job.pk for job in jobs]).order_by("pk"):
            if options["json"]:
                self.stdout.write(json.dumps(job.as_contract(), ensure_ascii=False))
            else:
                self.stdout.write(f"#{job.pk} {job.get_state_display()} {job.source} {job.message}")
        if not options["json"]:
            self.stdout.write(f"收件箱 {settings.INBOX_DIR}：{len(jobs)} 个文件交给了入库任务。")
