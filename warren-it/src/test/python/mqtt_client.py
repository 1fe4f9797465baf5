"""An MQTT 3.1.1 client for MqttTest, built on Debian's python3-paho-mqtt.

Usage: mqtt_client.py COMMAND [ARGS]; the broker is MQTT_HOST / MQTT_PORT (default
localhost:1883), the login MQTT_USER / MQTT_PASS (default: anonymous).

  subscribe CLIENT_ID CLEAN QOS TOPIC COUNT
      connects (CLEAN = 1 or 0), prints "CONNACK session_present=N", subscribes, prints
      "SUBACK <granted qos>" then "MSG <topic> <qos> <retain> <dup> <payload>" per message
      until COUNT messages came (or prints "IDLE" after 10 s without one), and disconnects.
  connect-only CLIENT_ID CLEAN
      connects, prints "CONNACK session_present=N" and disconnects cleanly.
  will CLIENT_ID TOPIC PAYLOAD
      connects with a will, prints "CONNECTED" and waits (the test kills it).
  hold CLIENT_ID
      connects, prints "CONNECTED", then "DISCONNECTED rc=N" when the broker drops it.
"""

import os
import sys
import time

import paho.mqtt.client as mqtt


def client(client_id, clean=True):
    c = mqtt.Client(client_id=client_id, clean_session=clean, protocol=mqtt.MQTTv311)
    if os.environ.get("MQTT_USER"):
        c.username_pw_set(os.environ["MQTT_USER"], os.environ.get("MQTT_PASS"))
    return c


def connect(c):
    state = {}

    def on_connect(_c, _userdata, flags, rc):
        state["rc"] = rc
        state["present"] = flags.get("session present", 0)

    c.on_connect = on_connect
    c.connect(os.environ.get("MQTT_HOST", "localhost"), int(os.environ.get("MQTT_PORT", "1883")), keepalive=30)
    c.loop_start()
    deadline = time.time() + 10
    while "rc" not in state and time.time() < deadline:
        time.sleep(0.02)
    if state.get("rc") != 0:
        print("CONNACK rc=%s" % state.get("rc"))
        sys.exit(3)
    print("CONNACK session_present=%d" % state["present"])
    return c


def subscribe(client_id, clean, qos, topic, count):
    c = client(client_id, clean == "1")
    received = []

    def on_message(_c, _userdata, msg):
        received.append(msg)
        print("MSG %s %d %d %d %s" % (msg.topic, msg.qos, int(msg.retain), int(msg.dup), msg.payload.decode()))

    def on_subscribe(_c, _userdata, _mid, granted):
        print("SUBACK %s" % " ".join(str(g) for g in granted))

    c.on_message = on_message
    c.on_subscribe = on_subscribe
    connect(c)
    c.subscribe(topic, int(qos))
    last = time.time()
    seen = 0
    while len(received) < int(count):
        if len(received) != seen:
            seen = len(received)
            last = time.time()
        if time.time() - last > 10:
            print("IDLE")
            break
        time.sleep(0.02)
    time.sleep(0.2)  # let paho send the last PUBACKs
    c.disconnect()
    c.loop_stop()


def main():
    command = sys.argv[1]
    if command == "subscribe":
        subscribe(*sys.argv[2:7])
    elif command == "connect-only":
        c = client(sys.argv[2], sys.argv[3] == "1")
        connect(c)
        c.disconnect()
        c.loop_stop()
    elif command == "will":
        c = client(sys.argv[2])
        c.will_set(sys.argv[3], sys.argv[4], qos=1)
        connect(c)
        print("CONNECTED")
        time.sleep(60)
    elif command == "hold":
        c = client(sys.argv[2])
        def on_disconnect(_c, _u, rc):
            print("DISCONNECTED rc=%d" % rc)
            _c.disconnect()  # no automatic reconnect: it would take the client id back
        c.on_disconnect = on_disconnect
        connect(c)
        print("CONNECTED")
        time.sleep(20)
    else:
        sys.exit("unknown command " + command)


if __name__ == "__main__":
    main()
