package io.warren.server;

import java.util.Locale;

/** Sizes as rabbitmq.conf writes them: "50000000", "50MB", "1GB", "512KiB". */
final class ByteSize {

  private ByteSize() {
  }

  static long parse(String text) {
    String s = text.strip().toUpperCase(Locale.ROOT);
    long multiplier = 1;
    String[][] units = {{"KIB", "1024"}, {"MIB", "1048576"}, {"GIB", "1073741824"}, {"KB", "1000"},
        {"MB", "1000000"}, {"GB", "1000000000"}, {"K", "1024"}, {"M", "1048576"}, {"G", "1073741824"}};
    for (String[] unit : units) {
      if (s.endsWith(unit[0])) {
        multiplier = Long.parseLong(unit[1]);
        s = s.substring(0, s.length() - unit[0].length()).strip();
        break;
      }
    }
    return Long.parseLong(s) * multiplier;
  }
}
