#!/usr/bin/env python3
"""Tutorial 2, producer: queue a task; each '.' in its text is one unit of work."""

import sys

import pika

from tutorial_env import connect, named

queue = named("task_queue")
task = " ".join(sys.argv[1:]) or "Hello World!"

connection = connect()
channel = connection.channel()
# Durable queue plus persistent messages: tasks survive a broker restart.
channel.queue_declare(queue=queue, durable=True)
channel.basic_publish(
    exchange="",
    routing_key=queue,
    body=task,
    properties=pika.BasicProperties(delivery_mode=pika.spec.PERSISTENT_DELIVERY_MODE),
)
print(f"Queued '{task}'")
connection.close()
