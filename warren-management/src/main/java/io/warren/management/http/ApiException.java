package io.warren.management.http;

/**
 * An error answer in RabbitMQ's shape: an HTTP status and the JSON body
 * {@code {"error": ..., "reason": ...}}.
 */
public final class ApiException extends RuntimeException {

  private final int status;
  private final String error;
  private final String reason;

  public ApiException(int status, String error, String reason) {
    super(error + ": " + reason, null, false, false);
    this.status = status;
    this.error = error;
    this.reason = reason;
  }

  /** The body RabbitMQ sends for a missing object (also for unknown paths). */
  public static ApiException notFound() {
    return new ApiException(404, "Object Not Found", "Not Found");
  }

  public static ApiException notFound(String reason) {
    return new ApiException(404, "not_found", reason);
  }

  public static ApiException badRequest(String reason) {
    return new ApiException(400, "bad_request", reason);
  }

  /** RabbitMQ answers a refused operation with 401 not_authorised (not 403; see its TODO for 4.0). */
  public static ApiException notAuthorised(String reason) {
    return new ApiException(401, "not_authorised", reason);
  }

  public int status() {
    return status;
  }

  public String error() {
    return error;
  }

  public String reason() {
    return reason;
  }
}
