package io.warren.codec;

/** A heartbeat frame; the decoder only emits it for channel 0 ({@link #INSTANCE}). */
public record HeartbeatFrame(int channel) {

    /** The heartbeat on channel 0, shared so heartbeats allocate nothing. */
    public static final HeartbeatFrame INSTANCE = new HeartbeatFrame(0);
}
