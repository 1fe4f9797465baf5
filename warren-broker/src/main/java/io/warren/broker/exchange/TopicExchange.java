package io.warren.broker.exchange;

import io.warren.broker.message.Message;
import java.util.Map;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/** Routes by pattern: binding keys with '*' (one word) and '#' (zero or more words). */
public final class TopicExchange extends Exchange {

  private final TopicTrie<BindingTarget> trie = new TopicTrie<>();
  private final ReentrantReadWriteLock trieLock = new ReentrantReadWriteLock();

  TopicExchange(String name, String vhost, boolean durable, boolean autoDelete, boolean internal,
      Map<String, Object> arguments) {
    super(name, vhost, ExchangeType.TOPIC, durable, autoDelete, internal, arguments);
  }

  @Override
  void match(Message message, RouteScratch out) {
    trieLock.readLock().lock();
    try {
      trie.match(out.routingKey(), out::add);
    } finally {
      trieLock.readLock().unlock();
    }
  }

  @Override
  void indexAdd(Binding binding) {
    trieLock.writeLock().lock();
    try {
      trie.add(binding.bindingKey(), binding.destination());
    } finally {
      trieLock.writeLock().unlock();
    }
  }

  @Override
  void indexRemove(Binding binding) {
    trieLock.writeLock().lock();
    try {
      trie.remove(binding.bindingKey(), binding.destination());
    } finally {
      trieLock.writeLock().unlock();
    }
  }
}
