package io.warren.it.support;

import static org.junit.jupiter.api.Assumptions.abort;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A real file system of a few megabytes mounted on a folder, so that a test can fill a disk for
 * real: a tmpfs of the given size, or failing that a loop-mounted ext4 image. Mounting needs root
 * (or CAP_SYS_ADMIN); where neither way works the test is skipped with the reasons, not failed.
 * {@link #close()} unmounts it and removes the image.
 */
public final class SmallFilesystem implements AutoCloseable {

  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);

  private final Path mountPoint;
  private final Path image;
  private final String kind;

  private SmallFilesystem(Path mountPoint, Path image, String kind) {
    this.mountPoint = mountPoint;
    this.image = image;
    this.kind = kind;
  }

  /**
   * Mounts a file system of {@code bytes} on {@code mountPoint} (created if missing; must be
   * empty). {@code scratch} holds the ext4 image if a tmpfs cannot be mounted. Skips the calling
   * test (JUnit assumption) when no way works here.
   */
  public static SmallFilesystem mount(Path mountPoint, Path scratch, long bytes) {
    List<String> failures = new ArrayList<>();
    if (!System.getProperty("os.name", "").startsWith("Linux")) {
      abort("mounting a small file system needs Linux");
    }
    try {
      Files.createDirectories(mountPoint);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ProcessRunner.Result tmpfs = run("mount", "-t", "tmpfs", "-o", "size=" + bytes, "tmpfs", mountPoint.toString());
    if (tmpfs.exitCode() == 0) {
      return new SmallFilesystem(mountPoint, null, "tmpfs");
    }
    failures.add("tmpfs: " + tmpfs.output().strip());
    Path image = scratch.resolve("small-fs-" + System.nanoTime() + ".ext4");
    ProcessRunner.Result made = run("bash", "-c", "truncate -s " + bytes + " '" + image + "' && mkfs.ext4 -q -F -m 0 '"
        + image + "' && mount -o loop '" + image + "' '" + mountPoint + "'");
    if (made.exitCode() == 0) {
      return new SmallFilesystem(mountPoint, image, "ext4 on a loop device");
    }
    failures.add("ext4 image: " + made.output().strip());
    deleteQuietly(image);
    return abort("cannot mount a small file system here (needs root or CAP_SYS_ADMIN): " + String.join("; ", failures));
  }

  public Path path() {
    return mountPoint;
  }

  /** "tmpfs" or "ext4 on a loop device", for messages. */
  public String kind() {
    return kind;
  }

  /** Free bytes, as the broker's disk alarm sees them. */
  public long usableSpace() {
    try {
      return Files.getFileStore(mountPoint).getUsableSpace();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    ProcessRunner.Result unmounted = run("umount", mountPoint.toString());
    if (unmounted.exitCode() != 0) {
      // something still holds a file open: detach now, the kernel frees it when that closes
      run("umount", "-l", mountPoint.toString());
    }
    if (image != null) {
      deleteQuietly(image);
    }
  }

  private static ProcessRunner.Result run(String... command) {
    try {
      return ProcessRunner.run(null, Map.of(), COMMAND_TIMEOUT, List.of(command));
    } catch (UncheckedIOException e) {
      return new ProcessRunner.Result(-1, e.getMessage()); // no such program here
    }
  }

  private static void deleteQuietly(Path path) {
    try {
      Files.deleteIfExists(path);
    } catch (IOException ignored) {
      // a leftover image in the test's temporary folder goes with it
    }
  }
}
