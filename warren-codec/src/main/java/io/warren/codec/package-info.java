/**
 * The AMQP 0-9-1 wire format as RabbitMQ speaks it: frames, content headers, field tables.
 *
 * <p>Reading: {@link io.warren.codec.FrameDecoder} turns a connection's bytes into
 * {@link io.warren.codec.ProtocolHeaderFrame}, {@link io.warren.codec.MethodFrame},
 * {@link io.warren.codec.ContentHeaderFrame}, {@link io.warren.codec.ContentBodyFrame} and
 * {@link io.warren.codec.HeartbeatFrame}, and malformed input into a
 * {@link io.warren.codec.FrameErrorEvent} whose {@link io.warren.codec.FrameException} holds the
 * reply code, the exact reply text and the way RabbitMQ 3.10 ends the connection. Writing:
 * {@link io.warren.codec.Frames} writes whole frames into a caller's buffer.
 *
 * <p>The method records, {@code MethodDecoder} and {@code ReplyCode} in
 * {@code io.warren.codec.method} are generated from the spec by {@code tools/generate_codec.py}.
 * Nothing here knows about the broker.
 */
package io.warren.codec;
