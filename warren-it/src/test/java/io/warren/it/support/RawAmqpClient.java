package io.warren.it.support;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * A deliberately tiny AMQP 0-9-1 client that writes frames byte by byte, so tests can send what
 * no real client would: wrong protocol headers, oversized or truncated frames, content with no
 * method, methods on channels that were never opened.
 *
 * <p>It knows just enough of the protocol to get a connection to the RUNNING state (PLAIN login)
 * and to read the broker's answer to a provocation. Every read has a timeout so that a broker
 * that stays silent fails the test instead of hanging it.
 */
public final class RawAmqpClient implements Closeable {

  /** Frame type octets from the 0-9-1 spec. */
  public static final int FRAME_METHOD = 1;
  public static final int FRAME_HEADER = 2;
  public static final int FRAME_BODY = 3;
  public static final int FRAME_HEARTBEAT = 8;
  public static final int FRAME_END = 0xCE;

  /** The 0-9-1 protocol header a broker sends back when it does not like the client's. */
  public static final byte[] PROTOCOL_HEADER = {'A', 'M', 'Q', 'P', 0, 0, 9, 1};

  private static final Duration READ_TIMEOUT = Duration.ofSeconds(5);

  private final Socket socket;
  private final DataInputStream in;
  private final DataOutputStream out;
  private int frameMax;

  private RawAmqpClient(Socket socket) throws IOException {
    this.socket = socket;
    socket.setSoTimeout((int) READ_TIMEOUT.toMillis());
    socket.setTcpNoDelay(true);
    this.in = new DataInputStream(socket.getInputStream());
    this.out = new DataOutputStream(socket.getOutputStream());
  }

  /** Opens a TCP connection to the broker named by an amqp:// URI; nothing is sent yet. */
  public static RawAmqpClient connect(String amqpUri) throws IOException {
    URI uri = URI.create(amqpUri);
    int port = uri.getPort() == -1 ? 5672 : uri.getPort();
    return new RawAmqpClient(new Socket(uri.getHost(), port));
  }

  /**
   * Connects and walks the handshake up to open-ok on vhost "/" as the URI's user (guest/guest
   * if it names none) with PLAIN, accepting the broker's proposed channel-max and frame-max and
   * turning heartbeats off.
   */
  public static RawAmqpClient open(String amqpUri) throws IOException {
    return open(amqpUri, -1);
  }

  /** Like {@link #open(String)} but answers tune with the given channel-max (-1: broker's). */
  public static RawAmqpClient open(String amqpUri, int channelMax) throws IOException {
    return open(amqpUri, channelMax, 0);
  }

  /**
   * Like {@link #open(String)} but answers tune with the given channel-max (-1: the broker's)
   * and heartbeat interval in seconds.
   */
  public static RawAmqpClient open(String amqpUri, int channelMax, int heartbeat)
      throws IOException {
    RawAmqpClient c = connect(amqpUri);
    c.send(PROTOCOL_HEADER);
    c.expectMethod(0, 10, 10); // connection.start
    c.sendMethod(0, 10, 11, new Args()
        .emptyTable()
        .shortstr("PLAIN")
        .longstr(plainResponse(amqpUri))
        .shortstr("en_US"));
    Method tune = c.expectMethod(0, 10, 30);
    int proposedChannelMax = tune.args().getShort() & 0xFFFF;
    c.frameMax = tune.args().getInt();
    c.sendMethod(0, 10, 31, new Args()
        .shortUint(channelMax < 0 ? proposedChannelMax : channelMax)
        .longUint(c.frameMax)
        .shortUint(heartbeat));
    c.sendMethod(0, 10, 40, new Args().shortstr("/").shortstr("").bits(false));
    c.expectMethod(0, 10, 41);
    return c;
  }

  /** The PLAIN response for the URI's user: NUL user NUL password. */
  private static byte[] plainResponse(String amqpUri) {
    String userInfo = URI.create(amqpUri).getUserInfo();
    String[] userAndPassword = (userInfo == null ? "guest:guest" : userInfo).split(":", 2);
    String password = userAndPassword.length > 1 ? userAndPassword[1] : "";
    return ("\0" + userAndPassword[0] + "\0" + password).getBytes(StandardCharsets.UTF_8);
  }

  /** The frame-max agreed in tune/tune-ok, in bytes including the frame's 8 bytes of framing. */
  public int frameMax() {
    return frameMax;
  }

  /** Opens a channel and waits for channel.open-ok. */
  public void openChannel(int channel) throws IOException {
    sendMethod(channel, 20, 10, new Args().shortstr(""));
    expectMethod(channel, 20, 11);
  }

  /** Writes raw bytes as they are. */
  public void send(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  /** Writes one frame with a correct frame-end octet. */
  public void sendFrame(int type, int channel, byte[] payload) throws IOException {
    sendFrame(type, channel, payload, FRAME_END);
  }

  /** Writes one frame, ending it with the given octet (normally {@link #FRAME_END}). */
  public void sendFrame(int type, int channel, byte[] payload, int frameEnd) throws IOException {
    send(frame(type, channel, payload, frameEnd));
  }

  /** Encodes one frame without sending it. */
  public static byte[] frame(int type, int channel, byte[] payload, int frameEnd) {
    ByteBuffer b = ByteBuffer.allocate(8 + payload.length);
    b.put((byte) type).putShort((short) channel).putInt(payload.length).put(payload)
        .put((byte) frameEnd);
    return b.array();
  }

  /** Writes one method frame. */
  public void sendMethod(int channel, int classId, int methodId, Args args) throws IOException {
    sendFrame(FRAME_METHOD, channel, methodPayload(classId, methodId, args));
  }

  /** The payload of a method frame: class id, method id, arguments. */
  public static byte[] methodPayload(int classId, int methodId, Args args) {
    byte[] a = args.toByteArray();
    return ByteBuffer.allocate(4 + a.length).putShort((short) classId).putShort((short) methodId)
        .put(a).array();
  }

  /** A basic.publish method frame's arguments. */
  public static Args basicPublish(String exchange, String routingKey) {
    return new Args().shortUint(0).shortstr(exchange).shortstr(routingKey).bits(false, false);
  }

  /** A content header payload for class basic with no properties. */
  public static byte[] contentHeader(long bodySize) {
    return ByteBuffer.allocate(14).putShort((short) 60).putShort((short) 0).putLong(bodySize)
        .putShort((short) 0).array();
  }

  /** Publishes a complete message (method, header, one body frame) through the given channel. */
  public void publish(int channel, String exchange, String routingKey, byte[] body)
      throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    all.writeBytes(frame(FRAME_METHOD, channel,
        methodPayload(60, 40, basicPublish(exchange, routingKey)), FRAME_END));
    all.writeBytes(frame(FRAME_HEADER, channel, contentHeader(body.length), FRAME_END));
    if (body.length > 0) {
      all.writeBytes(frame(FRAME_BODY, channel, body, FRAME_END));
    }
    send(all.toByteArray());
  }

  /**
   * Reads the next frame, heartbeats included; fails if nothing arrives within the read timeout
   * and returns null if the broker closed the socket.
   */
  public Frame readFrameOrHeartbeat() throws IOException {
    return readAnyFrame();
  }

  /**
   * Reads the next frame, skipping heartbeats. Fails if nothing arrives within the read timeout;
   * returns null if the broker closed the socket.
   */
  public Frame readFrame() throws IOException {
    while (true) {
      Frame f = readAnyFrame();
      if (f == null || f.type() != FRAME_HEARTBEAT) {
        return f;
      }
    }
  }

  private Frame readAnyFrame() throws IOException {
    int type;
    try {
      type = in.read();
    } catch (SocketTimeoutException e) {
      throw new AssertionError("broker sent nothing within " + READ_TIMEOUT, e);
    } catch (IOException e) {
      return null; // connection reset: as good as closed for these tests
    }
    if (type < 0) {
      return null;
    }
    int channel = in.readUnsignedShort();
    int size = in.readInt();
    byte[] payload = new byte[size];
    in.readFully(payload);
    int end = in.readUnsignedByte();
    if (end != FRAME_END) {
      throw new IOException("broker sent frame-end " + end);
    }
    return new Frame(type, channel, payload);
  }

  /** Reads the next frame and fails unless it is the given method on the given channel. */
  public Method expectMethod(int channel, int classId, int methodId) throws IOException {
    Frame f = readFrame();
    if (f == null) {
      throw new AssertionError("broker closed the socket while " + classId + "." + methodId
          + " was expected");
    }
    Method m = f.method();
    if (f.channel() != channel || m.classId() != classId || m.methodId() != methodId) {
      throw new AssertionError("expected method " + classId + "." + methodId + " on channel "
          + channel + " but got " + m + " on channel " + f.channel());
    }
    return m;
  }

  /**
   * Reads until the broker sends connection.close, answers close-ok as a polite client does, and
   * returns what the broker said.
   */
  public CloseReason expectConnectionClose() throws IOException {
    Method m = expectMethod(0, 10, 50);
    CloseReason reason = CloseReason.read(m);
    sendMethod(0, 10, 51, new Args());
    return reason;
  }

  /** Reads until the broker sends channel.close on the channel; does not answer. */
  public CloseReason expectChannelClose(int channel) throws IOException {
    return CloseReason.read(expectMethod(channel, 20, 40));
  }

  /** Sends channel.close-ok, completing a close the broker started. */
  public void sendChannelCloseOk(int channel) throws IOException {
    sendMethod(channel, 20, 41, new Args());
  }

  /** Reads the raw bytes the broker sends until it closes the socket (at most {@code max}). */
  public byte[] readUntilClosed(int max) throws IOException {
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    try {
      int b;
      while (got.size() < max && (b = in.read()) >= 0) {
        got.write(b);
      }
    } catch (SocketTimeoutException e) {
      throw new AssertionError("broker kept the socket open; it sent " + got.size() + " bytes", e);
    } catch (IOException e) {
      // reset after the last byte: closed
    }
    return got.toByteArray();
  }

  /** True once the broker has closed the socket (reads return end of stream or reset). */
  public boolean isClosedByBroker() throws IOException {
    try {
      return in.read() < 0;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true;
    }
  }


  @Override
  public void close() throws IOException {
    socket.close();
  }

  /** One frame as read from the socket. */
  public record Frame(int type, int channel, byte[] payload) {

    /** Decodes the payload as a method frame. */
    public Method method() {
      if (type != FRAME_METHOD) {
        throw new AssertionError("expected a method frame but got frame type " + type);
      }
      ByteBuffer b = ByteBuffer.wrap(payload);
      int classId = b.getShort() & 0xFFFF;
      int methodId = b.getShort() & 0xFFFF;
      return new Method(classId, methodId, b.slice());
    }
  }

  /** A method's ids and its undecoded arguments. */
  public record Method(int classId, int methodId, ByteBuffer args) {

    /** Reads an octet from the arguments. */
    public int octet() {
      return args.get() & 0xFF;
    }

    /** Reads a long string from the arguments. */
    public String longstr() {
      byte[] s = new byte[args.getInt()];
      args.get(s);
      return new String(s, StandardCharsets.UTF_8);
    }

    /** Skips a field table in the arguments. */
    public void skipTable() {
      int len = args.getInt();
      args.position(args.position() + len);
    }

    /** Reads a short string from the arguments. */
    public String shortstr() {
      int len = args.get() & 0xFF;
      byte[] s = new byte[len];
      args.get(s);
      return new String(s, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
      return classId + "." + methodId;
    }
  }

  /** The arguments of connection.close or channel.close. */
  public record CloseReason(int replyCode, String replyText, int classId, int methodId) {

    static CloseReason read(Method m) {
      int code = m.args().getShort() & 0xFFFF;
      String text = m.shortstr();
      int classId = m.args().getShort() & 0xFFFF;
      int methodId = m.args().getShort() & 0xFFFF;
      return new CloseReason(code, text, classId, methodId);
    }
  }

  /** Builds method arguments in wire order. Consecutive bits share an octet, as the spec says. */
  public static final class Args {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final DataOutputStream data = new DataOutputStream(bytes);

    public Args octet(int v) {
      return write(() -> data.writeByte(v));
    }

    public Args shortUint(int v) {
      return write(() -> data.writeShort(v));
    }

    public Args longUint(int v) {
      return write(() -> data.writeInt(v));
    }

    public Args shortstr(String s) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      return write(() -> {
        data.writeByte(b.length);
        data.write(b);
      });
    }

    public Args longstr(byte[] b) {
      return write(() -> {
        data.writeInt(b.length);
        data.write(b);
      });
    }

    /** Packs up to eight bits into one octet, first argument in the lowest bit. */
    public Args bits(boolean... bits) {
      int v = 0;
      for (int i = 0; i < bits.length; i++) {
        if (bits[i]) {
          v |= 1 << i;
        }
      }
      return octet(v);
    }

    public Args emptyTable() {
      return longUint(0);
    }

    /** A field table of booleans, strings, ints and nested tables, in iteration order. */
    public Args table(Map<String, ?> table) {
      byte[] t = encodeTable(table);
      return write(() -> {
        data.writeInt(t.length);
        data.write(t);
      });
    }

    /** The entries of a field table without its length prefix. */
    public static byte[] encodeTable(Map<String, ?> table) {
      Args a = new Args();
      table.forEach((k, v) -> {
        a.shortstr(k);
        switch (v) {
          case Boolean b -> a.octet('t').octet(b ? 1 : 0);
          case Integer i -> a.octet('I').longUint(i);
          case String str -> a.octet('S').longstr(str.getBytes(StandardCharsets.UTF_8));
          case Map<?, ?> m -> {
            @SuppressWarnings("unchecked")
            Map<String, ?> nested = (Map<String, ?>) m;
            a.octet('F').table(nested);
          }
          default -> throw new IllegalArgumentException("no field type for " + v);
        }
      });
      return a.toByteArray();
    }

    byte[] toByteArray() {
      return bytes.toByteArray();
    }

    private Args write(IoAction a) {
      try {
        a.run();
      } catch (IOException e) {
        throw new IllegalStateException(e); // a ByteArrayOutputStream does not fail
      }
      return this;
    }

    private interface IoAction {
      void run() throws IOException;
    }
  }
}
