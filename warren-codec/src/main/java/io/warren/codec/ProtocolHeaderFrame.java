package io.warren.codec;

/**
 * The outcome of the 8-byte protocol header a client sends first.
 *
 * <p>RabbitMQ 3.10 accepts {@code "AMQP" 0 0 9 1} and also {@code "AMQP" 1 1 0 9} (the 0-9
 * header, served as 0-9-1: its connection.start says 0-9 for both), so both are
 * {@link #ACCEPTED}. Everything else is {@link #REJECTED}; RabbitMQ then writes
 * {@code "AMQP" 0 0 9 1} and closes the socket at once, whatever was sent: {@code "AMQP" 0 0 9 0},
 * {@code "AMQP" 0 0 9 2}, AMQP 1.0 headers ({@code 0 1 0 0} and {@code 3 1 0 0}: the 1.0
 * plugin is off), {@code "AMQX"...} and {@code "GET / HTTP/1.1"} alike. (RabbitMQ also serves
 * AMQP 0-8 for {@code 1 1 8 0} and {@code 1 1 9 1}; Warren does not speak 0-8 and rejects them.)
 * It waits for all 8 bytes before answering.
 */
public enum ProtocolHeaderFrame {
    /** A header Warren serves as AMQP 0-9-1. */
    ACCEPTED,
    /** Any other 8 bytes: reply {@link Frames#PROTOCOL_HEADER} and close. */
    REJECTED
}
