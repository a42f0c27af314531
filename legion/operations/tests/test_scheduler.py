"""Scheduled work: each job runs on its schedule on the task worker, administrators see its
last run, next run and status, a failing job is retried and reported, and two workers
never run the same scheduled job twice."""

import datetime as dt
import logging
import subprocess
import sys

import pytest
from django.core import mail
from django.utils import timezone

from legion.operations import scheduler
from legion.operations.models import ScheduledJob
from legion.operations.scheduler import Job, scheduled_job_execute, scheduled_jobs_ensure
from legion.outbox.models import OutboxMessage
from legion.outbox.tests.test_worker_killed import _worker_env, shared_database  # noqa: F401
from legion.testing import factories as f
from legion.testing.auth import StaffClient

JOB_NAMES = ["outbox_retries", "reminders", "rescreening", "retention", "weekly_report"]


@pytest.fixture
def scheduler_tick(django_capture_on_commit_callbacks):
    """A tick as a worker makes it: claims commit, then the queued runs run (immediate
    backend in tests)."""

    def tick(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return scheduler.scheduler_tick(**kwargs)

    return tick


@pytest.fixture
def counted(monkeypatch):
    """Two jobs of the test's own: one that counts its runs, one that fails until told."""
    runs = {"tally": 0, "flaky": 0}
    state = {"fail": True}

    def tally():
        runs["tally"] += 1
        return "counted"

    def flaky():
        runs["flaky"] += 1
        if state["fail"]:
            raise ConnectionError("SMTP server 10.0.0.9 unreachable\nsecond line")
        return "ok"

    monkeypatch.setattr(
        scheduler,
        "jobs",
        lambda: {
            "tally": Job("tally", dt.timedelta(hours=1), tally, "counts"),
            "flaky": Job("flaky", dt.timedelta(hours=6), flaky, "fails"),
        },
    )
    scheduled_jobs_ensure()
    return runs, state


@pytest.mark.django_db
def test_a_due_job_runs_once_then_waits_for_its_next_run(counted, scheduler_tick):
    runs, state = counted
    state["fail"] = False
    now = timezone.now()
    assert scheduler_tick(now=now) == ["flaky", "tally"]
    assert runs == {"tally": 1, "flaky": 1}
    job = ScheduledJob.objects.get(name="tally")
    assert job.status == ScheduledJob.Status.SUCCEEDED
    assert job.last_started_at and job.last_finished_at and job.runs == 1
    assert job.next_run_at == now + dt.timedelta(hours=1)
    assert job.last_result == "counted" and job.claimed_at is None

    assert scheduler_tick(now=now + dt.timedelta(minutes=59)) == []
    assert scheduler_tick(now=now + dt.timedelta(minutes=61)) == ["tally"]
    assert runs["tally"] == 2


@pytest.mark.django_db
def test_a_failing_job_is_retried_with_back_off_and_reported(counted, scheduler_tick, caplog):
    runs, state = counted
    now = timezone.now()
    with caplog.at_level(logging.ERROR, logger="legion.operations.scheduler"):
        scheduler_tick(now=now)
    job = ScheduledJob.objects.get(name="flaky")
    assert job.status == ScheduledJob.Status.FAILED and job.failures == 1
    assert job.last_error == "ConnectionError: SMTP server 10.0.0.9 unreachable"
    first_retry = job.next_run_at - job.last_finished_at
    assert dt.timedelta(seconds=59) < first_retry < dt.timedelta(seconds=61)
    assert "scheduled job flaky failed (ConnectionError)" in caplog.text

    scheduler_tick(now=job.next_run_at + dt.timedelta(seconds=1))
    job.refresh_from_db()
    assert job.failures == 2 and runs["flaky"] == 2
    second_retry = job.next_run_at - job.last_finished_at
    assert dt.timedelta(seconds=119) < second_retry < dt.timedelta(seconds=121)  # doubled

    state["fail"] = False
    scheduler_tick(now=job.next_run_at + dt.timedelta(seconds=1))
    job.refresh_from_db()
    assert job.status == ScheduledJob.Status.SUCCEEDED and job.failures == 0
    assert job.last_error == "" and job.last_succeeded_at


@pytest.mark.django_db
def test_a_switched_off_job_is_not_run(counted, scheduler_tick):
    runs, _ = counted
    ScheduledJob.objects.filter(name="tally").update(enabled=False)
    scheduler_tick()
    assert runs["tally"] == 0


@pytest.mark.django_db
def test_every_job_of_legion_runs(admin_user, settings, django_capture_on_commit_callbacks):
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    admin_user.email = "hq.admin@legion.example"
    admin_user.save()
    f.CaseFactory()
    scheduled_jobs_ensure()
    with django_capture_on_commit_callbacks(execute=True):
        for name in JOB_NAMES:
            assert scheduled_job_execute(name=name) == "succeeded", (
                name,
                ScheduledJob.objects.get(name=name).last_error,
            )
    assert sorted(ScheduledJob.objects.values_list("name", flat=True)) == JOB_NAMES
    (report,) = [m for m in mail.outbox if "weekly figures" in m.subject]
    assert report.to == ["hq.admin@legion.example"]
    assert "Applications by state" in report.body
    assert OutboxMessage.objects.filter(kind="weekly report").count() == 1


@pytest.mark.django_db
def test_administrators_see_last_run_next_run_and_status(counted, scheduler_tick):
    user = f.UserFactory(username="root", is_staff=True, is_superuser=True)
    client = StaffClient()
    client.force_login(user)
    scheduler_tick()
    page = client.get("/admin/operations/scheduledjob/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "tally" in text and "flaky" in text
    assert "failed (will be retried)" in text and "succeeded" in text
    assert client.get("/admin/operations/scheduledjob/add/").status_code == 403


@pytest.mark.slow
def test_two_workers_never_run_the_same_scheduled_job_twice(shared_database, settings):  # noqa: F811
    """Two `legion worker` processes start at the same moment on one database: each job is
    queued and run once."""
    publish, query = shared_database
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    env = _worker_env(publish())
    workers = [
        subprocess.Popen(
            [sys.executable, "-m", "legion", "worker", "--batch"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for _ in range(2)
    ]
    for worker in workers:
        _out, err = worker.communicate(timeout=180)
        assert worker.returncode == 0, err.decode()
    rows = query("SELECT name, runs, status FROM operations_scheduledjob ORDER BY name")
    assert [name for name, _runs, _status in rows] == JOB_NAMES
    assert [runs for _name, runs, _status in rows] == [1] * len(JOB_NAMES), rows
    queued = query(
        "SELECT COUNT(*) FROM django_tasks_database_dbtaskresult "
        "WHERE task_path = 'legion.operations.scheduler.scheduled_job_run'"
    )
    assert queued == [(len(JOB_NAMES),)]
