#!/usr/bin/python3
"""A well-behaved client that measures how a broker serves everyone else.

Every 0.2 s it publishes one message to a queue of its own and fetches it back with basic.get;
on SIGTERM it prints `canary_rounds=N canary_worst_ms=X canary_p99_ms=Y`.
Usage: canary.py AMQP_URI
"""
import signal
import sys
import time

import pika

uri = sys.argv[1]
conn = pika.BlockingConnection(pika.URLParameters(uri))
ch = conn.channel()
queue = ch.queue_declare("", exclusive=True, auto_delete=True).method.queue
times = []
stop = False


def on_term(*_):
    global stop
    stop = True


signal.signal(signal.SIGTERM, on_term)
n = 0
while not stop:
    body = b"canary %d" % n
    n += 1
    start = time.monotonic()
    ch.basic_publish("", queue, body)
    while True:
        method, _, got = ch.basic_get(queue, auto_ack=True)
        if method is not None:
            break
    took = (time.monotonic() - start) * 1000
    if got != body:
        sys.exit("canary got someone else's message")
    times.append(took)
    if took > 50:
        print("slow round %.1f ms at %.3f" % (took, time.time()), file=sys.stderr, flush=True)
    deadline = time.monotonic() + 0.2
    while not stop and time.monotonic() < deadline:
        conn.sleep(0.02)
times.sort()
p99 = times[min(len(times) - 1, int(len(times) * 0.99))] if times else float("nan")
print("canary_rounds=%d canary_worst_ms=%.1f canary_p99_ms=%.1f" % (len(times), times[-1] if times else float("nan"), p99))
