package io.warren.codec;

import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCounted;

/**
 * A content body frame. {@code content} is a retained slice of the decoder's input: whoever
 * receives the frame must release it (it is {@link ReferenceCounted}, so
 * {@code ReferenceCountUtil.release(frame)} and Netty's pipeline tail do that).
 */
public record ContentBodyFrame(int channel, ByteBuf content) implements ReferenceCounted {

    @Override
    public int refCnt() {
        return content.refCnt();
    }

    @Override
    public ContentBodyFrame retain() {
        content.retain();
        return this;
    }

    @Override
    public ContentBodyFrame retain(int increment) {
        content.retain(increment);
        return this;
    }

    @Override
    public ContentBodyFrame touch() {
        content.touch();
        return this;
    }

    @Override
    public ContentBodyFrame touch(Object hint) {
        content.touch(hint);
        return this;
    }

    @Override
    public boolean release() {
        return content.release();
    }

    @Override
    public boolean release(int decrement) {
        return content.release(decrement);
    }
}
