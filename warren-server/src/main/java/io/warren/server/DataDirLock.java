package io.warren.server;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** An exclusive OS lock on {@code <data>/.lock}, so two brokers never share one data folder. */
final class DataDirLock implements AutoCloseable {

  static final class AlreadyLockedException extends IOException {
    AlreadyLockedException(Path dir) {
      super("data folder " + dir.toAbsolutePath() + " is in use by another Warren process");
    }
  }

  private final FileChannel channel;
  private final FileLock lock;

  private DataDirLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  static DataDirLock acquire(Path dataDir) throws IOException {
    Files.createDirectories(dataDir);
    FileChannel channel = FileChannel.open(dataDir.resolve(".lock"), StandardOpenOption.CREATE,
        StandardOpenOption.WRITE);
    try {
      FileLock lock = channel.tryLock();
      if (lock == null) {
        channel.close();
        throw new AlreadyLockedException(dataDir);
      }
      return new DataDirLock(channel, lock);
    } catch (OverlappingFileLockException e) {
      channel.close();
      throw new AlreadyLockedException(dataDir);
    }
  }

  @Override
  public void close() throws IOException {
    lock.release();
    channel.close();
  }
}
