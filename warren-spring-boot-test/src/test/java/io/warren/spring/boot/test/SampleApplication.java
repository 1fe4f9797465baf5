package io.warren.spring.boot.test;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.rabbit.annotation.RabbitListener;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.stereotype.Component;

/** An ordinary Spring Boot AMQP application: a durable queue and a listener that answers. */
@SpringBootApplication
public class SampleApplication {

  static final String QUEUE = "greetings";

  @Bean
  Queue greetings() {
    return new Queue(QUEUE, true);
  }

  @Component
  static class GreetingListener {
    final BlockingQueue<String> received = new LinkedBlockingQueue<>();

    @RabbitListener(queues = QUEUE)
    void onGreeting(String text) {
      received.add(text);
    }

    @RabbitListener(queues = "shout")
    String shout(String text) {
      return text.toUpperCase(java.util.Locale.ROOT);
    }
  }

  @Bean
  Queue shout() {
    return new Queue("shout", false);
  }
}
