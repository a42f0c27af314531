"""Prometheus metrics at /metrics, for operators, never with personal data.

Two kinds of figure:
- counted where they happen: request latency by route name (the URL pattern's name,
  never the path, which can hold a case reference), case transitions by state (a
  reaction on the case-event fan-out point, counted after the commit), finished tasks
  by task and outcome. Several processes (granian/gunicorn workers, the task worker)
  count into one folder (prometheus_client's multiprocess mode, PROMETHEUS_MULTIPROC_DIR;
  `legion serve` sets one up when none is given) and a scrape adds them up;
- read at scrape time from where the state is kept, so every node reports the same:
  the task queue's depth and failures, the outbox backlog, open screening hits, the
  audit chain's head. Each is one indexed count, bounded, or one row.

Labels are route names, states, task names, channels and kinds: closed sets the code
defines. Readable with `Authorization: Bearer $LEGION_METRICS_TOKEN` or from an address
in LEGION_METRICS_ADDRESSES; anything else gets 404, as if there were nothing here.
"""

import hmac
import ipaddress
import logging
import time
from collections.abc import Iterator

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.tasks import task_backends
from django.tasks.signals import task_finished
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from legion.audit.context import client_ip

logger = logging.getLogger("legion.operations.metrics")

# Counted beyond this, a figure is reported as this bound: a scrape must stay cheap on a
# table with millions of rows (the exact size is for the admin, not a dashboard).
COUNT_BOUND = 100_000

REQUEST_SECONDS = Histogram(
    "legion_request_duration_seconds",
    "Time to answer a request, by route name, method and status class.",
    ["route", "method", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
CASE_TRANSITIONS = Counter(
    "legion_case_transitions_total",
    "Case state changes, by the state left and the state entered.",
    ["from_state", "to_state"],
)
TASKS_FINISHED = Counter(
    "legion_tasks_finished_total",
    "Tasks run by a worker, by task and outcome (SUCCESSFUL, FAILED).",
    ["task", "status"],
)

METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}


def route_name(request: HttpRequest) -> str:
    """The route's name ("workspace:case"), never the path; "unmatched" for a 404."""
    if request.path_info in ("/healthz", "/readyz"):  # answered before URL resolution
        return request.path_info[1:]
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "unmatched"
    return match.view_name or match.route or "unnamed"


def case_event_count(*, case, event) -> None:
    """Reaction on the case-event fan-out point: count a transition once it commits."""
    if event.kind != "transition":
        return
    labels = {"from_state": event.from_state or "none", "to_state": event.to_state or "none"}
    transaction.on_commit(lambda: CASE_TRANSITIONS.labels(**labels).inc())


def task_finished_count(sender, task_result, **kwargs) -> None:
    TASKS_FINISHED.labels(task=task_result.task.name, status=str(task_result.status)).inc()


def connect() -> None:
    """From OperationsConfig.ready: the reactions that count."""
    from legion.cases.lifecycle import on_case_event

    on_case_event(case_event_count)
    task_finished.connect(task_finished_count, dispatch_uid="legion-metrics-tasks")


def _bounded_count(queryset) -> float:
    return float(queryset.order_by()[:COUNT_BOUND].count())


class StateCollector(Collector):
    """Figures read at scrape time from the database and the task queue."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        for name, read in (
            ("task queue", self.task_queue),
            ("outbox", self.outbox),
            ("screening", self.screening),
            ("audit chain", self.audit_chain),
            ("scheduled jobs", self.scheduled_jobs),
        ):
            try:
                yield from read()
            except Exception:  # one unreadable part must not hide the others
                logger.warning("metrics: %s unreadable", name, exc_info=True)

    def task_queue(self) -> Iterator[GaugeMetricFamily]:
        from django_tasks_db.backend import DatabaseBackend
        from django_tasks_db.models import DBTaskResult
        from django_tasks_redis import RedisTaskBackend

        depth = GaugeMetricFamily(
            "legion_task_queue_depth", "Tasks waiting to run (due or deferred).", labels=["queue"]
        )
        failed = GaugeMetricFamily(
            "legion_task_queue_failed", "Failed task results kept by the queue.", labels=["queue"]
        )
        backend = task_backends["default"]
        if isinstance(backend, DatabaseBackend):
            depth.add_metric(["database"], _bounded_count(DBTaskResult.objects.ready()))
            failed.add_metric(["database"], _bounded_count(DBTaskResult.objects.failed()))
        elif isinstance(backend, RedisTaskBackend):
            counts = backend.get_status_counts()
            depth.add_metric(["redis"], float(counts.get("READY", 0)))
            failed.add_metric(["redis"], float(counts.get("FAILED", 0)))
        yield depth
        yield failed

    def outbox(self) -> Iterator[GaugeMetricFamily]:
        from legion.outbox.models import OutboxMessage

        backlog = GaugeMetricFamily(
            "legion_outbox_backlog",
            "Messages not yet delivered (waiting or being sent), by channel.",
            labels=["channel"],
        )
        given_up = GaugeMetricFamily(
            "legion_outbox_given_up",
            "Messages the outbox gave up on, by channel.",
            labels=["channel"],
        )
        waiting = (OutboxMessage.Status.PENDING, OutboxMessage.Status.SENDING)
        for channel in OutboxMessage.Channel.values:
            messages = OutboxMessage.objects.filter(channel=channel)
            backlog.add_metric([channel], _bounded_count(messages.filter(status__in=waiting)))
            given_up.add_metric(
                [channel], _bounded_count(messages.filter(status=OutboxMessage.Status.FAILED))
            )
        yield backlog
        yield given_up

    def screening(self) -> Iterator[GaugeMetricFamily]:
        from legion.identity.models import DuplicateCandidate, ReviewStatus, WatchlistHit

        hits = GaugeMetricFamily(
            "legion_screening_open_hits",
            "Duplicate and watch-list hits waiting for HQ security, by kind.",
            labels=["kind"],
        )
        for kind, model in (("duplicate", DuplicateCandidate), ("watchlist", WatchlistHit)):
            hits.add_metric([kind], _bounded_count(model.objects.filter(status=ReviewStatus.OPEN)))
        yield hits

    def audit_chain(self) -> Iterator[GaugeMetricFamily]:
        from legion.audit.models import AuditEntry

        head = AuditEntry.objects.order_by("-seq").values("seq", "created_at").first()
        yield GaugeMetricFamily(
            "legion_audit_chain_head_seq",
            "Sequence number of the newest audit entry (it only grows; a drop is tampering).",
            value=float(head["seq"]) if head else 0.0,
        )
        yield GaugeMetricFamily(
            "legion_audit_chain_head_timestamp_seconds",
            "Time of the newest audit entry.",
            value=head["created_at"].timestamp() if head else 0.0,
        )

    def scheduled_jobs(self) -> Iterator[GaugeMetricFamily]:
        from legion.operations.models import ScheduledJob

        failures = GaugeMetricFamily(
            "legion_scheduled_job_failures",
            "Consecutive failures of a scheduled job (0 after a success).",
            labels=["job"],
        )
        succeeded = GaugeMetricFamily(
            "legion_scheduled_job_last_success_timestamp_seconds",
            "When a scheduled job last succeeded (alert when too old).",
            labels=["job"],
        )
        for name, count, at in ScheduledJob.objects.values_list(
            "name", "failures", "last_succeeded_at"
        ):
            failures.add_metric([name], float(count))
            succeeded.add_metric([name], at.timestamp() if at else 0.0)
        yield failures
        yield succeeded


def exposition() -> bytes:
    """The text a scrape reads: this node's processes' counters plus the shared state."""
    if settings.PROMETHEUS_MULTIPROC_DIR:
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry, path=settings.PROMETHEUS_MULTIPROC_DIR)
    else:
        registry = CollectorRegistry()
        registry.register(_ProcessCounters())
    registry.register(StateCollector())
    return generate_latest(registry)


class _ProcessCounters(Collector):
    """One process (development, tests): the counters of the default registry."""

    def collect(self):
        # Legion's own; the interpreter's and process's figures are the host agent's job.
        yield from (family for family in REGISTRY.collect() if family.name.startswith("legion_"))


def metrics_allowed(request: HttpRequest) -> bool:
    token = settings.LEGION_METRICS_TOKEN
    given = request.META.get("HTTP_AUTHORIZATION", "")
    if token and hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        return True
    try:
        address = ipaddress.ip_address(client_ip(request))
    except ValueError:
        return False
    return any(address in network for network in settings.LEGION_METRICS_NETWORKS)


class MetricsMiddleware:
    """Outermost: times every request by route name, and answers /metrics itself."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info == "/metrics":
            if not metrics_allowed(request):
                return HttpResponse("Not found", status=404, content_type="text/plain")
            response = HttpResponse(exposition(), content_type=CONTENT_TYPE_LATEST)
            response["Cache-Control"] = "no-store"
            return response
        started = time.perf_counter()
        response = self.get_response(request)
        method = request.method if request.method in METHODS else "other"
        REQUEST_SECONDS.labels(
            route=route_name(request), method=method, status=f"{response.status_code // 100}xx"
        ).observe(time.perf_counter() - started)
        return response
