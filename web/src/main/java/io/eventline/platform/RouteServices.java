package io.eventline.platform;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.eventline.ids.SnowflakeIdGenerator;
import io.eventline.operations.WriteGateway;
import io.eventline.clients.EventProducer;
import io.eventline.query.QueryRouter;
import java.time.Clock;
import java.util.concurrent.Executor;

/**
 * What a domain's routes share: the gateway that awaits their writes' outcomes, the router of their reads, the
 * producer, IDs, the JSON mapper, the clock and the threads that write answers.
 */
public record RouteServices(WriteGateway writes, QueryRouter router, EventProducer producer,
                            SnowflakeIdGenerator ids, ObjectMapper json, Clock clock, Executor responders) {
}
