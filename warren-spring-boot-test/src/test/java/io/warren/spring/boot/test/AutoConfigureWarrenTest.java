package io.warren.spring.boot.test;

import static org.assertj.core.api.Assertions.assertThat;

import io.warren.broker.EmbeddedBroker;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * An unchanged Spring Boot AMQP application (its configuration names a broker that does not
 * exist) runs against the embedded Warren: RabbitTemplate, @RabbitListener, request-reply.
 */
@SpringBootTest(classes = SampleApplication.class, properties = {
    "spring.rabbitmq.host=rabbit.invalid", "spring.rabbitmq.port=1", "spring.rabbitmq.username=app"})
@AutoConfigureWarren
class AutoConfigureWarrenTest {

  @Autowired
  RabbitTemplate rabbit;

  @Autowired
  SampleApplication.GreetingListener listener;

  @Autowired
  EmbeddedBroker warren;

  @Value("${spring.rabbitmq.port}")
  int configuredPort;

  @Test
  void theListenerReceivesWhatTheTemplateSendsThroughWarren() throws Exception {
    assertThat(configuredPort).isEqualTo(warren.port());
    rabbit.convertAndSend(SampleApplication.QUEUE, "hello from Spring");
    assertThat(listener.received.poll(10, TimeUnit.SECONDS)).isEqualTo("hello from Spring");
    // the queue the application declared lives in Warren, with the listener's consumer on it
    assertThat(warren.broker().vhosts().get("/").queue(SampleApplication.QUEUE).consumerCount()).isEqualTo(1);
  }

  @Test
  void requestReplyThroughDirectReplyTo() {
    rabbit.setReplyTimeout(10_000);
    assertThat(rabbit.convertSendAndReceive("", "shout", "quiet please")).isEqualTo("QUIET PLEASE");
  }
}
