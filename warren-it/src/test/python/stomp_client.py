"""A STOMP 1.2 client for StompTest, built on Debian's python3-stomp (stomp.py).

Usage: stomp_client.py COMMAND [ARGS]; the broker is STOMP_HOST / STOMP_PORT, the login
STOMP_USER / STOMP_PASS (default guest/guest), the vhost STOMP_VHOST (default "/").

  send DEST BODY [NAME=VALUE ...]
      sends one message with those headers and a receipt; prints "RECEIPT" when it comes.
  subscribe DEST ACK COUNT [nack-first]
      subscribes (ACK = auto, client or client-individual), prints "READY", then
      "MESSAGE <destination> <redelivered> <body> <sorted custom headers>" per message,
      acknowledging each (NACKing the first once with nack-first), until COUNT came or
      10 s pass without one ("IDLE").
  transaction DEST
      BEGIN, SEND "dropped", ABORT; BEGIN, SEND "kept", COMMIT; prints "DONE".
  error DEST
      sends to DEST with a receipt and prints "ERROR <message header> | <body>" if refused.
"""

import os
import sys
import time

import stomp

STANDARD = {"destination", "message-id", "subscription", "ack", "redelivered", "content-length"}


class Listener(stomp.ConnectionListener):
    def __init__(self):
        self.messages = []
        self.errors = []
        self.receipts = []

    def on_message(self, frame):
        self.messages.append(frame)

    def on_error(self, frame):
        self.errors.append(frame)
        print("ERROR %s | %s" % (frame.headers.get("message"), frame.body.strip()))

    def on_receipt(self, frame):
        self.receipts.append(frame.headers.get("receipt-id"))


def connect():
    conn = stomp.Connection12([(os.environ.get("STOMP_HOST", "localhost"), int(os.environ.get("STOMP_PORT", "61613")))],
                            vhost=os.environ.get("STOMP_VHOST", "/"), heartbeats=(0, 0))
    listener = Listener()
    conn.set_listener("", listener)
    conn.connect(os.environ.get("STOMP_USER", "guest"), os.environ.get("STOMP_PASS", "guest"), wait=True)
    return conn, listener


def wait_for(predicate, seconds=10):
    deadline = time.time() + seconds
    while not predicate() and time.time() < deadline:
        time.sleep(0.02)
    return predicate()


def main():
    command = sys.argv[1]
    conn, listener = connect()
    if command == "send":
        headers = dict(h.split("=", 1) for h in sys.argv[4:])
        conn.send(sys.argv[2], sys.argv[3], headers=headers, receipt="r1")
        if wait_for(lambda: "r1" in listener.receipts):
            print("RECEIPT")
    elif command == "subscribe":
        dest, ack, count = sys.argv[2], sys.argv[3], int(sys.argv[4])
        nack_first = len(sys.argv) > 5 and sys.argv[5] == "nack-first"
        conn.subscribe(dest, id="s1", ack=ack, headers={"prefetch-count": "10"}, receipt="sub")
        wait_for(lambda: "sub" in listener.receipts)
        print("READY")
        handled = 0
        nacked = False
        idle_since = time.time()
        while handled < count:
            if handled < len(listener.messages):
                f = listener.messages[handled]
                handled += 1
                idle_since = time.time()
                custom = " ".join("%s=%s" % (k, v) for k, v in sorted(f.headers.items()) if k not in STANDARD)
                print("MESSAGE %s %s %s %s" % (f.headers["destination"], f.headers.get("redelivered"), f.body, custom))
                if ack != "auto":
                    if nack_first and not nacked:
                        conn.nack(f.headers["ack"])
                        nacked = True
                        count += 1
                    else:
                        conn.ack(f.headers["ack"])
            elif time.time() - idle_since > 10:
                print("IDLE")
                break
            else:
                time.sleep(0.02)
        time.sleep(0.2)
    elif command == "transaction":
        tx = conn.begin()
        conn.send(sys.argv[2], "dropped", transaction=tx)
        conn.abort(tx)
        tx = conn.begin()
        conn.send(sys.argv[2], "kept", transaction=tx)
        conn.commit(tx, receipt="c1")
        if wait_for(lambda: "c1" in listener.receipts):
            print("DONE")
    elif command == "error":
        conn.send(sys.argv[2], "x", receipt="r1")
        wait_for(lambda: listener.errors, 5)
        return
    if conn.is_connected():
        conn.disconnect()


if __name__ == "__main__":
    main()
