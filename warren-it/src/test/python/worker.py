#!/usr/bin/env python3
"""Tutorial 2, worker: do tasks one at a time and ack each only when it is done.

Each '.' in a task costs DOT_SECONDS (default 1) of pretend work. With prefetch 1 a busy
worker is given nothing more until it acks, so quick tasks go to whichever worker is free.
"""

import os
import time

from tutorial_env import connect, consume, named

queue = named("task_queue")
dot_seconds = float(os.environ.get("DOT_SECONDS", "1"))

connection = connect()
channel = connection.channel()
channel.queue_declare(queue=queue, durable=True)
channel.basic_qos(prefetch_count=1)


def on_message(ch, method, properties, body):
    task = body.decode()
    print(f"Received '{task}'")
    time.sleep(task.count(".") * dot_seconds)
    print(f"Done '{task}'")
    # Acked last: if this worker dies mid-task, the broker gives the task to another.
    ch.basic_ack(delivery_tag=method.delivery_tag)


consume(connection, channel, queue, on_message, auto_ack=False)
connection.close()
