"""The periodic tasks installed after migrate (ingest.schedule)."""

from django_celery_beat.models import IntervalSchedule, PeriodicTask

from ingest.schedule import (
    FETCH_SOURCES,
    RETRAIN_CLASSIFIER,
    SCAN_INBOX,
    install_default_schedule,
)


def test_migrate_installs_the_inbox_scan_and_the_hourly_source_fetch(db, settings):
    scan = PeriodicTask.objects.get(task=SCAN_INBOX)
    assert (scan.interval.every, scan.interval.period) == (settings.INBOX_INTERVAL, "seconds")
    assert scan.enabled
    fetch = PeriodicTask.objects.get(task=FETCH_SOURCES)
    assert (fetch.interval.every, fetch.interval.period) == (3600, "seconds")


def test_installing_again_keeps_the_admins_changes_but_follows_the_inbox_interval(db, settings):
    fetch = PeriodicTask.objects.get(task=FETCH_SOURCES)
    fetch.interval = IntervalSchedule.objects.create(every=6, period=IntervalSchedule.HOURS)
    fetch.enabled = False
    fetch.save()
    settings.INBOX_INTERVAL = 15

    install_default_schedule()
    install_default_schedule()

    assert PeriodicTask.objects.filter(task=FETCH_SOURCES).count() == 1
    fetch.refresh_from_db()
    assert (fetch.interval.every, fetch.interval.period, fetch.enabled) == (6, "hours", False)
    scan = PeriodicTask.objects.get(task=SCAN_INBOX)
    assert (scan.interval.every, scan.expire_seconds) == (15, 15)


def test_migrate_installs_the_nightly_retraining(db, settings):
    retrain = PeriodicTask.objects.get(task=RETRAIN_CLASSIFIER)
    schedule = retrain.crontab
    assert (schedule.hour, schedule.minute, str(schedule.timezone)) == (
        "3",
        "30",
        settings.TIME_ZONE,
    )
    assert retrain.enabled
    retrain.enabled = False
    retrain.save()
    install_default_schedule()
    assert PeriodicTask.objects.filter(task=RETRAIN_CLASSIFIER).get().enabled is False
