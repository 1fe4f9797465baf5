#!/usr/bin/env python3
"""Tutorial 4, subscriber: receive only the severities named on the command line.

Usage: receive_logs_direct.py severity [severity...]
"""

import sys

from tutorial_env import connect, consume, named

severities = sys.argv[1:]
if not severities:
    sys.exit(f"Usage: {sys.argv[0]} severity [severity...]")

exchange = named("direct_logs")

connection = connect()
channel = connection.channel()
channel.exchange_declare(exchange=exchange, exchange_type="direct")
queue = channel.queue_declare(queue="", exclusive=True).method.queue
# One binding per severity; a direct exchange matches the routing key exactly.
for severity in severities:
    channel.queue_bind(exchange=exchange, queue=queue, routing_key=severity)


def on_message(ch, method, properties, body):
    print(f"Received {method.routing_key}:'{body.decode()}'")


consume(connection, channel, queue, on_message, auto_ack=True)
connection.close()
