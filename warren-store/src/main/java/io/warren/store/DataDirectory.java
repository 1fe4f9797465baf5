package io.warren.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data folder: its layout, its format version and its lock.
 *
 * <pre>
 * data/
 *   FORMAT_VERSION        "1": the layout version; a newer number is refused, never guessed at
 *   LOCK                  held (fcntl lock) while a store has the folder open
 *   meta/metadata.log     see {@link MetadataLog}
 *   queues/&lt;queue-id&gt;/    see {@link QueueLog}
 *   queues/.deleting-*    a queue being deleted (renamed first, so a crash never leaves half a queue)
 * </pre>
 */
final class DataDirectory implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DataDirectory.class);

    static final int FORMAT_VERSION = 1;
    static final String FORMAT_VERSION_FILE = "FORMAT_VERSION";
    static final String LOCK_FILE = "LOCK";
    static final String META = "meta";
    static final String QUEUES = "queues";
    static final String DELETING_PREFIX = ".deleting-";

    final Path root;
    final Path meta;
    final Path queues;
    private final FileChannel lockChannel;
    private final FileLock lock;

    private DataDirectory(final Path root, final FileChannel lockChannel, final FileLock lock) {
        this.root = root;
        this.meta = root.resolve(META);
        this.queues = root.resolve(QUEUES);
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    static DataDirectory open(final Path root) {
        final Path absolute = root.toAbsolutePath();
        FileChannel lockChannel = null;
        try {
            Files.createDirectories(absolute);
            lockChannel = FileChannel.open(absolute.resolve(LOCK_FILE), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = lockChannel.tryLock();
            } catch (final OverlappingFileLockException sameProcess) {
                lock = null;
            }
            if (lock == null) {
                throw new StoreException("data directory " + absolute + " is in use by another message store "
                        + "(" + absolute.resolve(LOCK_FILE) + " is locked)", null);
            }
            final DataDirectory directory = new DataDirectory(absolute, lockChannel, lock);
            directory.checkFormatVersion();
            directory.createLayout();
            directory.removeUnfinishedDeletes();
            return directory;
        } catch (final IOException e) {
            closeQuietly(lockChannel);
            throw new StoreException("could not open data directory " + absolute, e);
        } catch (final RuntimeException e) {
            closeQuietly(lockChannel);
            throw e;
        }
    }

    private void checkFormatVersion() throws IOException {
        final Path file = root.resolve(FORMAT_VERSION_FILE);
        if (!Files.exists(file)) {
            final Path temp = root.resolve(FORMAT_VERSION_FILE + ".tmp");
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                channel.write(ByteBuffer.wrap((FORMAT_VERSION + "\n").getBytes(StandardCharsets.US_ASCII)));
                channel.force(true);
            }
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            SyncedFile.forceDirectory(root);
            return;
        }
        final String text = Files.readString(file, StandardCharsets.US_ASCII).trim();
        final int version;
        try {
            version = Integer.parseInt(text);
        } catch (final NumberFormatException e) {
            throw new StoreException(file + " should hold a format version number but holds '" + text + "'", null);
        }
        if (version != FORMAT_VERSION) {
            throw new StoreException("data directory " + root + " has format version " + version
                    + (version > FORMAT_VERSION ? ", written by a newer Warren" : "")
                    + "; this Warren reads format version " + FORMAT_VERSION, null);
        }
    }

    private void createLayout() throws IOException {
        boolean created = false;
        for (final Path dir : new Path[] {meta, queues}) {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir);
                created = true;
            }
        }
        if (created) {
            SyncedFile.forceDirectory(root);
        }
    }

    /** A queue deletion interrupted by a crash: the queue was already renamed away, finish removing it. */
    private void removeUnfinishedDeletes() throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(queues, DELETING_PREFIX + "*")) {
            for (final Path entry : entries) {
                LOG.info("removing {}, a queue whose deletion was interrupted", entry);
                deleteTree(entry);
            }
        }
    }

    static void deleteTree(final Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(final Path file, final BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(final Path d, final IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.deleteIfExists(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (final IOException e) {
            LOG.warn("could not release the lock on {}: {}", root, e.toString());
        }
        closeQuietly(lockChannel);
    }

    private static void closeQuietly(final FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (final IOException ignored) {
                // nothing to do
            }
        }
    }
}
