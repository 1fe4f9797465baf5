package io.warren.codec;

import io.warren.codec.method.Method;

/** A decoded method frame. */
public record MethodFrame(int channel, Method method) {
}
