#!/usr/bin/env python3
"""Tutorial 6, server: answer Fibonacci requests from the "rpc_queue".

Each request carries reply_to (where the answer goes) and correlation_id (which request it
answers); the server copies the latter onto the reply and acks the request once replied.
"""

import pika

from tutorial_env import connect, consume, named

queue = named("rpc_queue")


def fib(n):
    a, b = 0, 1
    for _ in range(n):
        a, b = b, a + b
    return a


connection = connect()
channel = connection.channel()
channel.queue_declare(queue=queue)
# One request at a time per server, so several servers share the load fairly.
channel.basic_qos(prefetch_count=1)


def on_request(ch, method, properties, body):
    n = int(body)
    print(f"fib({n}) requested")
    ch.basic_publish(
        exchange="",
        routing_key=properties.reply_to,
        properties=pika.BasicProperties(correlation_id=properties.correlation_id),
        body=str(fib(n)),
    )
    ch.basic_ack(delivery_tag=method.delivery_tag)


consume(connection, channel, queue, on_request, auto_ack=False)
connection.close()
