"""Log lines as JSON objects, one per line, for log collectors
(``POLICYBASE_LOG_JSON=1``; settings.LOGGING picks the formatter)."""

import datetime as dt
import json
import logging

from celery import current_task

# Attributes every LogRecord has; anything else was passed with ``extra=``.
STANDARD_ATTRIBUTES = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "process": record.process,
        }
        task = current_task
        if task and task.request.id:
            entry["task"] = task.name
            entry["task_id"] = task.request.id
        entry.update(
            (key, value) for key, value in vars(record).items() if key not in STANDARD_ATTRIBUTES
        )
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)
