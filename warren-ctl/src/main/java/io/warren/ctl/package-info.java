/**
 * {@code warrenctl}: rabbitmqctl's everyday commands for a broker reached over the management
 * HTTP API.
 *
 * <p>Reading order: {@link io.warren.ctl.WarrenCtl} (options, command table, the one place
 * failures are printed) → {@code Listing} (every {@code list_*} command as data: banner, columns,
 * API path) → {@code Output} and {@code ValueFormat} (rabbitmqctl's table and JSON layouts) →
 * the action commands ({@code UserCommands}, {@code VhostCommands}, {@code QueueCommands},
 * {@code CloseConnection}, {@code StatusCommand}, {@code DefinitionsCommands}), each a short
 * checklist of API calls. {@code ManagementClient} is the only class that speaks HTTP.
 */
package io.warren.ctl;
