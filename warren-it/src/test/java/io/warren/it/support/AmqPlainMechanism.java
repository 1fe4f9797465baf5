package io.warren.it.support;

import com.rabbitmq.client.LongString;
import com.rabbitmq.client.SaslConfig;
import com.rabbitmq.client.SaslMechanism;
import com.rabbitmq.client.impl.LongStringHelper;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The AMQPLAIN login the Java client no longer ships: the response is a field table holding
 * LOGIN and PASSWORD as long strings, written without the table's own four-byte length (the
 * start-ok response field already carries a length). Older clients such as pika and kombu
 * still use it, so the broker must accept it.
 */
public final class AmqPlainMechanism implements SaslMechanism {

  /** A SaslConfig that chooses AMQPLAIN if the broker offers it, and fails otherwise. */
  public static final SaslConfig CONFIG = serverMechanisms -> {
    if (!Arrays.asList(serverMechanisms).contains("AMQPLAIN")) {
      throw new IllegalStateException("broker does not offer AMQPLAIN: "
          + Arrays.toString(serverMechanisms));
    }
    return new AmqPlainMechanism();
  };

  @Override
  public String getName() {
    return "AMQPLAIN";
  }

  @Override
  public LongString handleChallenge(LongString challenge, String username, String password) {
    Map<String, Object> response = new LinkedHashMap<>();
    response.put("LOGIN", username);
    response.put("PASSWORD", password);
    return LongStringHelper.asLongString(RawAmqpClient.Args.encodeTable(response));
  }
}
