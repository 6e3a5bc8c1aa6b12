"""``bilbao_sede.celery.publish``: the outboxes' lean publish sends, on the real broker, the
message ``apply_async`` sends (same headers, properties and body but the task id), to the
queue the router chooses — so any worker takes it as it takes apply_async's (issue 10)."""

from __future__ import annotations

import json

import pytest

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
        raise ConnectionError("connection reset by peer")

    import redis

    monkeypatch.setattr(redis.Redis, "lpush", refused)  # what every way of sending ends in
    with pytest.raises(ConnectionError):
        publish(justificante_issue_task, 4)
    assert celery._held.held is None  # forgotten: the next publish connects again
    monkeypatch.undo()
    publish(justificante_issue_task, 5)
    assert len(_messages(private_queue)) == 4  # 1, 2, 3 and 5


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
