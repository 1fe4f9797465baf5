package com.example.greetings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.warren.spring.boot.test.AutoConfigureWarren;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

@SpringBootTest
@AutoConfigureWarren
class GreetingsApplicationTest {

  @Autowired
  RabbitTemplate rabbit;

  @Autowired
  GreetingsApplication.GreetingListener listener;

  @Test
  void theListenerGetsTheGreeting() {
    rabbit.convertAndSend("greetings", "hello");
    await().atMost(Duration.ofSeconds(10)).until(() -> listener.received().contains("hello"));
  }
}
