#!/usr/bin/python3
"""Consumes a queue with no-ack (or manual ack and no prefetch) and then never reads again.

Speaks AMQP 0-9-1 on a raw socket: a client library would keep reading. Waits until SIGTERM,
then closes the socket. Usage: stalled_consumer.py HOST PORT QUEUE noack|manual
"""
import signal
import socket
import struct
import sys
import time

host, port, queue, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]


def frame(kind, channel, payload):
    return struct.pack(">BHI", kind, channel, len(payload)) + payload + b"\xce"


def method(channel, class_id, method_id, args=b""):
    return frame(1, channel, struct.pack(">HH", class_id, method_id) + args)


def shortstr(s):
    b = s.encode()
    return struct.pack(">B", len(b)) + b


def longstr(b):
    return struct.pack(">I", len(b)) + b


def read_frame(sock):
    head = b""
    while len(head) < 7:
        head += sock.recv(7 - len(head))
    kind, channel, size = struct.unpack(">BHI", head)
    rest = b""
    while len(rest) < size + 1:
        rest += sock.recv(size + 1 - len(rest))
    return kind, channel, rest[:-1]


def expect(sock, class_id, method_id):
    while True:
        kind, _, payload = read_frame(sock)
        if kind == 1 and struct.unpack(">HH", payload[:4]) == (class_id, method_id):
            return payload[4:]


sock = socket.create_connection((host, port))
sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)
sock.sendall(b"AMQP\x00\x00\x09\x01")
expect(sock, 10, 10)
sock.sendall(method(0, 10, 11, struct.pack(">I", 0) + shortstr("PLAIN") + longstr(b"\0guest\0guest") + shortstr("en_US")))
tune = expect(sock, 10, 30)
channel_max, frame_max, _ = struct.unpack(">HIH", tune[:8])
sock.sendall(method(0, 10, 31, struct.pack(">HIH", channel_max, frame_max, 0)))
sock.sendall(method(0, 10, 40, shortstr("/") + shortstr("") + b"\x00"))
expect(sock, 10, 41)
sock.sendall(method(1, 20, 10, shortstr("")))
expect(sock, 20, 11)
no_ack = 0x02 if mode == "noack" else 0
sock.sendall(method(1, 60, 20, struct.pack(">H", 0) + shortstr(queue) + shortstr("stalled") + bytes([no_ack]) + struct.pack(">I", 0)))
expect(sock, 60, 21)
print("stalled consumer attached", flush=True)
signal.signal(signal.SIGTERM, lambda *_: (sock.close(), sys.exit(0)))
while True:
    time.sleep(1)
