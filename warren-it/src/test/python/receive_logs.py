#!/usr/bin/env python3
"""Tutorial 3, subscriber: a private, server-named queue that receives every log line."""

from tutorial_env import connect, consume, named

exchange = named("logs")

connection = connect()
channel = connection.channel()
channel.exchange_declare(exchange=exchange, exchange_type="fanout")
# Empty name: the broker picks one (amq.gen-...); exclusive: it goes when we disconnect.
queue = channel.queue_declare(queue="", exclusive=True).method.queue
channel.queue_bind(exchange=exchange, queue=queue)


def on_message(ch, method, properties, body):
    print(f"Received '{body.decode()}'")


consume(connection, channel, queue, on_message, auto_ack=True)
connection.close()
