package io.warren.codec;

/** A decoded content header frame. */
public record ContentHeaderFrame(int channel, ContentHeader header) {
}
