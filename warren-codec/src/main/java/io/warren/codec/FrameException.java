package io.warren.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.warren.codec.method.Method;
import io.warren.codec.method.ReplyCode;

/**
 * Malformed input on an AMQP connection, carrying what RabbitMQ 3.10 answers to it: the
 * reply code, the exact reply text ({@link #getMessage()}), the class/method ids it puts in
 * connection.close and how it ends the connection ({@link #action()}).
 *
 * <p>The texts below were established against RabbitMQ 3.10.8 (Erlang/OTP 25) with raw
 * sockets; all but the last three are sent on channel 0 with class/method 0/0:
 * <pre>
 * frame too large     501 FRAME_ERROR - type 3, all octets = &lt;&lt;&gt;&gt;: {frame_too_large,4097,4088}
 * bad frame end       501 FRAME_ERROR - type 3, all octets = &lt;&lt;"hello"&gt;&gt;: {invalid_frame_end_marker,0}
 * unknown frame type  501 FRAME_ERROR - type 9, all octets = &lt;&lt;"abc"&gt;&gt;: unknown_frame
 *   (also: method payload under 4 bytes, header payload under 14, heartbeat with a payload)
 * unexpected frame    505 UNEXPECTED_FRAME - type 3, all octets = &lt;&lt;"abc"&gt;&gt;
 *   (header or body on channel 0, heartbeat on another channel)
 * bad shortstr        501 FRAME_ERROR - Malformed UTF-8 in shortstr
 * bad properties      541 INTERNAL_ERROR    (no " - ", when the publish is complete)
 * truncated/trailing  501 FRAME_ERROR - cannot decode &lt;&lt;0,0,14,119,...&gt;&gt;   (the method's ids)
 * on channel 0:       541 INTERNAL_ERROR instead, and the UTF-8 error names the method
 * unknown method id / malformed table in method arguments: no reply, socket closed at once
 * </pre>
 * The payload snippets are the first 16 octets ("all" when there are at most 16), printed as
 * Erlang prints them (see ErlangTerms); texts over 255 bytes are cut to 252 plus "...".
 *
 * <p>Before connection.open RabbitMQ sends none of these: it waits 3 s and closes the socket
 * (the broker's business, not the codec's). The exception has no stack trace: it is an
 * expected outcome of reading a peer's bytes, not a bug.
 */
public final class FrameException extends RuntimeException {

    /** How RabbitMQ ends the connection after this error. */
    public enum Action {
        /**
         * Send connection.close, then keep reading frames (ignoring all but close/close-ok)
         * until close-ok arrives: the frame boundaries are intact.
         */
        CLOSE,
        /**
         * Send connection.close, read nothing more (the stream is out of sync) and close the
         * socket after a grace period (RabbitMQ waits 3 s) without waiting for close-ok.
         */
        CLOSE_OUT_OF_SYNC,
        /** Send nothing and close the socket at once: RabbitMQ's reader process crashes here. */
        DROP
    }

    /** What was wrong, for tests and logs. */
    public enum Kind {
        FRAME_TOO_LARGE, BAD_FRAME_END, UNKNOWN_FRAME, UNEXPECTED_FRAME, UNKNOWN_METHOD,
        CANNOT_DECODE, MALFORMED_UTF8, MALFORMED_TABLE, MALFORMED_PROPERTIES
    }

    private static final int SNIPPET = 16;
    private static final String INTERNAL_ERROR_TEXT = "INTERNAL_ERROR";

    private final ReplyCode replyCode;
    private final int classId;
    private final int methodId;
    private final Action action;
    private final Kind kind;
    private final String detail;

    private FrameException(Kind kind, ReplyCode replyCode, String replyText, int classId,
            int methodId, Action action, String detail) {
        super(replyText, null, false, false);
        this.kind = kind;
        this.replyCode = replyCode;
        this.classId = classId;
        this.methodId = methodId;
        this.action = action;
        this.detail = detail;
    }

    /** The reply code for connection.close. */
    public ReplyCode replyCode() {
        return replyCode;
    }

    /** The reply text for connection.close (same as {@link #getMessage()}), at most 255 bytes. */
    public String replyText() {
        return getMessage();
    }

    /**
     * The reply text without RabbitMQ's {@code "CODE_NAME - "} prefix, for callers that add it
     * themselves; empty for the bare {@code "INTERNAL_ERROR"}, which RabbitMQ sends with no
     * explanation (prefer {@link #replyText()}, which is exactly what RabbitMQ sends).
     */
    public String explanation() {
        String text = getMessage();
        String prefix = replyCode.amqpName() + " - ";
        return text.startsWith(prefix) ? text.substring(prefix.length()) : "";
    }

    /** The class id RabbitMQ puts in connection.close: the failing method's, or 0. */
    public int classId() {
        return classId;
    }

    /** The method id RabbitMQ puts in connection.close: the failing method's, or 0. */
    public int methodId() {
        return methodId;
    }

    /** How to end the connection. */
    public Action action() {
        return action;
    }

    /** What was wrong. */
    public Kind kind() {
        return kind;
    }

    /** A description for logs; RabbitMQ does not send it. */
    public String detail() {
        return detail;
    }

    @Override
    public String toString() {
        return "FrameException[" + kind + ", " + replyCode.code() + " " + getMessage() + ", "
                + classId + "/" + methodId + ", " + action + (detail == null ? "" : ", " + detail)
                + "]";
    }

    /** A frame whose size exceeds the negotiated frame-max (RabbitMQ allows size == frame-max). */
    public static FrameException frameTooLarge(int type, long payloadSize, int frameMax) {
        String text = new ErlangTerms().text("type ").atom(type).text(", all octets = <<>>: ")
                .printTaggedTuple("frame_too_large", payloadSize,
                        frameMax - ProtocolConstants.FRAME_OVERHEAD)
                .toString();
        return new FrameException(Kind.FRAME_TOO_LARGE, ReplyCode.FRAME_ERROR,
                ReplyCode.FRAME_ERROR.replyText(text), 0, 0, Action.CLOSE_OUT_OF_SYNC,
                "frame of " + payloadSize + " payload bytes, frame-max " + frameMax);
    }

    /** A frame whose payload is not followed by 0xCE. */
    public static FrameException badFrameEnd(int type, ByteBuf payload, int index, int length,
            int marker) {
        String text = snippet(type, payload, index, length).text(": ")
                .printTaggedTuple("invalid_frame_end_marker", marker).toString();
        return new FrameException(Kind.BAD_FRAME_END, ReplyCode.FRAME_ERROR,
                ReplyCode.FRAME_ERROR.replyText(text), 0, 0, Action.CLOSE_OUT_OF_SYNC,
                "frame end octet " + marker);
    }

    /**
     * A frame RabbitMQ cannot classify: unknown type, method payload under 4 bytes, header
     * payload under 14, heartbeat with a payload.
     */
    public static FrameException unknownFrame(int type, ByteBuf payload, int index, int length) {
        String text = snippet(type, payload, index, length).text(": unknown_frame").toString();
        return new FrameException(Kind.UNKNOWN_FRAME, ReplyCode.FRAME_ERROR,
                ReplyCode.FRAME_ERROR.replyText(text), 0, 0, Action.CLOSE, null);
    }

    /**
     * A well-formed frame where RabbitMQ's reader does not accept one: a header or body frame
     * on channel 0, a heartbeat on another channel, any frame on a channel other than 0 before
     * the connection is open.
     */
    public static FrameException unexpectedFrame(int type, ByteBuf payload, int index, int length) {
        String text = snippet(type, payload, index, length).toString();
        return new FrameException(Kind.UNEXPECTED_FRAME, ReplyCode.UNEXPECTED_FRAME,
                ReplyCode.UNEXPECTED_FRAME.replyText(text), 0, 0, Action.CLOSE, null);
    }

    /** {@link #unexpectedFrame(int, ByteBuf, int, int)} for a decoded method (re-encodes it). */
    public static FrameException unexpectedFrame(Method method) {
        ByteBuf payload = Unpooled.buffer(64);
        try {
            payload.writeShort(method.classId()).writeShort(method.methodId());
            method.writeArguments(payload);
            return unexpectedFrame(ProtocolConstants.FRAME_METHOD, payload, 0, payload.writerIndex());
        } finally {
            payload.release();
        }
    }

    /** A class/method id pair the spec does not define: RabbitMQ's reader crashes. */
    public static FrameException unknownMethod(int classId, int methodId) {
        return new FrameException(Kind.UNKNOWN_METHOD, ReplyCode.NOT_IMPLEMENTED,
                ReplyCode.NOT_IMPLEMENTED.replyText("unknown method id {" + classId + "," + methodId + "}"),
                classId, methodId, Action.DROP, "RabbitMQ closes the socket without a reply");
    }

    /** Method arguments that are truncated or followed by extra bytes. */
    public static FrameException cannotDecode(int classId, int methodId, ByteBuf args, int index,
            int length) {
        String text = new ErlangTerms().text("cannot decode ").writeBinary(args, index, length).toString();
        return new FrameException(Kind.CANNOT_DECODE, ReplyCode.FRAME_ERROR,
                ReplyCode.FRAME_ERROR.replyText(text), classId, methodId, Action.CLOSE, null);
    }

    /** A shortstr argument that is not UTF-8 (RabbitMQ names no method for it). */
    public static FrameException malformedUtf8() {
        return new FrameException(Kind.MALFORMED_UTF8, ReplyCode.FRAME_ERROR,
                ReplyCode.FRAME_ERROR.replyText("Malformed UTF-8 in shortstr"), 0, 0, Action.CLOSE,
                null);
    }

    /**
     * A field table whose entries are malformed. In method arguments RabbitMQ's reader crashes
     * ({@link Action#DROP}); callers in other contexts re-map it (see {@link #internalError}).
     */
    public static FrameException malformedTable(String detail) {
        return new FrameException(Kind.MALFORMED_TABLE, ReplyCode.INTERNAL_ERROR,
                INTERNAL_ERROR_TEXT, 0, 0, Action.DROP, detail);
    }

    /**
     * Content properties RabbitMQ cannot decode (truncated, extra bytes, bad headers table):
     * its channel process crashes and the connection is closed with 541 "INTERNAL_ERROR".
     */
    public static FrameException malformedProperties(String detail) {
        return new FrameException(Kind.MALFORMED_PROPERTIES, ReplyCode.INTERNAL_ERROR,
                INTERNAL_ERROR_TEXT, 0, 0, Action.CLOSE, detail);
    }

    /**
     * This error as RabbitMQ reports it for a method on channel 0, which it decodes inside a
     * catch-all: UTF-8 errors keep their text but name the method; other decode errors
     * become 541 "INTERNAL_ERROR" with connection.close.
     */
    public FrameException onChannelZero(int failingClassId, int failingMethodId) {
        return switch (kind) {
            case MALFORMED_UTF8 -> new FrameException(kind, replyCode, getMessage(), failingClassId,
                    failingMethodId, Action.CLOSE, detail);
            case CANNOT_DECODE, MALFORMED_TABLE -> new FrameException(kind, ReplyCode.INTERNAL_ERROR,
                    INTERNAL_ERROR_TEXT, 0, 0, Action.CLOSE,
                    detail != null ? detail : "channel 0: " + getMessage());
            default -> this;
        };
    }

    private static ErlangTerms snippet(int type, ByteBuf payload, int index, int length) {
        boolean all = length <= SNIPPET;
        return new ErlangTerms().text("type ").atom(type).text(all ? ", all" : ", first 16")
                .text(" octets = ").printBinary(payload, index, all ? length : SNIPPET);
    }
}
