"""Celery application: configured from Django settings (``CELERY_*``), tasks autodiscovered."""

import os

from celery import Celery
from celery.app.task import extract_exec_options
from kombu.utils.uuid import uuid

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bilbao_sede.settings.base")

app = Celery("bilbao_sede")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def publish(task, *args) -> None:
    """Publish ``task(*args)`` once (no retry loop): the message ``task.apply_async(args,
    retry=False)`` sends, routed by the app's router, through the same producer pool and
    broker timeouts — without what a fire-and-forget task of an outbox does not use
    (result object, links, countdown, the task's call-time options; issue 10: ~40% of the
    publish's CPU on the registry's hot path). Eager mode (demo, unit tests) runs it as
    ``apply_async`` does. Raises what the broker raises: callers are outboxes that log it
    and leave the row for their sweep."""
    task_app = task.app
    if task_app.conf.task_always_eager:
        task.apply_async(args, retry=False)
        return
    amqp = task_app.amqp
    # The task's own execution options (queue, time limits, ...), as send_task merges them.
    options = {k: v for k, v in extract_exec_options(task).items() if v is not None}
    limits = {k: options.pop(k, None) for k in ("time_limit", "soft_time_limit", "expires")}
    options = amqp.router.route(options, task.name, args, {}, task)
    message = amqp.create_task_message(
        uuid(),
        task.name,
        args,
        {},
        ignore_result=task.ignore_result,
        argsrepr=repr(args),
        kwargsrepr="{}",
        reply_to=task_app.thread_oid,
        **limits,
    )
    with task_app.producer_or_acquire() as producer:
        amqp.send_task_message(producer, task.name, message, retry=False, **options)
