package io.warren.store;

import java.io.IOException;

/**
 * A store operation failed because of the file system: disk full, file size limit, I/O error,
 * a failed fsync, or a data directory that cannot be used. The message names the file. After a
 * failed append or ack the log is still consistent: the failed record is not in it.
 */
public final class StoreException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final boolean outOfSpace;

    public StoreException(final String message, final Throwable cause) {
        super(cause instanceof IOException && cause.getMessage() != null
                ? message + ": " + cause.getMessage() : message, cause);
        this.outOfSpace = isOutOfSpace(cause);
    }

    /**
     * Whether the cause was a lack of space: no space left on the device, a disk quota, or the
     * process's file size limit. The broker should then block publishers until space is freed.
     */
    public boolean isOutOfSpace() {
        return outOfSpace;
    }

    private static boolean isOutOfSpace(final Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            final String text = t.getMessage();
            if (t instanceof IOException && text != null
                    && (text.contains("No space left on device") || text.contains("Disk quota exceeded")
                    || text.contains("File too large") || text.contains("There is not enough space"))) {
                return true;
            }
        }
        return false;
    }
}
