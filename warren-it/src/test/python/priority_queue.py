#!/usr/bin/env python3
"""A priority queue through pika: publish with priorities, then read the queue back.

Prints the bodies in the order basic.get returns them, one per line, then the order a
consumer receives a second batch in.
"""

import pika

from tutorial_env import connect, named

queue = named("priorities")
connection = connect()
channel = connection.channel()
channel.queue_declare(queue=queue, arguments={"x-max-priority": 10})
channel.confirm_delivery()


def publish(batch):
    for body, priority in batch:
        channel.basic_publish("", queue, body, pika.BasicProperties(priority=priority))


publish([("low", 1), ("none", None), ("high", 9), ("mid", 5), ("above-max", 42)])
while True:
    method, _, body = channel.basic_get(queue, auto_ack=True)
    if method is None:
        break
    print("get", body.decode())

publish([("c-low", 2), ("c-high", 8), ("c-mid", 4)])
received = []
for method, _, body in channel.consume(queue, auto_ack=True, inactivity_timeout=5):
    if method is None:
        break
    received.append(body.decode())
    if len(received) == 3:
        break
channel.cancel()
print("consume", " ".join(received))
channel.queue_delete(queue)
connection.close()
