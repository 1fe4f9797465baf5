#!/usr/bin/env python3
"""Tutorial 3, publisher: broadcast one log line to every listener of the "logs" exchange."""

import sys

from tutorial_env import connect, named

exchange = named("logs")
line = " ".join(sys.argv[1:]) or "info: Hello World!"

connection = connect()
channel = connection.channel()
channel.exchange_declare(exchange=exchange, exchange_type="fanout")
# A fanout exchange ignores the routing key.
channel.basic_publish(exchange=exchange, routing_key="", body=line)
print(f"Sent '{line}'")
connection.close()
