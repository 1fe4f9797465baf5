package io.warren.management.http;

/**
 * Looks at a request before its body is read: the answer to send instead of reading it (unknown
 * path, missing or wrong credentials, no access), or null to read the body and handle the
 * request. Only the method, path, query and headers are set; the body is empty.
 */
@FunctionalInterface
public interface RequestGate {

  /** Admits every request (a server without authentication). */
  RequestGate OPEN = head -> null;

  ApiResponse refuse(ApiRequest head);
}
