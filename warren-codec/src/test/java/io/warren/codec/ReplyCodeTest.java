package io.warren.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.AMQP;
import io.warren.codec.method.ReplyCode;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ReplyCodeTest {

    @Test
    void carriesTheSpecsCodesAndErrorClasses() {
        assertThat(ReplyCode.of(200)).isEqualTo(ReplyCode.REPLY_SUCCESS);
        assertThat(ReplyCode.REPLY_SUCCESS.isHardError()).isFalse();
        assertThat(ReplyCode.of(404)).isEqualTo(ReplyCode.NOT_FOUND);
        assertThat(ReplyCode.NOT_FOUND.isHardError()).isFalse();
        assertThat(ReplyCode.PRECONDITION_FAILED.code()).isEqualTo(AMQP.PRECONDITION_FAILED);
        assertThat(ReplyCode.CONNECTION_FORCED.isHardError()).isTrue();
        assertThat(ReplyCode.of(530)).isEqualTo(ReplyCode.NOT_ALLOWED);
        assertThat(ReplyCode.ACCESS_REFUSED.amqpName()).isEqualTo("ACCESS_REFUSED");
        assertThat(ReplyCode.values()).extracting(ReplyCode::code).containsExactly(
                200, 311, 312, 313, 403, 404, 405, 406, 320, 402, 501, 502, 503, 504, 505, 506, 530, 540, 541);
        assertThatThrownBy(() -> ReplyCode.of(999)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void writesReplyTextsAsRabbitMqDoes() {
        assertThat(ReplyCode.NOT_FOUND.replyText("no queue 'q' in vhost '/'"))
                .isEqualTo("NOT_FOUND - no queue 'q' in vhost '/'");
        String cut = ReplyCode.PRECONDITION_FAILED.replyText("x".repeat(300));
        assertThat(cut).hasSize(255).endsWith("xxx...").startsWith("PRECONDITION_FAILED - x");
        String multiByte = ReplyCode.NOT_FOUND.replyText("é".repeat(200));
        assertThat(multiByte.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(255);
        assertThat(multiByte).endsWith("é...");
    }
}
