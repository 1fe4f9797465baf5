package io.warren.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.filter.ThresholdFilter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.rolling.FixedWindowRollingPolicy;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeBasedTriggeringPolicy;
import ch.qos.logback.core.util.FileSize;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * RabbitMQ's logging keys applied to logback:
 *
 * <ul>
 *   <li>{@code log.file}: the log file (relative to {@code log.dir}), or {@code false} for none.
 *       Default: none, except in the release layout, whose {@code bin/warren} names
 *       {@code log/warren.log} (system property {@value #DEFAULT_FILE_PROPERTY}).</li>
 *   <li>{@code log.dir}: folder of a relative {@code log.file}; default the working directory.</li>
 *   <li>{@code log.file.level}, {@code log.console.level}: {@code debug}, {@code info},
 *       {@code warning}, {@code error}, {@code critical} or {@code none}; default info.</li>
 *   <li>{@code log.console}: {@code true} or {@code false}; default true.</li>
 *   <li>{@code log.file.rotation.size} (bytes, default 10 MB) and {@code log.file.rotation.count}
 *       (rotated files kept, default 5): the file is rotated by size, {@code warren.log.1} being
 *       the newest old one. RabbitMQ's date-based rotation ({@code log.file.rotation.date}) is not
 *       supported and is refused as an unknown key.</li>
 * </ul>
 */
final class Logging {

  static final String DEFAULT_FILE_PROPERTY = "warren.log.default_file";
  static final java.util.List<String> KEYS = java.util.List.of("log.file", "log.dir", "log.file.level",
      "log.console", "log.console.level", "log.file.rotation.size", "log.file.rotation.count");
  private static final String PATTERN = "%d{yyyy-MM-dd HH:mm:ss.SSS} %-5level [%thread] %logger{24} - %msg%n";
  private static final long DEFAULT_ROTATION_SIZE = 10_000_000L;
  private static final int DEFAULT_ROTATION_COUNT = 5;

  private Logging() {
  }

  /**
   * Replaces the built-in console logging with what {@code settings} (the config file's log.*
   * values, possibly none) ask for. Does nothing when neither they nor the release layout ask
   * for anything, so the packaged logback.xml applies.
   */
  static void configure(Map<String, String> settings) throws IOException {
    String defaultFile = System.getProperty(DEFAULT_FILE_PROPERTY);
    if (settings.isEmpty() && defaultFile == null) {
      return;
    }
    Level consoleLevel = level("log.console.level", settings.getOrDefault("log.console.level", "info"));
    boolean console = bool("log.console", settings.getOrDefault("log.console", "true"));
    Level fileLevel = level("log.file.level", settings.getOrDefault("log.file.level", "info"));
    String file = settings.getOrDefault("log.file", defaultFile == null ? "false" : defaultFile);
    long rotationSize = settings.containsKey("log.file.rotation.size")
        ? ByteSize.parse(settings.get("log.file.rotation.size")) : DEFAULT_ROTATION_SIZE;
    int rotationCount = DEFAULT_ROTATION_COUNT;
    if (settings.containsKey("log.file.rotation.count")) {
      try {
        rotationCount = Integer.parseInt(settings.get("log.file.rotation.count"));
      } catch (NumberFormatException e) {
        throw new IOException("'log.file.rotation.count' must be a number, not '"
            + settings.get("log.file.rotation.count") + "'");
      }
    }

    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    context.reset();
    Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    context.getLogger("io.netty").setLevel(Level.WARN);
    root.setLevel(Level.ALL); // each appender filters by its own level
    if (console) {
      ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
      start(context, appender, "console", consoleLevel);
      root.addAppender(appender);
    }
    if (!file.equals("false")) {
      Path path = Path.of(settings.getOrDefault("log.dir", "")).resolve(file).toAbsolutePath();
      RollingFileAppender<ILoggingEvent> appender = new RollingFileAppender<>();
      appender.setFile(path.toString());
      FixedWindowRollingPolicy rolling = new FixedWindowRollingPolicy();
      rolling.setContext(context);
      rolling.setParent(appender);
      rolling.setFileNamePattern(path + ".%i");
      rolling.setMinIndex(1);
      rolling.setMaxIndex(Math.max(1, rotationCount));
      SizeBasedTriggeringPolicy<ILoggingEvent> trigger = new SizeBasedTriggeringPolicy<>();
      trigger.setContext(context);
      trigger.setMaxFileSize(new FileSize(rotationSize));
      appender.setRollingPolicy(rolling);
      appender.setTriggeringPolicy(trigger);
      rolling.start();
      trigger.start();
      start(context, appender, "file", fileLevel);
      root.addAppender(appender);
    }
  }

  private static void start(LoggerContext context, OutputStreamAppender<ILoggingEvent> appender, String name,
      Level level) {
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern(PATTERN);
    encoder.start();
    ThresholdFilter filter = new ThresholdFilter();
    filter.setLevel(level.levelStr);
    filter.start();
    appender.setContext(context);
    appender.setName(name);
    appender.setEncoder(encoder);
    appender.addFilter(filter);
    appender.start();
  }

  /** RabbitMQ's level names (Erlang's logger levels) as logback's. */
  private static Level level(String key, String value) throws IOException {
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "debug" -> Level.DEBUG;
      case "info", "notice" -> Level.INFO;
      case "warning", "warn" -> Level.WARN;
      case "error", "critical", "alert", "emergency" -> Level.ERROR;
      case "none" -> Level.OFF;
      default -> throw new IOException("'" + key + "' must be one of debug, info, warning, error, critical, none; not '"
          + value + "'");
    };
  }

  private static boolean bool(String key, String value) throws IOException {
    return switch (value) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new IOException("'" + key + "' must be true or false, not '" + value + "'");
    };
  }
}
