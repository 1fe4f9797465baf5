#!/usr/bin/env python3
"""Tutorial 5, publisher: send a log line under a dotted topic such as "kern.critical".

Usage: emit_log_topic.py [topic] [message...]
"""

import sys

from tutorial_env import connect, named

exchange = named("topic_logs")
topic = sys.argv[1] if len(sys.argv) > 1 else "anonymous.info"
line = " ".join(sys.argv[2:]) or "Hello World!"

connection = connect()
channel = connection.channel()
channel.exchange_declare(exchange=exchange, exchange_type="topic")
channel.basic_publish(exchange=exchange, routing_key=topic, body=line)
print(f"Sent {topic}:'{line}'")
connection.close()
