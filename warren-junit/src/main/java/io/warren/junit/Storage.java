package io.warren.junit;

/** Where a test broker keeps durable state. */
public enum Storage {
  /**
   * Nowhere: no data folder, nothing touches the disk. Durable exchanges, queues and persistent
   * messages are accepted as usual but live only as long as the broker. The fastest to start.
   */
  MEMORY,
  /** A fresh temporary folder, deleted when the broker stops: durable state is really written. */
  TEMPORARY_FOLDER
}
