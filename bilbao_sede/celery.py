"""Celery application: configured from Django settings (``CELERY_*``), tasks autodiscovered."""

import contextlib
import os
import threading

from celery import Celery
from celery.app.task import extract_exec_options
from celery.local import Proxy
from celery.signals import task_postrun, task_prerun
from kombu.utils.uuid import uuid

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bilbao_sede.settings.base")

app = Celery("bilbao_sede")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@task_prerun.connect
@task_postrun.connect
def close_old_connections(sender=None, **kwargs) -> None:
    """Before and after each task, what Django does before and after each request: drop a
    database connection that is unusable (an error, autocommit not restored) or older than
    CONN_MAX_AGE, keep a healthy one. With ``CELERY_DB_REUSE_MAX`` set, Celery's own fixup no
    longer closes it around every task (a new PostgreSQL backend each time). Not for eager
    tasks: they run inside the caller's request or transaction."""
    if getattr(getattr(sender, "request", None), "is_eager", False):
        return
    from django.db import close_old_connections as close_if_old

    close_if_old()


class _Held(threading.local):
    """This thread's producer for ``publish``: (key, producer, queues declared on it)."""

    held: tuple | None = None


_held = _Held()


def _producer(task_app) -> tuple:
    """This thread's producer, on its own broker connection, kept from one publish to the
    next (issue 10: acquiring one from the pool and releasing it cost more than the publish
    itself). A new one in a forked child, for another broker URL (tests move the broker), or
    after a failed publish (``_forget_producer``). Connected lazily, with the broker's
    connect and socket timeouts (``CELERY_BROKER_PUBLISH_TIMEOUT``)."""
    key = (os.getpid(), id(task_app), task_app.conf.broker_write_url or task_app.conf.broker_url)
    held = _held.held
    if held is None or held[0] != key:
        _forget_producer()
        held = _held.held = (key, task_app.connection_for_write().Producer(), set())
    return held


def _forget_producer() -> None:
    held, _held.held = _held.held, None
    if held is not None:
        # A broken connection is dropped whatever it says on the way out.
        with contextlib.suppress(Exception):
            held[1].connection.release()


def publish(task, *args) -> None:
    """Publish ``task(*args)`` once (no retry loop): the message ``task.apply_async(args,
    retry=False)`` sends, routed by the app's router, with the broker's timeouts — without
    what a fire-and-forget task of an outbox does not use (result object, links, countdown,
    the task's call-time options), through this thread's kept producer (``_producer``),
    declaring each queue once per connection as kombu's own cache would (issue 10: the
    publish was ~40% of the client's CPU on the registry's hot path). Eager mode (demo,
    unit tests) runs it as ``apply_async`` does. Raises what the broker raises: callers are
    outboxes that log it and leave the row for their sweep."""
    if isinstance(task, Proxy):  # shared_task: resolve it once, not on every attribute
        task = task._get_current_object()
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
    _key, producer, declared = _producer(task_app)
    queue = options.get("queue")
    name = getattr(queue, "name", queue)
    try:
        amqp.send_task_message(
            producer,
            task.name,
            message,
            retry=False,
            declare=[] if name in declared else None,  # None: the routed queue, declared
            **options,
        )
    except Exception:
        _forget_producer()  # the next publish connects again
        raise
    declared.add(name)
