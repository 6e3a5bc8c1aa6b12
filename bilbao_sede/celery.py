"""Celery application: configured from Django settings (``CELERY_*``), tasks autodiscovered."""

import contextlib
import os
import threading
from dataclasses import dataclass

from celery import Celery
from celery.app.task import extract_exec_options
from celery.local import Proxy
from celery.signals import after_task_publish, before_task_publish
from kombu.utils.uuid import uuid

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bilbao_sede.settings.base")

app = Celery("bilbao_sede")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


class _Held(threading.local):
    """This thread's producer for ``publish``: (key, producer, queues declared on it), and
    the message templates made on it (``_template``)."""

    held: tuple | None = None
    templates: dict = {}  # noqa: RUF012 - set per thread by _producer


_held = _Held()


def _producer(task_app) -> tuple:
    """This thread's producer, on its own broker connection, kept from one publish to the
    next (issue 10: acquiring one from the pool and releasing it cost more than the publish
    itself). A new one in a forked child, when the app's connection pool is replaced (a
    change of broker: tests move it), or after a failed publish (``_forget_producer``).
    Connected lazily, with the broker's connect and socket timeouts
    (``CELERY_BROKER_PUBLISH_TIMEOUT``). The key holds the app and its pool themselves (an
    id is reused once its object is freed); reading the broker's URL from the configuration
    on every publish cost more than the rest of the publish's own work (~20 µs)."""
    key = (os.getpid(), task_app, task_app.pool)
    held = _held.held
    if held is None or held[0] != key:  # the app and the pool compare by identity
        _forget_producer()
        held = _held.held = (key, task_app.connection_for_write().Producer(), set())
        _held.templates = {}
    return held


def _forget_producer() -> None:
    held, _held.held = _held.held, None
    _held.templates = {}
    if held is not None:
        # A broken connection is dropped whatever it says on the way out.
        with contextlib.suppress(Exception):
            held[1].connection.release()


@dataclass(frozen=True)
class _Template:
    """What every message of one task to one queue shares, as Celery makes it: the headers,
    properties and body options of ``amqp.create_task_message`` for an empty call, and the
    arguments ``send_task_message`` would pass to ``Producer.publish``."""

    headers: dict
    properties: dict
    embed: dict
    publish_kwargs: dict

    def message(self, args: tuple) -> tuple[tuple, dict, dict]:
        """(body, headers, properties) of a call with ``args`` under a new task id."""
        task_id = uuid()
        headers = {**self.headers, "id": task_id, "root_id": task_id, "argsrepr": repr(args)}
        return (args, {}, self.embed), headers, {**self.properties, "correlation_id": task_id}


def _template(task, task_app, args: tuple) -> _Template | None:
    """The task's message template for the queue the router chooses (this thread's, as the
    reply-to address is), or None where only Celery's own path is right: an ``expires``
    (made absolute at each call), a queue on a non-direct exchange, or a receiver of the
    publish signals (instrumentation) that must see every message."""
    if before_task_publish.receivers or after_task_publish.receivers:
        return None
    amqp = task_app.amqp
    # The task's own execution options (queue, time limits, ...), as send_task merges them.
    options = {k: v for k, v in extract_exec_options(task).items() if v is not None}
    if "expires" in options:
        return None
    limits = {k: options.pop(k, None) for k in ("time_limit", "soft_time_limit")}
    queue = amqp.router.route(options, task.name, args, {}, task).get("queue")
    if isinstance(queue, str):
        queue = amqp.queues[queue]
    if queue is None or getattr(queue.exchange, "type", "direct") != "direct":
        return None
    key = (task.name, queue.name)
    found = _held.templates.get(key)
    if found is None:
        headers, properties, body, _event = amqp.create_task_message(
            "",
            task.name,
            (),
            {},
            ignore_result=task.ignore_result,
            argsrepr="()",
            kwargsrepr="{}",
            reply_to=task_app.thread_oid,
            **limits,
        )
        conf = task_app.conf
        found = _held.templates[key] = _Template(
            headers=headers,
            properties=properties,
            embed=body[2],
            # As send_task_message for a direct exchange: the anonymous exchange, the queue's
            # name as routing key, the app's serializer and compression, persistent delivery.
            publish_kwargs={
                "exchange": "",
                "routing_key": queue.name,
                "serializer": conf.task_serializer,
                "compression": conf.task_compression,
                "delivery_mode": queue.exchange.delivery_mode or conf.task_default_delivery_mode,
                "declare": [queue],
            },
        )
    return found


def publish(task, *args) -> None:
    """Publish ``task(*args)`` once (no retry loop): the message ``task.apply_async(args,
    retry=False)`` sends, routed by the app's router, with the broker's timeouts — without
    what a fire-and-forget task of an outbox does not use (result object, links, countdown,
    the task's call-time options), through this thread's kept producer (``_producer``).

    Issue 10: the publish was the largest part of the client's CPU on the registry's hot
    path. The message is Celery's own, made once per task and queue (``_template``) and
    completed with the call's id and arguments; kombu's ``Producer.publish`` sends it,
    declaring each queue once per connection as kombu's own cache would. Eager mode (demo,
    unit tests) runs it as ``apply_async`` does. Raises what the broker raises: callers are
    outboxes that log it and leave the row for their sweep."""
    if isinstance(task, Proxy):  # shared_task: resolve it once, not on every attribute
        task = task._get_current_object()
    task_app = task.app
    if task_app.conf.task_always_eager:
        task.apply_async(args, retry=False)
        return
    _key, producer, declared = _producer(task_app)
    template = _template(task, task_app, args)
    try:
        if template is None:
            task.apply_async(args, retry=False, producer=producer)
            return
        body, headers, properties = template.message(args)
        kwargs = template.publish_kwargs
        name = kwargs["routing_key"]
        producer.publish(
            body,
            retry=False,
            headers=headers,
            **{**kwargs, "declare": [] if name in declared else kwargs["declare"]},
            **properties,
        )
    except Exception:
        _forget_producer()  # the next publish connects again
        raise
    declared.add(name)
