package io.warren.broker.channel;

import io.warren.broker.MessageStats;

/**
 * A channel's publish_in / publish_out counts for the exchange it is publishing to, added to the
 * exchange's counters once per batch rather than per message: an exchange is shared by every
 * channel, so a per-message add would be a contended write. Event loop only, like its channel.
 */
final class ExchangeTraffic {

  private MessageStats exchange;
  private long in;
  private long out;

  /**
   * Counts one message published to {@code exchangeStats} and routed to {@code copies} queues.
   * Returns true when this starts a new batch (the caller then asks for a flush callback).
   */
  boolean count(MessageStats exchangeStats, int copies) {
    boolean started = in == 0;
    if (exchangeStats != exchange && !started) {
      flush();
      started = true;
    }
    exchange = exchangeStats;
    in++;
    out += copies;
    return started;
  }

  /** Adds what was counted to the exchange's counters. */
  void flush() {
    if (in > 0) {
      exchange.onExchangeTraffic(in, out);
      in = 0;
      out = 0;
    }
  }
}
