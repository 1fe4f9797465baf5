#!/usr/bin/env python3
"""Tutorial 6, client: ask the RPC server for fib(n), one call per argument (default 30).

Replies come back on a private, server-named callback queue; the correlation id tells which
call a reply belongs to, and replies to anything else are dropped. RPC_TIMEOUT (seconds,
default 10) bounds the wait for each reply.
"""

import os
import sys
import time
import uuid

import pika

from tutorial_env import connect, named


class FibonacciClient:
    def __init__(self):
        self.connection = connect()
        self.channel = self.connection.channel()
        self.callback_queue = self.channel.queue_declare(queue="", exclusive=True).method.queue
        self.channel.basic_consume(
            queue=self.callback_queue, on_message_callback=self.on_reply, auto_ack=True)
        self.correlation_id = None
        self.answer = None

    def on_reply(self, ch, method, properties, body):
        if properties.correlation_id == self.correlation_id:
            self.answer = int(body)

    def call(self, n, timeout):
        """fib(n) from the server, or None if no reply came within timeout seconds."""
        self.correlation_id = str(uuid.uuid4())
        self.answer = None
        self.channel.basic_publish(
            exchange="",
            routing_key=named("rpc_queue"),
            properties=pika.BasicProperties(
                reply_to=self.callback_queue, correlation_id=self.correlation_id),
            body=str(n),
        )
        deadline = time.monotonic() + timeout
        while self.answer is None and time.monotonic() < deadline:
            self.connection.process_data_events(time_limit=0.1)
        return self.answer


timeout = float(os.environ.get("RPC_TIMEOUT", "10"))
client = FibonacciClient()
for n in [int(arg) for arg in sys.argv[1:]] or [30]:
    answer = client.call(n, timeout)
    if answer is None:
        sys.exit(f"No reply to fib({n}) within {timeout:g}s")
    print(f"fib({n}) = {answer}")
client.connection.close()
