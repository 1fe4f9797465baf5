#!/usr/bin/env python3
"""Tutorial 5, subscriber: receive topics matching any of the given binding keys.

In a binding key '*' stands for exactly one word and '#' for zero or more words.
Usage: receive_logs_topic.py binding_key [binding_key...]
"""

import sys

from tutorial_env import connect, consume, named

binding_keys = sys.argv[1:]
if not binding_keys:
    sys.exit(f"Usage: {sys.argv[0]} binding_key [binding_key...]")

exchange = named("topic_logs")

connection = connect()
channel = connection.channel()
channel.exchange_declare(exchange=exchange, exchange_type="topic")
queue = channel.queue_declare(queue="", exclusive=True).method.queue
for binding_key in binding_keys:
    channel.queue_bind(exchange=exchange, queue=queue, routing_key=binding_key)


def on_message(ch, method, properties, body):
    print(f"Received {method.routing_key}:'{body.decode()}'")


consume(connection, channel, queue, on_message, auto_ack=True)
connection.close()
