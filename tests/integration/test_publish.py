"""``bilbao_sede.celery.publish``: the outboxes' lean publish sends, on the real broker, the
message ``apply_async`` sends (same headers, properties and body but the task id), to the
queue the router chooses — so any worker takes it as it takes apply_async's (issue 10)."""

from __future__ import annotations

import datetime
import decimal
import json
import uuid

import pytest
import redis

from bilbao_sede.celery import app as celery_app
from bilbao_sede.celery import publish
from registro.tasks import justificante_issue_task

pytestmark = pytest.mark.integration

QUEUE = "test-publish-shape"


@pytest.fixture
def private_queue(broker_url):
    keys = ("task_always_eager", "broker_url", "task_default_queue")
    previous = {k: celery_app.conf[k] for k in keys}
    celery_app.conf.update(task_always_eager=False, broker_url=broker_url, task_default_queue=QUEUE)
    celery_app.amqp.__dict__.pop("queues", None)  # rebuilt with the private default queue
    try:
        with celery_app.connection_for_write() as conn:
            client = conn.default_channel.client
            client.delete(QUEUE)
            yield client
            client.delete(QUEUE)
    finally:
        celery_app.conf.update(previous)
        celery_app.amqp.__dict__.pop("queues", None)


def _messages(client) -> list[dict]:
    return [json.loads(raw) for raw in reversed(client.lrange(QUEUE, 0, -1))]


def test_publish_sends_what_apply_async_sends_but_the_id(private_queue):
    justificante_issue_task.apply_async((42,), retry=False)
    publish(justificante_issue_task, 42)  # kombu's publish, declaring the queue
    publish(justificante_issue_task, 42)  # pushed onto the queue's list directly (Redis)

    sent, *lean = _messages(private_queue)
    assert len(lean) == 2
    for message in (sent, *lean):
        message["headers"].pop("id"), message["headers"].pop("root_id")
        message["properties"].pop("correlation_id"), message["properties"].pop("delivery_tag")
    for message in lean:
        assert message == sent  # envelope, headers, properties and body
        assert message["headers"]["task"] == "registro.tasks.justificante_issue_task"
        assert message["properties"]["delivery_info"]["routing_key"] == QUEUE


@pytest.mark.parametrize(
    "arg",
    [
        42,
        'ñ "quoted" \\ back %(id)s %s %% \x00 \u20ac \U0001f600',  # JSON escapes, % and NUL
        [
            decimal.Decimal("1.50"),
            datetime.datetime(2025, 1, 2, 3, 4, 5, tzinfo=datetime.UTC),
            uuid.UUID(int=7),
        ],  # kombu's encoder's own types
        [None, True, 1.5, {"k": [None], "%(body)s": ""}],
    ],
)
def test_the_pushed_bytes_are_kombus_own_for_any_arguments(private_queue, arg):
    """The lean push splices the call's values into an envelope JSON-encoded once: the bytes
    are those kombu's transport pushes for the same call (``apply_async``), ids aside and
    the argument repr (publish's has always been ``repr``, Celery's is ``saferepr``), and the
    LPUSH is redis-py's own packing of them."""
    from celery.utils.saferepr import saferepr

    from bilbao_sede import celery

    publish(justificante_issue_task, 0)  # declares the queue: the calls below are pushed
    private_queue.delete(QUEUE)
    justificante_issue_task.apply_async((arg,), retry=False)
    publish(justificante_issue_task, arg)
    sent, lean = reversed(private_queue.lrange(QUEUE, 0, -1))
    ids = {}
    for raw in (sent, lean):
        message = json.loads(raw)
        ids[raw] = (message["headers"]["id"], message["properties"]["delivery_tag"])
        assert message["headers"]["root_id"] == message["properties"]["correlation_id"]
        assert message["headers"]["root_id"] == message["headers"]["id"]
    for old, new in zip(ids[sent], ids[lean], strict=True):
        sent = sent.replace(old.encode(), new.encode())
    celerys, publishs = (
        b'"argsrepr": ' + json.dumps(text).encode()
        for text in (
            saferepr((arg,), justificante_issue_task.app.amqp.argsrepr_maxsize),
            repr((arg,)),
        )
    )
    assert celerys in sent
    sent = sent.replace(celerys, publishs)
    assert lean == sent

    template = next(iter(celery._held.templates.values()))
    conn = celery._held.redis[1]
    assert template.redis.command(lean) == b"".join(conn.pack_command("LPUSH", QUEUE, lean))


def test_publish_keeps_one_producer_per_thread_and_connects_again_after_a_failure(
    private_queue, monkeypatch
):
    import threading

    from bilbao_sede import celery

    publish(justificante_issue_task, 1)
    held = celery._held.held
    publish(justificante_issue_task, 2)
    assert celery._held.held is held  # the same connection, not one from the pool each time

    other = []
    thread = threading.Thread(
        target=lambda: (publish(justificante_issue_task, 3), other.append(celery._held.held))
    )
    thread.start()
    thread.join()
    assert other[0] is not held and other[0][1] is not held[1]  # a thread has its own

    def refused(*args, **kwargs):
        raise redis.ConnectionError("Error 104 while writing to socket. Connection reset by peer.")

    conn = celery._held.redis[1]  # the connection the lean push sends on
    with monkeypatch.context() as patched:
        # What every way of sending ends in (kombu's publish and the lean push alike).
        patched.setattr(redis.connection.Connection, "send_packed_command", refused)
        with pytest.raises(redis.ConnectionError, match="Connection reset by peer"):
            publish(justificante_issue_task, 4)
    assert celery._held.held is None  # forgotten: the next publish connects again
    assert celery._held.redis is None and conn._sock is None  # disconnected, not reused
    publish(justificante_issue_task, 5)
    publish(justificante_issue_task, 6)  # the lean push again, on a new connection
    assert celery._held.redis[1] is not conn
    assert [m["headers"]["argsrepr"] for m in _messages(private_queue)] == [
        f"({n},)" for n in (1, 2, 3, 5, 6)
    ]


def test_a_failure_the_broker_answers_is_raised_as_apply_async_raises_it(private_queue):
    """An error reply (the queue's key holds no list) reaches the caller with the message
    ``apply_async`` raises (which kombu wraps in its OperationalError; publish raises
    redis-py's, as it did when it pushed with ``Redis.lpush``) — the outbox then logs it and
    leaves the receipt pending — and the next publish, once the key is a list again, goes
    out."""
    from kombu.exceptions import OperationalError

    from bilbao_sede import celery

    publish(justificante_issue_task, 1)  # declares: later calls take the lean push
    private_queue.delete(QUEUE)
    private_queue.set(QUEUE, "not a list")
    with pytest.raises(OperationalError) as expected:
        justificante_issue_task.apply_async((2,), retry=False)
    with pytest.raises(redis.ResponseError) as raised:
        publish(justificante_issue_task, 2)
    assert str(raised.value) == str(expected.value)
    assert celery._held.held is None and celery._held.redis is None
    private_queue.delete(QUEUE)
    publish(justificante_issue_task, 3)
    publish(justificante_issue_task, 4)
    assert [m["headers"]["argsrepr"] for m in _messages(private_queue)] == ["(3,)", "(4,)"]


def test_a_connection_the_server_closed_is_replaced_as_the_pool_replaces_it(private_queue):
    """The lean push keeps its connection between calls; one the server closed meanwhile
    (a restart, an idle timeout) is found out before sending, as the pool's hand-out finds it,
    and the message goes out on a new one instead of failing."""
    from bilbao_sede import celery

    publish(justificante_issue_task, 1)
    publish(justificante_issue_task, 2)
    conn = celery._held.redis[1]
    host, port = conn._sock.getsockname()[:2]  # the server knows it by this address
    assert private_queue.client_kill_filter(addr=f"{host}:{port}") == 1
    publish(justificante_issue_task, 3)
    assert [m["headers"]["argsrepr"] for m in _messages(private_queue)] == [
        "(1,)",
        "(2,)",
        "(3,)",
    ]


def test_each_message_has_its_own_id_and_arguments(private_queue):
    """The message is made once per task and queue and completed per call: nothing of one
    call leaks into the next."""
    import base64

    publish(justificante_issue_task, 1)
    publish(justificante_issue_task, 2)
    first, second = _messages(private_queue)
    assert first["headers"]["id"] != second["headers"]["id"]
    for message, arg in ((first, 1), (second, 2)):
        task_id = message["headers"]["id"]
        assert message["headers"]["root_id"] == task_id
        assert message["properties"]["correlation_id"] == task_id
        for an_id in (task_id, message["properties"]["delivery_tag"]):  # Celery's: UUID4
            assert str(uuid.UUID(an_id, version=4)) == an_id
        assert message["headers"]["argsrepr"] == f"({arg},)"
        args, kwargs, _embed = json.loads(base64.b64decode(message["body"]))
        assert (args, kwargs) == ([arg], {})


def test_a_receiver_of_the_publish_signals_sees_the_message(private_queue):
    """Instrumentation listening to Celery's publish signals is served by Celery's own path."""
    from celery.signals import after_task_publish

    seen = []

    def receiver(sender=None, headers=None, **kwargs):
        seen.append((sender, headers["id"]))

    after_task_publish.connect(receiver)
    try:
        publish(justificante_issue_task, 9)
    finally:
        after_task_publish.disconnect(receiver)
    (message,) = _messages(private_queue)
    assert seen == [("registro.tasks.justificante_issue_task", message["headers"]["id"])]
