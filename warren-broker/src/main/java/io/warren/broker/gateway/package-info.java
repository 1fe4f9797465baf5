/**
 * The broker as other protocols see it (MQTT, STOMP): publish a message to an exchange as a
 * user ({@link io.warren.broker.gateway.MessagePublisher}) and consume a queue with credit and
 * acknowledgements ({@link io.warren.broker.gateway.QueueSubscription}), on the queues' and
 * exchanges' public methods only, so protocol adapters never reach into AMQP channel code.
 */
package io.warren.broker.gateway;
