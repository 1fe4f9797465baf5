/**
 * The management API over HTTP: {@link io.warren.management.http.HttpServer} (Netty) hands each
 * request to {@link io.warren.management.http.ApiRouter}, which authenticates it with the
 * broker's users, applies RabbitMQ's tag rules ({@link io.warren.management.http.Access}) and
 * calls one resource class per REST path ({@code QueuesResource}, {@code ExchangesResource} ...).
 * {@code Views} builds RabbitMQ's JSON objects field by field; {@code Operations} changes the
 * broker as the calling user would over AMQP, with the same permission checks. Paths not under
 * {@code /api} are the web UI's static files, read from the classpath folder {@code www/}.
 */
package io.warren.management.http;
