"""Celery application: configured from Django settings (``CELERY_*``), tasks autodiscovered."""

from __future__ import annotations

import contextlib
import dataclasses
import os
import threading
from binascii import b2a_base64
from typing import TYPE_CHECKING

from celery import Celery
from celery.app.task import extract_exec_options
from celery.local import Proxy
from celery.signals import after_task_publish, before_task_publish, task_postrun, task_prerun
from kombu.utils.json import JSONEncoder
from kombu.utils.json import dumps as json_dumps
from kombu.utils.uuid import uuid

if TYPE_CHECKING:
    from redis import ConnectionPool

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
    """This thread's producer for ``publish``: (key, producer, queues declared on it), the
    message templates made on it (``_template``) and, on Redis, the connection taken from
    its channel's pool that ``_RedisPush.push`` sends on."""

    held: tuple | None = None
    templates: dict = {}  # noqa: RUF012 - set per thread by _producer
    redis: tuple | None = None  # (pool, connection)


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
    redis, _held.redis = _held.redis, None
    _held.templates = {}
    if redis is not None:
        # A failed command may have left half a command or an unread reply on it: closed,
        # and given back to its pool (which goes with the producer's channel).
        pool, conn = redis
        with contextlib.suppress(Exception):
            conn.disconnect()
            pool.release(conn)
    if held is not None:
        # A broken connection is dropped whatever it says on the way out.
        with contextlib.suppress(Exception):
            held[1].connection.release()


@dataclasses.dataclass(frozen=True)
class _Template:
    """What every message of one task to one queue shares, as Celery makes it: the headers,
    properties and body options of ``amqp.create_task_message`` for an empty call, and the
    arguments ``send_task_message`` would pass to ``Producer.publish``."""

    headers: dict
    properties: dict
    embed: dict
    publish_kwargs: dict
    # On Redis: how kombu's transport pushes this queue's messages; None elsewhere.
    redis: _RedisPush | None = None

    def message(self, args: tuple) -> tuple[tuple, dict, dict]:
        """(body, headers, properties) of a call with ``args`` under a new task id."""
        task_id = uuid()
        headers = {**self.headers, "id": task_id, "root_id": task_id, "argsrepr": repr(args)}
        return (args, {}, self.embed), headers, {**self.properties, "correlation_id": task_id}


# kombu's JSON encoder, made once: ``kombu.utils.json.dumps`` makes one per call, and its
# ``encode`` is what that call runs (same output, same types: dates, decimals, UUIDs...).
_json = JSONEncoder()
# Where a call's own values go in the pre-encoded envelope: strings JSON cannot hold as
# they are (a NUL), so no constant part of a message can be mistaken for one.
_FIELDS = {"id": 3, "argsrepr": 1, "body": 1, "tag": 1}  # name: places in the envelope


@dataclasses.dataclass(frozen=True)
class _RedisPush:
    """A template's messages as kombu's Redis transport pushes them
    (``Channel.basic_publish`` and ``_put`` for the anonymous exchange): the JSON envelope of
    the base64 body, with its headers and properties, LPUSHed onto the queue's list.

    Issue 10: the envelope is JSON-encoded once (``envelope``, with %-placeholders where the
    call's task id, argument repr, body and delivery tag go), and the LPUSH goes out on a
    connection this thread keeps (``_redis_connection``): kombu's ``dumps`` of the whole
    envelope, the pool's get/release and redis-py's command stack cost several times the
    push itself. ``tests/integration/test_publish.py`` holds the bytes to kombu's own."""

    pool: ConnectionPool  # the producer channel's
    lpush: bytes  # the command, but the message: ``command``
    envelope: bytes  # the message, but the call's own values: ``encode``
    embed: dict

    @classmethod
    def make(
        cls, pool: ConnectionPool, key: str, template: _Template, delivery: dict
    ) -> _RedisPush | None:
        """The envelope ``_put`` would dump for a call of ``template``, pre-encoded; None if
        a constant part happened to hold a placeholder's text."""
        mark = {name: f"\0{name}\0" for name in _FIELDS}
        envelope = {
            "body": mark["body"],
            "content-encoding": "utf-8",
            "content-type": "application/json",
            "headers": {
                **template.headers,
                "id": mark["id"],
                "root_id": mark["id"],
                "argsrepr": mark["argsrepr"],
            },
            "properties": {
                **template.properties,
                "correlation_id": mark["id"],
                **delivery,
                "delivery_tag": mark["tag"],
            },
        }
        text = json_dumps(envelope).replace("%", "%%")  # ASCII: kombu's dumps escapes the rest
        for name, places in _FIELDS.items():
            encoded = _json.encode(mark[name])[1:-1]
            if text.count(encoded) != places:
                return None
            text = text.replace(encoded, f"%({name})s")
        # The LPUSH as redis-py's ``pack_command`` writes it (RESP: an array of bulk strings),
        # but the message's length and bytes, which ``command`` completes.
        queue = pool.get_encoder().encode(key)
        lpush = b"*3\r\n$5\r\nLPUSH\r\n$%d\r\n%b\r\n" % (len(queue), queue)
        return cls(
            pool=pool,
            lpush=lpush.replace(b"%", b"%%") + b"$%d\r\n%b\r\n",
            envelope=text.encode("ascii"),
            embed=template.embed,
        )

    def encode(self, args: tuple, task_id: str, tag: str) -> bytes:
        """The envelope of a call with ``args``: what kombu's ``dumps`` makes of it."""
        body = _json.encode((args, {}, self.embed)).encode()
        return self.envelope % {
            b"id": task_id.encode(),
            b"argsrepr": _json.encode(repr(args))[1:-1].encode(),
            b"body": b2a_base64(body, newline=False),  # base64.b64encode without its checks
            b"tag": tag.encode(),
        }

    def command(self, payload: bytes) -> bytes:
        """The LPUSH of ``payload`` onto the queue's list, packed for the wire."""
        return self.lpush % (len(payload), payload)

    def push(self, args: tuple) -> None:
        """LPUSH a new message of a call with ``args`` (redis-py's reply parsing, errors and
        retry policy, on this thread's connection)."""
        command = [self.command(self.encode(args, uuid(), uuid()))]
        pool = self.pool
        conn = _redis_connection(pool)
        # What the pool checks when it hands a connection out: connected, and nothing left
        # to read (a connection the server closed while idle is replaced, not failed).
        pool.ensure_connection(conn)

        def send():
            conn.send_packed_command(command)
            return conn.read_response()

        # As Redis.execute_command: retried as the connection's policy says, disconnected
        # on each failure; errors are raised to ``publish``, which forgets the connection.
        conn.retry.call_with_retry(send, lambda _error: conn.disconnect())
        if conn.should_reconnect():  # a maintenance notice asked for a new one
            conn.disconnect()


def _redis_connection(pool: ConnectionPool):
    """This thread's connection from ``pool`` (the producer channel's), taken once: the
    pool's get and release (a lock, a readiness check, metrics) cost more than the push."""
    held = _held.redis
    if held is not None and held[0] is pool:
        return held[1]
    if held is not None:
        with contextlib.suppress(Exception):
            held[1].disconnect()
            held[0].release(held[1])
    conn = pool.get_connection()
    _held.redis = (pool, conn)
    return conn


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
    template = _Template(
        headers=headers, properties=properties, embed=body[2], publish_kwargs=publish_kwargs
    )
    return dataclasses.replace(template, redis=_redis_push(producer, queue, template))


def _redis_push(producer, queue, template: _Template) -> _RedisPush | None:
    """How to push messages of ``queue`` directly, when kombu's Redis transport would push
    them as ``_RedisPush.push`` does: JSON, uncompressed, base64 bodies, no key prefix, no
    priority, no queue expiry; None otherwise."""
    channel = producer.channel
    publish_kwargs = template.publish_kwargs
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
    return _RedisPush.make(channel.pool, queue.name, template, delivery)


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
    as kombu's transport pushes them (``_RedisPush``): the JSON envelope is encoded once per
    template and each call's id, argument repr, body and delivery tag are spliced into it
    (the same bytes as kombu's ``dumps``), and the LPUSH goes out on a connection the thread
    keeps from its channel's pool, checked as the pool checks the connections it hands out,
    with redis-py's reply parsing, errors and retry policy. Where a template cannot serve
    (``_make_template``, or receivers of the publish signals), Celery builds and sends each
    message itself (``_send_as_celery``). Eager mode (demo, unit tests) runs it as
    ``apply_async`` does. Raises what the broker raises (redis-py's errors on the direct
    push), after dropping the producer and its connection so that the next publish
    connects again: callers are outboxes that log it and leave the row for their sweep."""
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
        kwargs = template.publish_kwargs
        name = kwargs["routing_key"]
        if template.redis is not None and name in declared:
            template.redis.push(args)
        else:  # kombu's own publish, which declares the queue the first time
            body, headers, properties = template.message(args)
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
