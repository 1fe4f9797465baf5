package io.warren.junit;

/** How long a test broker runs. */
public enum Lifetime {
  /** Started before the test class's first test, stopped after its last. */
  PER_CLASS,
  /**
   * Started by the first test class that asks for it and shared by every later one with the same
   * settings; stopped when the test run ends.
   */
  PER_JVM
}
