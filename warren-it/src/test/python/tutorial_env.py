"""What every tutorial program takes from its environment.

The tutorials are meant to be run by hand against a local broker, and by PythonClientsTest
against Warren or RabbitMQ; the variables below the first are what the test needs and a
person at a terminal does not:

  AMQP_URL       the broker (default amqp://guest:guest@localhost:5672/)
  NAME_SUFFIX    appended to every queue and exchange name, so concurrent runs against a
                 shared broker never see each other's messages (default: nothing)
  MESSAGE_LIMIT  a receiver exits after this many messages (default: never)
  IDLE_TIMEOUT   a receiver exits after this many seconds without a message (default: never)

Receivers print READY once their queue is declared, bound and consumed from, so whoever
starts them knows when a message published now will reach them.
"""

import os

import pika

DEFAULT_URL = "amqp://guest:guest@localhost:5672/"


def parameters():
    """Connection parameters from AMQP_URL; pika reads no path, or "/", as the vhost "/"."""
    return pika.URLParameters(os.environ.get("AMQP_URL", DEFAULT_URL))


def connect():
    return pika.BlockingConnection(parameters())


def named(base):
    """A queue or exchange name, made unique per run by NAME_SUFFIX."""
    return base + os.environ.get("NAME_SUFFIX", "")


def _number(variable):
    value = os.environ.get(variable)
    return float(value) if value else None


def ready(what=""):
    print(("READY " + what).strip(), flush=True)


def consume(connection, channel, queue, on_message, auto_ack):
    """Runs on_message for each delivery until MESSAGE_LIMIT or IDLE_TIMEOUT says stop.

    on_message(channel, method, properties, body) is the usual pika callback; acking (when
    auto_ack is False) stays its job, as in the tutorials.
    """
    limit = _number("MESSAGE_LIMIT")
    idle = _number("IDLE_TIMEOUT")
    state = {"count": 0, "timer": None}

    def arm_idle_timer():
        if idle is None:
            return
        if state["timer"] is not None:
            connection.remove_timeout(state["timer"])
        state["timer"] = connection.call_later(idle, channel.stop_consuming)

    def on_delivery(ch, method, properties, body):
        on_message(ch, method, properties, body)
        state["count"] += 1
        if limit is not None and state["count"] >= limit:
            ch.stop_consuming()
        else:
            # Re-armed after the handler, so a slow task does not count as idleness.
            arm_idle_timer()

    channel.basic_consume(queue=queue, on_message_callback=on_delivery, auto_ack=auto_ack)
    arm_idle_timer()
    ready(queue)
    channel.start_consuming()
