"""Celery application: configured from Django settings (``CELERY_*``), tasks autodiscovered."""

import contextlib
import os
import threading
from base64 import b64encode
from dataclasses import dataclass

from celery import Celery
from celery.app.task import extract_exec_options
from celery.local import Proxy
from celery.signals import after_task_publish, before_task_publish, task_postrun, task_prerun
from kombu.utils.json import dumps as json_dumps
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
    """This thread's producer for ``publish``: (key, producer, queues declared on it), and
    the message templates made on it (``_template``)."""

    held: tuple | None = None
    templates: dict = {}  # noqa: RUF012 - set per thread by _producer


_held = _Held()


def _producer(task_app) -> tuple:
    """This thread's producer, on its own broker connection, kept from one publish to the
    next (issue 10: acquiring one from the pool and releasing it cost more than the publish
    itself). A new one in a forked child, when the app's connection pool is replaced (a
    change of broker: tests move it) or its queues are (the templates name one), or after a
    failed publish (``_forget_producer``).
    Connected lazily, with the broker's connect and socket timeouts
    (``CELERY_BROKER_PUBLISH_TIMEOUT``). The key holds the app and its pool themselves (an
    id is reused once its object is freed); reading the broker's URL from the configuration
    on every publish cost more than the rest of the publish's own work (~20 µs)."""
    key = (os.getpid(), task_app, task_app.pool, task_app.amqp.queues)
    held = _held.held
    if held is None or held[0] != key:  # the app, pool and queues compare by identity
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
    # On Redis: the client and list kombu's transport pushes this queue's messages to, and
    # the message's delivery properties there (``_redis_push``); None elsewhere.
    redis: tuple | None = None

    def message(self, args: tuple) -> tuple[tuple, dict, dict]:
        """(body, headers, properties) of a call with ``args`` under a new task id."""
        task_id = uuid()
        headers = {**self.headers, "id": task_id, "root_id": task_id, "argsrepr": repr(args)}
        return (args, {}, self.embed), headers, {**self.properties, "correlation_id": task_id}

    def push(self, body: tuple, headers: dict, properties: dict) -> None:
        """Send the message as kombu's Redis transport does (``Channel.basic_publish`` and
        ``_put`` for the anonymous exchange): the JSON envelope of the body, in base64, with
        its headers and properties, pushed onto the queue's list. What kombu adds per
        message (the serialization's own calls, a Redis client object, the priority and
        expiry look-ups) cost more than the push itself on the registry's hot path (issue
        10); ``tests/integration/test_publish.py`` holds the envelope to kombu's own."""
        assert self.redis is not None, "only for a template made for Redis"
        client, key, delivery = self.redis
        envelope = {
            "body": b64encode(json_dumps(body).encode()).decode(),
            "content-encoding": "utf-8",
            "content-type": "application/json",
            "headers": headers,
            "properties": {**properties, **delivery, "delivery_tag": uuid()},
        }
        client.lpush(key, json_dumps(envelope))


def _template(task, task_app, producer) -> _Template | None:
    """The task's message template on this thread's producer (made once: the reply-to
    address is the thread's) for the current default queue (the router sends there what it
    routes nowhere else), or None where only Celery's own path is right (below)."""
    key = (task, task_app.conf.task_default_queue)
    try:
        return _held.templates[key]
    except KeyError:
        found = _held.templates[key] = _make_template(task, task_app, producer)
        return found


def _make_template(task, task_app, producer) -> _Template | None:
    """The template of ``task`` for the queue the router chooses, or None: routes configured
    (a router may route by the arguments), an ``expires`` (made absolute at each call), or a
    queue on a non-direct exchange."""
    if task_app.conf.task_routes:
        return None
    amqp = task_app.amqp
    # The task's own execution options (queue, time limits, ...), as send_task merges them.
    options = {k: v for k, v in extract_exec_options(task).items() if v is not None}
    if "expires" in options:
        return None
    limits = {k: options.pop(k, None) for k in ("time_limit", "soft_time_limit")}
    options = amqp.router.route(options, task.name, (), {}, task)
    queue = options.pop("queue", None)
    if isinstance(queue, str):
        queue = amqp.queues[queue]
    if (
        queue is None
        or getattr(queue.exchange, "type", "direct") != "direct"
        or set(options) - {"serializer", "compression", "delivery_mode"}  # priority ...
    ):
        return None
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
    # As send_task_message for a direct exchange: the anonymous exchange, the queue's name as
    # routing key, the task's (or the app's) serializer and compression, persistent delivery.
    publish_kwargs = {
        "exchange": "",
        "routing_key": queue.name,
        "serializer": options.get("serializer") or conf.task_serializer,
        "compression": options.get("compression") or conf.task_compression,
        "delivery_mode": options.get("delivery_mode")
        or queue.exchange.delivery_mode
        or conf.task_default_delivery_mode,
        "declare": [queue],
    }
    return _Template(
        headers=headers,
        properties=properties,
        embed=body[2],
        publish_kwargs=publish_kwargs,
        redis=_redis_push(producer, queue, publish_kwargs),
    )


def _redis_push(producer, queue, publish_kwargs: dict) -> tuple | None:
    """(client, list, delivery properties) to push messages of ``queue`` directly, when
    kombu's Redis transport would push them as ``_Template.push`` does: JSON, uncompressed,
    base64 bodies, no key prefix, no priority, no queue expiry; None otherwise."""
    channel = producer.channel
    if (
        producer.connection.transport.driver_type != "redis"
        or publish_kwargs["serializer"] != "json"
        or publish_kwargs["compression"]
        or getattr(channel, "body_encoding", None) != "base64"
        or getattr(channel, "global_keyprefix", None) != ""
        or queue.expires is not None
        or queue.max_priority is not None
    ):
        return None
    delivery = {
        "delivery_mode": publish_kwargs["delivery_mode"],
        "delivery_info": {"exchange": "", "routing_key": queue.name},
        "priority": 0,
        "body_encoding": "base64",
    }
    return channel.Client(connection_pool=channel.pool), queue.name, delivery


def _send_as_celery(task, task_app, producer, declared: set, args: tuple) -> None:
    """The message built and sent by Celery's own ``create_task_message`` and
    ``send_task_message`` for each call — what ``apply_async`` does, without its result
    object and, for a task that keeps results, without subscribing to the result backend
    (a dead backend must not hold the caller: issue 17 item 4)."""
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
    queue = options.get("queue")
    name = getattr(queue, "name", queue)
    amqp.send_task_message(
        producer,
        task.name,
        message,
        retry=False,
        declare=[] if name in declared else None,  # None: the routed queue, declared
        **options,
    )
    declared.add(name)


def publish(task, *args) -> None:
    """Publish ``task(*args)`` once (no retry loop): the message ``task.apply_async(args,
    retry=False)`` sends, routed by the app's router, with the broker's timeouts — without
    what a fire-and-forget task of an outbox does not use (result object, links, countdown,
    the task's call-time options), through this thread's kept producer (``_producer``).

    Issue 10: the publish was the largest part of the client's CPU on the registry's hot
    path. The message is Celery's own, made once per task and queue (``_template``) and
    completed with the call's id and arguments (the route, options and headers are looked
    up once, not at each call). The first message of a queue on a connection goes through
    kombu's ``Producer.publish``, which declares the queue; later ones, on Redis, are pushed
    as kombu's transport pushes them (``_Template.push``). Where a template cannot serve
    (``_make_template``, or receivers of the publish signals), Celery builds and sends each
    message itself (``_send_as_celery``). Eager mode (demo,
    unit tests) runs it as ``apply_async`` does. Raises what the broker raises: callers are
    outboxes that log it and leave the row for their sweep."""
    if isinstance(task, Proxy):  # shared_task: resolve it once, not on every attribute
        task = task._get_current_object()
    task_app = task.app
    if task_app.conf.task_always_eager:
        task.apply_async(args, retry=False)
        return
    _key, producer, declared = _producer(task_app)
    # Instrumentation listening to the publish signals must see every message: Celery's path.
    signalled = before_task_publish.receivers or after_task_publish.receivers
    template = None if signalled else _template(task, task_app, producer)
    try:
        if template is None:
            _send_as_celery(task, task_app, producer, declared, args)
            return
        body, headers, properties = template.message(args)
        kwargs = template.publish_kwargs
        name = kwargs["routing_key"]
        if template.redis is not None and name in declared:
            template.push(body, headers, properties)
        else:  # kombu's own publish, which declares the queue the first time
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
