package io.warren.ctl;

/**
 * The exit codes rabbitmqctl uses, which are BSD's sysexits.h values. Operators' scripts test
 * them (69 "unavailable" is the usual "broker down" check), so warrenctl keeps each one for the
 * same situation.
 */
final class ExitCode {

  static final int OK = 0;
  /** Wrong arguments: unknown command, option or column, a missing or extra argument. */
  static final int USAGE = 64;
  /** The input names something that is not there or cannot be read: a vhost, a definitions file. */
  static final int DATA_ERROR = 65;
  /** The named user does not exist. */
  static final int NO_USER = 67;
  /** The broker cannot be reached, or the operation's target is missing. */
  static final int UNAVAILABLE = 69;
  /** The broker refused the operation for another reason. */
  static final int SOFTWARE = 70;
  /** The broker did not answer within {@code --timeout}. */
  static final int TEMP_FAIL = 75;
  /** The management API refused the credentials, or the user lacks the tag the call needs. */
  static final int NO_PERMISSION = 77;

  private ExitCode() {}
}
