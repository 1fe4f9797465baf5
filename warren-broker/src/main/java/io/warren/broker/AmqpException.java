package io.warren.broker;

import io.warren.codec.method.ReplyCode;
import java.nio.charset.StandardCharsets;

/**
 * An AMQP error with the reply code and text RabbitMQ would send. Whether it closes the channel
 * or the whole connection follows from the code (the spec classes each code as a soft or a hard
 * error), so handlers just throw; the channel catches soft errors and sends channel.close, the
 * connection catches hard ones and sends connection.close.
 *
 * <p>Factories take the text without the "CODE_NAME - " prefix RabbitMQ puts in front of every
 * reply text; {@link #replyText()} has it.
 */
public final class AmqpException extends RuntimeException {

  private final ReplyCode code;
  private final String replyText;
  private final int classId;
  private final int methodId;

  private AmqpException(ReplyCode code, String text, String replyText, int classId, int methodId) {
    super(text, null, false, false);
    this.code = code;
    this.replyText = fitShortstr(replyText);
    this.classId = classId;
    this.methodId = methodId;
  }

  /** Longest reply text: it travels as a shortstr. */
  private static final int MAX_REPLY_TEXT = 255;

  /**
   * A reply text that does not fit a shortstr is cut to 252 bytes followed by "...", as RabbitMQ
   * does (a long queue name in the 405 text would otherwise make the close unencodable).
   */
  static String fitShortstr(String text) {
    byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
    if (utf8.length <= MAX_REPLY_TEXT) {
      return text;
    }
    // RabbitMQ cuts bytes; cutting inside a character would leave invalid UTF-8, so back up to its start.
    int end = MAX_REPLY_TEXT - 3;
    while (end > 0 && (utf8[end] & 0xC0) == 0x80) {
      end--;
    }
    return new String(utf8, 0, end, StandardCharsets.UTF_8) + "...";
  }

  public static AmqpException of(ReplyCode code, String format, Object... args) {
    String text = args.length == 0 ? format : String.format(format, args);
    return new AmqpException(code, text, code.amqpName() + " - " + text, 0, 0);
  }

  /** An error whose complete reply text is already known (the codec's, which RabbitMQ words oddly). */
  public static AmqpException withReplyText(ReplyCode code, String replyText, int classId, int methodId) {
    return new AmqpException(code, replyText, replyText, classId, methodId);
  }

  public static AmqpException notFound(String format, Object... args) {
    return of(ReplyCode.NOT_FOUND, format, args);
  }

  public static AmqpException accessRefused(String format, Object... args) {
    return of(ReplyCode.ACCESS_REFUSED, format, args);
  }

  public static AmqpException preconditionFailed(String format, Object... args) {
    return of(ReplyCode.PRECONDITION_FAILED, format, args);
  }

  public static AmqpException resourceLocked(String format, Object... args) {
    return of(ReplyCode.RESOURCE_LOCKED, format, args);
  }

  public static AmqpException notAllowed(String format, Object... args) {
    return of(ReplyCode.NOT_ALLOWED, format, args);
  }

  public static AmqpException commandInvalid(String format, Object... args) {
    return of(ReplyCode.COMMAND_INVALID, format, args);
  }

  public static AmqpException channelError(String format, Object... args) {
    return of(ReplyCode.CHANNEL_ERROR, format, args);
  }

  public static AmqpException unexpectedFrame(String format, Object... args) {
    return of(ReplyCode.UNEXPECTED_FRAME, format, args);
  }

  public static AmqpException notImplemented(String format, Object... args) {
    return of(ReplyCode.NOT_IMPLEMENTED, format, args);
  }

  public static AmqpException frameError(String format, Object... args) {
    return of(ReplyCode.FRAME_ERROR, format, args);
  }

  public static AmqpException syntaxError(String format, Object... args) {
    return of(ReplyCode.SYNTAX_ERROR, format, args);
  }

  public static AmqpException internalError(String format, Object... args) {
    return of(ReplyCode.INTERNAL_ERROR, format, args);
  }

  /** The same error attributed to the method that caused it (reported in the close method). */
  public AmqpException during(int classId, int methodId) {
    if (this.classId != 0) {
      return this;
    }
    return new AmqpException(code, getMessage(), replyText, classId, methodId);
  }

  public ReplyCode code() {
    return code;
  }

  /** True when the error closes the connection rather than only the channel. */
  public boolean isConnectionError() {
    return code.isHardError();
  }

  /** The reply text as RabbitMQ sends it, e.g. "NOT_FOUND - no queue 'q' in vhost '/'". */
  public String replyText() {
    return replyText;
  }

  public int classId() {
    return classId;
  }

  public int methodId() {
    return methodId;
  }
}
