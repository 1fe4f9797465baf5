package io.warren.broker.connection;

import io.netty.util.collection.IntObjectHashMap;
import io.warren.broker.channel.AmqpChannel;
import java.util.ArrayList;
import java.util.function.Consumer;

/** A connection's channels by number. Owned by the connection's event loop. */
final class ChannelTable {

  private final IntObjectHashMap<AmqpChannel> byNumber = new IntObjectHashMap<>();

  AmqpChannel get(int number) {
    return byNumber.get(number);
  }

  void put(int number, AmqpChannel channel) {
    byNumber.put(number, channel);
  }

  void remove(int number) {
    byNumber.remove(number);
  }

  int size() {
    return byNumber.size();
  }

  /** Visits a snapshot, so the action may close channels. */
  void forEach(Consumer<AmqpChannel> action) {
    for (AmqpChannel ch : new ArrayList<>(byNumber.values())) {
      action.accept(ch);
    }
  }

  /** Visits the channels in place; the action must not open or close channels. */
  void forEachLive(Consumer<AmqpChannel> action) {
    for (AmqpChannel ch : byNumber.values()) {
      action.accept(ch);
    }
  }

  void clear() {
    byNumber.clear();
  }
}
