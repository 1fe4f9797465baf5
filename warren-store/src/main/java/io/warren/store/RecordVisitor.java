package io.warren.store;

import io.netty.buffer.ByteBuf;

/** Receives the records of a {@link QueueLog} during {@link QueueLog#recover(RecordVisitor)}. */
@FunctionalInterface
public interface RecordVisitor {

    /**
     * Called once per un-acked record, in append order.
     *
     * @param position the record's position, as {@link QueueLog#append} returned it
     * @param record   the record's bytes between reader and writer index. Read-only, and valid only
     *                 during this call (the store reuses it): copy what you keep, do not release it.
     */
    void onRecord(long position, ByteBuf record);
}
