package io.warren.ctl;

import java.io.PrintStream;

/**
 * A command failed: carries the exit code and the text for stderr. Thrown anywhere below a
 * command and printed in exactly one place, {@link WarrenCtl}.
 */
final class CtlException extends RuntimeException {

  /** How rabbitmqctl lays the message out on stderr. */
  enum Style {
    /** {@code Error:} on its own line, then the message (most failed operations). */
    ERROR_HEADING,
    /** The message alone (a few "does not exist" answers, and our connection errors). */
    PLAIN,
    /** {@code Error (argument validation): message}, then the arguments and the usage. */
    USAGE
  }

  private final int exitCode;
  private final Style style;

  private CtlException(int exitCode, Style style, String message, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
    this.style = style;
  }

  /** A failed operation, printed under an {@code Error:} line. */
  static CtlException error(int exitCode, String format, Object... args) {
    return new CtlException(exitCode, Style.ERROR_HEADING, String.format(format, args), null);
  }

  /** A message printed as it is. */
  static CtlException plain(int exitCode, String format, Object... args) {
    return new CtlException(exitCode, Style.PLAIN, String.format(format, args), null);
  }

  /** Like {@link #plain} and keeps the cause (for --verbose style debugging in tests). */
  static CtlException plain(int exitCode, Throwable cause, String format, Object... args) {
    return new CtlException(exitCode, Style.PLAIN, String.format(format, args), cause);
  }

  /** Arguments that do not make sense; exits 64 and shows the command's usage. */
  static CtlException usage(String format, Object... args) {
    return usage(ExitCode.USAGE, format, args);
  }

  /** Arguments that do not make sense, with an exit code other than 64 (a missing file: 65). */
  static CtlException usage(int exitCode, String format, Object... args) {
    return new CtlException(exitCode, Style.USAGE, String.format(format, args), null);
  }

  int exitCode() {
    return exitCode;
  }

  Style style() {
    return style;
  }

  /** Writes the message the way {@link #style()} says (the USAGE tail is added by the caller). */
  void print(PrintStream err) {
    switch (style) {
      case ERROR_HEADING -> {
        err.println("Error:");
        err.println(getMessage());
      }
      case PLAIN -> err.println(getMessage());
      case USAGE -> err.println("Error (argument validation): " + getMessage());
    }
  }
}
