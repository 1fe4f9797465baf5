package io.warren.broker.message;

import io.warren.codec.LongString;
import java.math.BigDecimal;
import java.util.Date;
import java.util.List;
import java.util.Map;

/** Field-table value types by the names RabbitMQ uses for them in error texts. */
public final class FieldTypes {

  private FieldTypes() {
  }

  /** RabbitMQ's name for a field value's type. */
  public static String rabbitName(Object v) {
    if (v == null) {
      return "void";
    }
    if (v instanceof LongString || v instanceof String) {
      return "longstr";
    }
    if (v instanceof Integer) {
      return "signedint";
    }
    if (v instanceof Long) {
      return "long";
    }
    if (v instanceof Short) {
      return "short";
    }
    if (v instanceof Byte) {
      return "byte";
    }
    if (v instanceof Boolean) {
      return "bool";
    }
    if (v instanceof Double) {
      return "double";
    }
    if (v instanceof Float) {
      return "float";
    }
    if (v instanceof BigDecimal) {
      return "decimal";
    }
    if (v instanceof Date) {
      return "timestamp";
    }
    if (v instanceof Map) {
      return "table";
    }
    if (v instanceof List) {
      return "array";
    }
    if (v instanceof byte[]) {
      return "binary";
    }
    return v.getClass().getSimpleName();
  }
}
