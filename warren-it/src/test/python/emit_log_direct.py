#!/usr/bin/env python3
"""Tutorial 4, publisher: send a log line with its severity as the routing key.

Usage: emit_log_direct.py [severity] [message...]
"""

import sys

from tutorial_env import connect, named

exchange = named("direct_logs")
severity = sys.argv[1] if len(sys.argv) > 1 else "info"
line = " ".join(sys.argv[2:]) or "Hello World!"

connection = connect()
channel = connection.channel()
channel.exchange_declare(exchange=exchange, exchange_type="direct")
channel.basic_publish(exchange=exchange, routing_key=severity, body=line)
print(f"Sent {severity}:'{line}'")
connection.close()
