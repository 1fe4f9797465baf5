#!/usr/bin/env python3
"""Sends tasks from tasks.py to a running worker, prints each result, then asks the worker
named by the first argument (if any) to shut down."""

import os
import sys

from tasks import add, app, fail, flaky

TIMEOUT = float(os.environ.get("RESULT_TIMEOUT", "10"))

print(f"add(2, 3) = {add.delay(2, 3).get(timeout=TIMEOUT)}")

# Several calls in flight at once: their results share this client's one reply queue.
pending = [add.delay(i, i * 10) for i in range(5)]
print(f"add(i, 10i) for i < 5 = {[r.get(timeout=TIMEOUT) for r in pending]}")

print(f"flaky(2) = {flaky.delay(2).get(timeout=TIMEOUT)}")

try:
    fail.delay("boom").get(timeout=TIMEOUT)
    print("fail('boom') returned")
except ValueError as e:
    print(f"fail('boom') raised ValueError: {e}")

if len(sys.argv) > 1:
    # Broadcast over the worker's pidbox (a fanout exchange); only the named worker obeys.
    # A worker does not answer this command: it stops instead.
    app.control.shutdown(destination=[sys.argv[1]])
    print(f"shutdown sent to {sys.argv[1]}")
