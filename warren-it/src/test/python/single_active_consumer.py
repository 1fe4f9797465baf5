#!/usr/bin/env python3
"""Single active consumer through pika: two consumers on two connections; only the first
receives until it cancels, then the second takes over. Prints who received what."""

import time

from tutorial_env import connect, named

queue = named("sac")
publisher = connect()
pub = publisher.channel()
pub.queue_declare(queue=queue, arguments={"x-single-active-consumer": True})
pub.confirm_delivery()

first_connection, second_connection = connect(), connect()
first, second = first_connection.channel(), second_connection.channel()
received = {"first": [], "second": []}


def recorder(name):
    def on_message(channel, method, properties, body):
        received[name].append(body.decode())
        channel.basic_ack(method.delivery_tag)
    return on_message


first.basic_consume(queue, recorder("first"), consumer_tag="first")
second.basic_consume(queue, recorder("second"), consumer_tag="second")


def pump_until(name, count, seconds=5.0):
    """Serves both connections until `name` has `count` messages (or time is up): pika's
    process_data_events returns as soon as something arrived, not after the whole time."""
    deadline = time.monotonic() + seconds
    while len(received[name]) < count and time.monotonic() < deadline:
        first_connection.process_data_events(0.05)
        second_connection.process_data_events(0.05)


for i in range(3):
    pub.basic_publish("", queue, f"a{i}")
pump_until("first", 3)
first.basic_cancel("first")
for i in range(3):
    pub.basic_publish("", queue, f"b{i}")
pump_until("second", 3)
print("first", " ".join(received["first"]))
print("second", " ".join(received["second"]))
pub.queue_delete(queue)
for c in (first_connection, second_connection, publisher):
    c.close()
