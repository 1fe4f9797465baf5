#!/usr/bin/env python3
"""Tutorial 1, producer: put one greeting on the "hello" queue."""

import sys

from tutorial_env import connect, named

queue = named("hello")
text = " ".join(sys.argv[1:]) or "Hello World!"

connection = connect()
channel = connection.channel()
# Declaring is idempotent, so whichever side starts first creates the queue.
channel.queue_declare(queue=queue)
# The default exchange routes by queue name.
channel.basic_publish(exchange="", routing_key=queue, body=text)
print(f"Sent '{text}'")
connection.close()
