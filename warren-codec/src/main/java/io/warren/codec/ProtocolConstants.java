package io.warren.codec;

/** Frame-level constants of AMQP 0-9-1 (section 4.2.3 and the spec's constants). */
public final class ProtocolConstants {

    /** A method frame: class id, method id, arguments. */
    public static final int FRAME_METHOD = 1;
    /** A content header frame: class id, weight, body size, property flags and list. */
    public static final int FRAME_HEADER = 2;
    /** A content body frame: a slice of the message body. */
    public static final int FRAME_BODY = 3;
    /** A heartbeat frame: channel 0, empty payload. */
    public static final int FRAME_HEARTBEAT = 8;
    /** The octet that must follow every frame payload. */
    public static final int FRAME_END = 0xCE;
    /** The smallest frame-max a peer may negotiate, and what RabbitMQ enforces before tune-ok. */
    public static final int FRAME_MIN_SIZE = 4096;
    /** Bytes a frame adds around its payload: type, channel, size (7) and the frame end (1). */
    public static final int FRAME_OVERHEAD = 8;
    /** Bytes before a frame payload: type (1), channel (2), size (4). */
    public static final int FRAME_HEADER_SIZE = 7;

    private ProtocolConstants() {
    }
}
