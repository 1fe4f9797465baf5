package io.warren.broker.auth;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.warren.codec.FieldTables;
import io.warren.codec.FrameException;
import io.warren.codec.LongString;
import java.util.Map;

/**
 * AMQPLAIN, the mechanism of the AMQP 0-8 era that older clients (and kombu) still offer: the
 * response is a field table with LOGIN and PASSWORD, sent without the table's length prefix.
 */
public final class AmqPlainMechanism implements SaslMechanism {

  static final AmqPlainMechanism INSTANCE = new AmqPlainMechanism();

  private AmqPlainMechanism() {
  }

  @Override
  public String name() {
    return "AMQPLAIN";
  }

  @Override
  public Login login(LongString response, Peer peer, UserRegistry users) {
    return Login.withPassword(parse(response), users);
  }

  /** {user name, password}, or null when the response is malformed (a failed login, as RabbitMQ). */
  static String[] parse(LongString response) {
    byte[] body = response.bytes();
    ByteBuf table = Unpooled.buffer(body.length + 4);
    table.writeInt(body.length).writeBytes(body);
    try {
      Map<String, Object> fields = FieldTables.read(table);
      Object login = fields.get("LOGIN");
      Object password = fields.get("PASSWORD");
      if (login == null || password == null) {
        return null;
      }
      return new String[] {login.toString(), password.toString()};
    } catch (FrameException | IndexOutOfBoundsException e) {
      return null;
    } finally {
      table.release();
    }
  }
}
