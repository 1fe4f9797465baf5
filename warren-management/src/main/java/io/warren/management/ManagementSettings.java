package io.warren.management;

import io.warren.management.http.ApiResponse;
import io.warren.management.http.HttpLimits;

/**
 * How the management server guards itself and its web UI: the HTTP limits and timeouts
 * (RabbitMQ's {@code management.tcp.*} and {@code management.http_max_body_size}) and the
 * security headers of every response ({@code management.csp.policy},
 * {@code management.headers.frame_options}, {@code management.headers.content_type_options}).
 */
public record ManagementSettings(HttpLimits limits, String contentSecurityPolicy, String frameOptions,
    String contentTypeOptions) {

  /**
   * The web UI is plain files from this server: its scripts, styles and API calls stay on this
   * origin, it may not be framed by another site, and nothing is sniffed into a script.
   * (RabbitMQ's own default CSP allows inline and eval'd scripts, which Warren's UI does not use;
   * inline style attributes are allowed for the charts' colour swatches.)
   */
  public static final ManagementSettings DEFAULTS = new ManagementSettings(HttpLimits.DEFAULTS,
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
          + "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'",
      "SAMEORIGIN", "nosniff");

  public ManagementSettings withLimits(HttpLimits l) {
    return new ManagementSettings(l, contentSecurityPolicy, frameOptions, contentTypeOptions);
  }

  public ManagementSettings withContentSecurityPolicy(String policy) {
    return new ManagementSettings(limits, policy, frameOptions, contentTypeOptions);
  }

  public ManagementSettings withFrameOptions(String value) {
    return new ManagementSettings(limits, contentSecurityPolicy, value, contentTypeOptions);
  }

  public ManagementSettings withContentTypeOptions(String value) {
    return new ManagementSettings(limits, contentSecurityPolicy, frameOptions, value);
  }

  /** The response with the security headers added. */
  ApiResponse secure(ApiResponse response) {
    return response.withHeader("content-security-policy", contentSecurityPolicy)
        .withHeader("x-frame-options", frameOptions)
        .withHeader("x-content-type-options", contentTypeOptions);
  }
}
