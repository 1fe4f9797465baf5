#!/usr/bin/env python3
"""Tutorial 1, consumer: print what arrives on the "hello" queue."""

from tutorial_env import connect, consume, named

queue = named("hello")

connection = connect()
channel = connection.channel()
channel.queue_declare(queue=queue)


def on_message(ch, method, properties, body):
    print(f"Received '{body.decode()}'")


consume(connection, channel, queue, on_message, auto_ack=True)
connection.close()
