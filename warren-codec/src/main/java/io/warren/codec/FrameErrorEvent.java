package io.warren.codec;

/**
 * Malformed input seen by {@link FrameDecoder}. What to send and whether the decoder goes on
 * reading frames are in {@link FrameException#action()}: after {@code CLOSE} it keeps
 * decoding (the peer's connection.close-ok must still get through); after
 * {@code CLOSE_OUT_OF_SYNC} and {@code DROP} it discards all further input.
 */
public record FrameErrorEvent(FrameException error) {
}
