package io.warren.codec;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.warren.codec.method.BasicPublish;
import io.warren.codec.method.Method;
import io.warren.codec.method.MethodDecoder;
import java.util.List;

/**
 * Turns a connection's bytes into frame events: first one {@link ProtocolHeaderFrame}, then
 * {@link MethodFrame}, {@link ContentHeaderFrame}, {@link ContentBodyFrame} (release it!) and
 * {@link HeartbeatFrame}; malformed input becomes a {@link FrameErrorEvent} instead of an
 * exception.
 *
 * <p>Frame layout (section 4.2.3):
 * <pre>
 * +------+---------+-------------+-----------------+-----------+
 * | type | channel | size        | payload         | frame-end |
 * | 1    | 2       | 4           | size bytes      | 0xCE      |
 * +------+---------+-------------+-----------------+-----------+
 * </pre>
 * A frame is looked at only once all of it has arrived (one byte at a time is fine); the
 * size is checked as soon as the 7 header bytes are in, like RabbitMQ, so an oversized frame
 * is refused before its payload is buffered.
 *
 * <p>Checks made here, with RabbitMQ 3.10's answers (see {@link FrameException}): the size
 * against frame-max (RabbitMQ lets {@code size == frame-max} through, 8 bytes more than the
 * spec, because clients get it wrong), the frame end, the type, heartbeats with a payload or
 * on a channel other than 0, header and body frames on channel 0, and everything
 * {@link MethodDecoder} and {@link ContentHeader#decode} check. What depends on the
 * connection's state (frames before open, content out of order) is the broker's.
 *
 * <p>A basic.publish or content header frame that repeats the previous one byte for byte is
 * handed out again as the same (immutable) object: see {@link RepeatedFrames}.
 *
 * <p>Decoding can be paused ({@link #pause()}): frames already read stay undecoded until
 * {@link #resume()}, so a connection that stops reading its socket also stops acting on what
 * one socket read brought in. A 64 KB read can hold two thousand basic.get requests, and
 * answering all of them would buffer megabytes for a client that may never read them.
 *
 * <p>One instance per connection, used on its event loop only.
 */
public final class FrameDecoder extends ByteToMessageDecoder {

    private enum State { AWAIT_PROTOCOL_HEADER, FRAMES, DISCARD }

    private static final int PROTOCOL_HEADER_SIZE = 8;

    private State state = State.AWAIT_PROTOCOL_HEADER;
    private int maxFrameSize;
    private final RepeatedFrames repeated = new RepeatedFrames();
    /** Bytes and socket reads seen, for the management API (recv_oct, recv_cnt); one write per read. */
    private volatile long bytesRead;
    private volatile long reads;
    private boolean paused;
    private ChannelHandlerContext ctx;

    /**
     * @param maxFrameSize frame-max in force, frame overhead included; 0 for no limit. Before
     *     tune-ok RabbitMQ applies {@link ProtocolConstants#FRAME_MIN_SIZE} (4096): pass that.
     */
    public FrameDecoder(int maxFrameSize) {
        setMaxFrameSize(maxFrameSize);
    }

    /** Sets frame-max, e.g. the value negotiated by connection.tune-ok. */
    public void setMaxFrameSize(int maxFrameSize) {
        if (maxFrameSize < 0) {
            throw new IllegalArgumentException("frame-max " + maxFrameSize);
        }
        this.maxFrameSize = maxFrameSize;
    }

    /** Bytes received on this connection so far. */
    public long bytesRead() {
        return bytesRead;
    }

    /** Socket reads so far (each may carry many frames, or part of one). */
    public long reads() {
        return reads;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof ByteBuf b) {
            bytesRead += b.readableBytes();
            reads++;
        }
        super.channelRead(ctx, msg);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
        this.ctx = ctx;
        super.handlerAdded(ctx);
    }

    /** Stops handing out frames; the bytes already read wait for {@link #resume()}. */
    public void pause() {
        paused = true;
    }

    /**
     * Hands out the frames that waited while paused, in a task of their own: resuming may be
     * asked for while a frame is being handled, and decoding must not start again inside that.
     */
    public void resume() {
        if (!paused) {
            return;
        }
        paused = false;
        ctx.executor().execute(() -> {
            if (!paused && ctx.channel().isActive() && internalBuffer().isReadable()) {
                try {
                    super.channelRead(ctx, io.netty.buffer.Unpooled.EMPTY_BUFFER); // decodes what is buffered
                    channelReadComplete(ctx);
                } catch (Exception e) {
                    ctx.fireExceptionCaught(e);
                }
            }
        });
    }

    /** The frame-max in force. */
    public int maxFrameSize() {
        return maxFrameSize;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (paused) {
            return; // leaves the bytes where they are: ByteToMessageDecoder stops its loop
        }
        switch (state) {
            case AWAIT_PROTOCOL_HEADER -> decodeProtocolHeader(in, out);
            case FRAMES -> decodeFrame(in, out);
            case DISCARD -> in.skipBytes(in.readableBytes());
        }
    }

    private void decodeProtocolHeader(ByteBuf in, List<Object> out) {
        if (in.readableBytes() < PROTOCOL_HEADER_SIZE) {
            return;
        }
        int at = in.readerIndex();
        boolean amqp = in.getByte(at) == 'A' && in.getByte(at + 1) == 'M'
                && in.getByte(at + 2) == 'Q' && in.getByte(at + 3) == 'P';
        int version = in.getInt(at + 4);
        if (amqp && (version == 0x00000901 || version == 0x01010009)) {
            in.skipBytes(PROTOCOL_HEADER_SIZE);
            state = State.FRAMES;
            out.add(ProtocolHeaderFrame.ACCEPTED);
        } else {
            in.skipBytes(in.readableBytes());
            state = State.DISCARD;
            out.add(ProtocolHeaderFrame.REJECTED);
        }
    }

    private void decodeFrame(ByteBuf in, List<Object> out) {
        if (in.readableBytes() < ProtocolConstants.FRAME_HEADER_SIZE) {
            return;
        }
        int start = in.readerIndex();
        int type = in.getUnsignedByte(start);
        int channel = in.getUnsignedShort(start + 1);
        long size = in.getUnsignedInt(start + 3);
        long limit = maxFrameSize == 0
                ? Integer.MAX_VALUE - ProtocolConstants.FRAME_OVERHEAD - 1 : maxFrameSize;
        if (size > limit) {
            fail(in, out, FrameException.frameTooLarge(type, size, maxFrameSize));
            return;
        }
        if (in.readableBytes() < ProtocolConstants.FRAME_OVERHEAD + size) {
            return;
        }
        int payloadStart = start + ProtocolConstants.FRAME_HEADER_SIZE;
        int payloadLength = (int) size;
        int payloadEnd = payloadStart + payloadLength;
        int frameEnd = in.getUnsignedByte(payloadEnd);
        if (frameEnd != ProtocolConstants.FRAME_END) {
            fail(in, out, FrameException.badFrameEnd(type, in, payloadStart, payloadLength, frameEnd));
            return;
        }
        Object frame;
        try {
            frame = switch (type) {
                case ProtocolConstants.FRAME_METHOD -> decodeMethodFrame(in, channel, payloadStart, payloadEnd);
                case ProtocolConstants.FRAME_HEADER -> decodeHeader(in, channel, payloadStart, payloadEnd);
                case ProtocolConstants.FRAME_BODY -> {
                    if (channel == 0) {
                        throw FrameException.unexpectedFrame(type, in, payloadStart, payloadLength);
                    }
                    yield new ContentBodyFrame(channel, in.retainedSlice(payloadStart, payloadLength));
                }
                case ProtocolConstants.FRAME_HEARTBEAT -> {
                    if (payloadLength != 0) {
                        throw FrameException.unknownFrame(type, in, payloadStart, payloadLength);
                    }
                    if (channel != 0) {
                        throw FrameException.unexpectedFrame(type, in, payloadStart, payloadLength);
                    }
                    yield HeartbeatFrame.INSTANCE;
                }
                default -> throw FrameException.unknownFrame(type, in, payloadStart, payloadLength);
            };
        } catch (FrameException e) {
            in.readerIndex(payloadEnd + 1);
            fail(in, out, e);
            return;
        }
        in.readerIndex(payloadEnd + 1);
        out.add(frame);
    }

    /** A method frame; a basic.publish that repeats the previous one byte for byte is that frame again. */
    private MethodFrame decodeMethodFrame(ByteBuf in, int channel, int payloadStart, int payloadEnd) {
        int length = payloadEnd - payloadStart;
        boolean publish = length >= 4 && in.getInt(payloadStart) == BasicPublish.ID;
        if (publish) {
            MethodFrame frame = repeated.repeatedPublish(in, channel, payloadStart, length);
            if (frame != null) {
                return frame;
            }
        }
        MethodFrame frame = new MethodFrame(channel, decodeMethod(in, channel, payloadStart, payloadEnd));
        if (publish) {
            repeated.rememberPublish(in, channel, payloadStart, length, frame);
        }
        return frame;
    }

    /**
     * Decodes in place: the cumulation's writer index is narrowed to the payload for the
     * duration, so MethodDecoder sees exactly the payload without a slice being allocated.
     */
    private static Method decodeMethod(ByteBuf in, int channel, int payloadStart, int payloadEnd) {
        int writerIndex = in.writerIndex();
        in.setIndex(payloadStart, payloadEnd);
        try {
            return MethodDecoder.decode(in, channel);
        } finally {
            in.writerIndex(writerIndex);
        }
    }

    /** A content header frame; one that repeats the previous one byte for byte is that frame again. */
    private ContentHeaderFrame decodeHeader(ByteBuf in, int channel, int payloadStart, int payloadEnd) {
        ContentHeaderFrame frame = repeated.repeatedHeader(in, channel, payloadStart, payloadEnd - payloadStart);
        if (frame != null) {
            return frame;
        }
        int writerIndex = in.writerIndex();
        in.setIndex(payloadStart, payloadEnd);
        try {
            ContentHeader header = ContentHeader.decode(in);
            if (channel == 0) {
                throw FrameException.unexpectedFrame(ProtocolConstants.FRAME_HEADER, in,
                        payloadStart, payloadEnd - payloadStart);
            }
            frame = new ContentHeaderFrame(channel, header);
            repeated.rememberHeader(in, channel, payloadStart, payloadEnd - payloadStart, frame);
            return frame;
        } finally {
            in.writerIndex(writerIndex);
        }
    }

    private void fail(ByteBuf in, List<Object> out, FrameException error) {
        out.add(new FrameErrorEvent(error));
        if (error.action() != FrameException.Action.CLOSE) {
            state = State.DISCARD;
            in.skipBytes(in.readableBytes());
        }
    }
}
