"""pika over TLS with peer verification: connects to AMQPS, round-trips one message, prints it.

Environment: TLS_PORT, CA_FILE; CLIENT_CERT and CLIENT_KEY to present a client certificate;
AUTH=external to log in with SASL EXTERNAL (pika's ExternalCredentials), else guest/guest.
Prints "CONNECTED", then "GOT <body>"; a refused connection or login prints
"REFUSED <exception class>" and exits 2.
"""
import os
import ssl
import sys

import pika
from pika.credentials import ExternalCredentials, PlainCredentials

context = ssl.create_default_context(cafile=os.environ["CA_FILE"])  # verifies the server and its name
if os.environ.get("CLIENT_CERT"):
    context.load_cert_chain(os.environ["CLIENT_CERT"], os.environ["CLIENT_KEY"])
credentials = (ExternalCredentials() if os.environ.get("AUTH") == "external"
               else PlainCredentials("guest", "guest"))
params = pika.ConnectionParameters(
    host="localhost", port=int(os.environ["TLS_PORT"]), credentials=credentials,
    ssl_options=pika.SSLOptions(context, "localhost"), connection_attempts=1, socket_timeout=5)
try:
    connection = pika.BlockingConnection(params)
except (pika.exceptions.ProbableAuthenticationError, pika.exceptions.AuthenticationError,
        pika.exceptions.ProbableAccessDeniedError, pika.exceptions.AMQPConnectionError) as e:
    print("REFUSED", type(e).__name__)
    sys.exit(2)
print("CONNECTED")
channel = connection.channel()
queue = channel.queue_declare(queue="", exclusive=True).method.queue
channel.basic_publish(exchange="", routing_key=queue, body=b"hello over TLS from pika")
for _ in range(100):
    method, properties, body = channel.basic_get(queue=queue, auto_ack=True)
    if method:
        print("GOT", body.decode())
        break
    connection.sleep(0.02)
connection.close()
