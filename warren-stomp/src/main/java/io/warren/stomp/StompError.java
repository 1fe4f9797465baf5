package io.warren.stomp;

/** A refusal the client hears as an ERROR frame ({@code message} header, details in the body); the connection then closes. */
final class StompError extends RuntimeException {

  private final String details;

  StompError(String message, String details) {
    super(message, null, false, false);
    this.details = details;
  }

  String details() {
    return details;
  }
}
