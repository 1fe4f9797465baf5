package io.warren.it.support;

import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.warren.management.ManagementServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Black-box tests of the management HTTP API's clients (the web UI, command-line tools): the
 * embedded broker of {@link BrokerTestSupport} plus its management server on a free loopback
 * port. They need Warren itself, so they do not run against an external broker.
 */
public abstract class ManagementTestSupport extends BrokerTestSupport {

  private static ManagementServer management;

  @BeforeAll
  static void startManagement() {
    assumeFalse(external(), "the management server is Warren's own");
    management = ManagementServer.start(broker.broker(), "127.0.0.1", 0);
  }

  @AfterAll
  static void stopManagement() {
    if (management != null) {
      management.close();
      management = null;
    }
  }

  /** The management API's port. */
  protected static int managementPort() {
    return management.port();
  }

  /** {@code http://127.0.0.1:port/}: the web UI, with the API under {@code api/}. */
  protected static String managementUrl() {
    return "http://127.0.0.1:" + managementPort() + "/";
  }
}
