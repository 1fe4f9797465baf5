package io.warren.stomp;

/**
 * The STOMP listener's settings, named after RabbitMQ's {@code stomp.*} keys.
 *
 * @param defaultUser     {@code stomp.default_user}: who a CONNECT without login logs in as (null: refused)
 * @param defaultPass     {@code stomp.default_pass}
 * @param defaultVhost    {@code stomp.default_vhost}: the vhost when CONNECT has no {@code host} header
 * @param implicitConnect {@code stomp.implicit_connect}: whether a first frame other than CONNECT
 *                        logs in as the default user
 * @param maxFrameSize    largest frame body accepted, in bytes
 */
public record StompSettings(String defaultUser, String defaultPass, String defaultVhost, boolean implicitConnect,
    int maxFrameSize) {

  /** RabbitMQ's STOMP port. */
  public static final int DEFAULT_PORT = 61613;

  /** RabbitMQ's defaults: guest/guest, vhost "/", no implicit connect. */
  public static StompSettings defaults() {
    return new StompSettings("guest", "guest", "/", false, 16 * 1024 * 1024);
  }

  public StompSettings withDefaultUser(String user, String pass) {
    return new StompSettings(user, pass, defaultVhost, implicitConnect, maxFrameSize);
  }

  public StompSettings withDefaultVhost(String v) {
    return new StompSettings(defaultUser, defaultPass, v, implicitConnect, maxFrameSize);
  }

  public StompSettings withImplicitConnect(boolean v) {
    return new StompSettings(defaultUser, defaultPass, defaultVhost, v, maxFrameSize);
  }
}
