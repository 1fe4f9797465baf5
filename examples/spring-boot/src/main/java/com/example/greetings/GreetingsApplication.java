package com.example.greetings;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.rabbit.annotation.RabbitListener;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.stereotype.Component;

@SpringBootApplication
public class GreetingsApplication {

  public static void main(String[] args) {
    SpringApplication.run(GreetingsApplication.class, args);
  }

  @Bean
  Queue greetings() {
    return new Queue("greetings");
  }

  @Component
  public static class GreetingListener {
    private final List<String> received = new CopyOnWriteArrayList<>();

    @RabbitListener(queues = "greetings")
    void onGreeting(String greeting) {
      received.add(greeting);
    }

    public List<String> received() {
      return received;
    }
  }
}
