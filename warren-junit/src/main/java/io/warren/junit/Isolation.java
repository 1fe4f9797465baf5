package io.warren.junit;

/** What one test leaves for the next when they share a broker. */
public enum Isolation {
  /**
   * Each test gets a vhost of its own (created before it, deleted with everything in it after
   * it); injected URIs and connection factories point at it.
   */
  VHOST_PER_TEST,
  /**
   * Tests share the default vhost; after each test every queue in it is purged (ready messages
   * dropped, as {@code queue.purge}). Declared queues, exchanges and bindings stay.
   */
  PURGE_BETWEEN_TESTS,
  /** Tests share the default vhost and whatever they leave in it. */
  NONE
}
