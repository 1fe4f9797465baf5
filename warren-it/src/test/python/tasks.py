"""A small Celery application whose broker is AMQP_URL and whose results travel over AMQP.

Start a worker with:   python3 -m celery -A tasks worker --pool=solo -l info
and send it work with: python3 celery_client.py

Environment: AMQP_URL (default amqp://guest:guest@localhost:5672/) and NAME_SUFFIX, which is
appended to every exchange and queue name Celery uses, so runs sharing a broker neither take
each other's tasks nor hear each other's control and event messages.
"""

import os

from celery import Celery


def broker_url():
    """AMQP_URL with kombu's name for its py-amqp transport as the scheme."""
    url = os.environ.get("AMQP_URL", "amqp://guest:guest@localhost:5672/")
    return "pyamqp://" + url.split("://", 1)[1]


suffix = os.environ.get("NAME_SUFFIX", "")
queue = "celery" + suffix
app = Celery("tasks", broker=broker_url(), backend="rpc://")
app.conf.update(
    task_default_queue=queue,
    task_default_exchange=queue,
    task_default_routing_key=queue,
    # Remote control: fanout "<name>.pidbox" and direct "reply.<name>.pidbox".
    control_exchange=queue,
    # Worker events (online, heartbeat, offline): topic exchange.
    event_exchange="celeryev" + suffix,
    # Tasks only, as JSON; a broker must not need anything else to run them.
    task_serializer="json",
    result_serializer="json",
    accept_content=["json"],
    # Give up quickly instead of retrying forever when the broker is not there.
    broker_connection_retry_on_startup=False,
    broker_connection_max_retries=0,
)


@app.task
def add(x, y):
    return x + y


@app.task(bind=True, max_retries=3)
def flaky(self, failures):
    """Fails its first `failures` attempts, each retried after a short countdown."""
    if self.request.retries < failures:
        # The countdown makes the retry an ETA task, which the worker holds unacked and
        # for which it raises its prefetch count with basic.qos.
        raise self.retry(exc=RuntimeError(f"attempt {self.request.retries} failed"),
                         countdown=0.2)
    return f"succeeded after {self.request.retries} retries"


@app.task
def fail(message):
    raise ValueError(message)
