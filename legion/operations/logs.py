"""Structured logs: one JSON object a line (structlog), with a request id that follows the
work from the request into the tasks it queues, and no personal data.

- Every record, from structlog or from the standard library (Django, the task workers),
  goes through one formatter (`formatter`, named in settings.LOGGING): time, level,
  logger, event, the bound context (request_id, task, task_id), JSON or console.
- `RequestLogMiddleware` (outermost) takes the request id from `X-Request-ID` when a
  proxy sent a well-formed one (nginx's `$request_id`) or makes one, returns it in the
  response header, binds it for the request and writes one line per request: route
  name, method, status, milliseconds. Never the path or the query string (a case
  reference, a searched name), never a body.
- A task queued during a request remembers the request's id in the shared cache under
  its task id; the worker binds it again when the task starts, so the task's lines
  carry the request id of the click that caused them.
- As a last net, anything shaped like an e-mail address is replaced before a line is
  written. Personal data is kept out of log calls in the first place (tested over the
  whole applicant and staff flow in tests/test_logs_personal_data.py).
"""

import logging
import re
import secrets
import time
from typing import Any

import structlog
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.tasks.signals import task_enqueued, task_finished, task_started

REQUEST_ID_HEADER = "HTTP_X_REQUEST_ID"
REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,128}$")
TASK_REQUEST_KEY = "legion:task-request:{}"
TASK_REQUEST_SECONDS = 7 * 24 * 3600
# Polled every few seconds by load balancers and Prometheus: a line only when not 2xx.
QUIET_PATHS = ("/healthz", "/readyz", "/metrics")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")

logger = structlog.get_logger("legion.requests")
task_logger = structlog.get_logger("legion.tasks")


def _redact(value: Any) -> Any:
    if isinstance(value, str):
        return EMAIL.sub("[e-mail]", value)
    if isinstance(value, dict):
        return {key: _redact(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_redact(item) for item in value]
    return value


def redact_personal(_logger: Any, _name: str, event_dict: dict) -> dict:
    return {key: _redact(value) for key, value in event_dict.items()}


SHARED = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
]


def formatter(format_name: str = "json") -> structlog.stdlib.ProcessorFormatter:
    """The formatter of every handler (settings.LOGGING): JSON lines, or readable columns
    for a developer's terminal."""
    renderer = (
        structlog.dev.ConsoleRenderer(colors=False)
        if format_name == "console"
        else structlog.processors.JSONRenderer()
    )
    return structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=SHARED,
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            redact_personal,
            renderer,
        ],
    )


structlog.configure(
    processors=[
        *SHARED,
        structlog.stdlib.filter_by_level,
        structlog.stdlib.PositionalArgumentsFormatter(),
        structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
    ],
    logger_factory=structlog.stdlib.LoggerFactory(),
    wrapper_class=structlog.stdlib.BoundLogger,
    cache_logger_on_first_use=True,
)


def request_id_of(request: HttpRequest) -> str:
    given = request.META.get(REQUEST_ID_HEADER, "")
    return given if REQUEST_ID.match(given) else secrets.token_hex(16)


class RequestLogMiddleware:
    """Outermost: a request id for everything logged while answering, one line a request."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from legion.operations.metrics import route_name

        request_id = request_id_of(request)
        request.request_id = request_id
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(request_id=request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            if response.status_code >= 300 or request.path_info not in QUIET_PATHS:
                logger.info(
                    "request",
                    route=route_name(request),
                    method=request.method if request.method in METHODS else "other",
                    status=response.status_code,
                    ms=round((time.perf_counter() - started) * 1000, 1),
                )
            return response
        finally:
            structlog.contextvars.clear_contextvars()


METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}


def task_enqueued_remember(sender, task_result, **kwargs) -> None:
    request_id = structlog.contextvars.get_contextvars().get("request_id")
    if request_id:
        try:
            cache.set(TASK_REQUEST_KEY.format(task_result.id), request_id, TASK_REQUEST_SECONDS)
        except Exception:  # a log detail must never fail the request that queues
            logging.getLogger("legion.tasks").warning("request id not kept for a task")
    task_logger.info("task queued", task=task_result.task.name, task_id=str(task_result.id))


# The context each running task bound, to restore what was there before (the request's,
# when the immediate backend runs a task inside the request).
_task_tokens: dict[str, dict] = {}


def task_started_bind(sender, task_result, **kwargs) -> None:
    task_id = str(task_result.id)
    bound = structlog.contextvars.get_contextvars()
    request_id = bound.get("request_id")
    if not request_id:
        try:
            request_id = cache.get(TASK_REQUEST_KEY.format(task_id))
        except Exception:
            request_id = None
    values = {"task": task_result.task.name, "task_id": task_id}
    if request_id:
        values["request_id"] = request_id
    _task_tokens[task_id] = structlog.contextvars.bind_contextvars(**values)
    task_logger.info("task started")


def task_finished_unbind(sender, task_result, **kwargs) -> None:
    task_logger.info("task finished", status=str(task_result.status))
    tokens = _task_tokens.pop(str(task_result.id), None)
    if tokens:
        structlog.contextvars.reset_contextvars(**tokens)


def connect() -> None:
    """From OperationsConfig.ready."""
    task_enqueued.connect(task_enqueued_remember, dispatch_uid="legion-logs-enqueued")
    task_started.connect(task_started_bind, dispatch_uid="legion-logs-started")
    task_finished.connect(task_finished_unbind, dispatch_uid="legion-logs-finished")
