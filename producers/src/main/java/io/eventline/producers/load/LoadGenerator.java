package io.eventline.producers.load;

import io.eventline.producers.crawler.CrawlSiteCommand;
import io.eventline.producers.hashing.HashingCommand;
import io.eventline.producers.hashing.ScaleStepCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code eventline-load}: drives a local Eventline instance over HTTP, WebSockets or Kafka and prints throughput
 * and latency. Every run is bounded by its duration or count, and only loopback targets are accepted.
 */
@Command(name = "eventline-load", mixinStandardHelpOptions = true, version = "eventline-load 0.1.0",
        description = "Load generator for a local Eventline instance.",
        subcommands = {HttpPostUrlsCommand.class, HttpGetCommand.class, HttpCheckCommand.class, HttpKvCommand.class,
                KafkaProduceCommand.class, KafkaReplicasCommand.class, ChatLoadCommand.class,
                VerifyUrlsCommand.class, ChatReconnectCommand.class, HashingCommand.class, ScaleStepCommand.class,
                CrawlSiteCommand.class, KvTwoDcDrillCommand.class})
public final class LoadGenerator implements Runnable {
    private static final String SIMPLE_LOGGER_LEVEL = "org.slf4j.simpleLogger.defaultLogLevel";
    private static final String COMMON_POOL_PARALLELISM = "java.util.concurrent.ForkJoinPool.common.parallelism";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        // On two cores the common pool gets one thread, and CompletableFuture then starts a new thread for every
        // async task; the JDK HTTP client completes each response that way, which costs more CPU than the request.
        // Set before anything touches CompletableFuture, which reads it once.
        if (System.getProperty(COMMON_POOL_PARALLELISM) == null && Runtime.getRuntime().availableProcessors() <= 2) {
            System.setProperty(COMMON_POOL_PARALLELISM, "2");
        }
        // the Kafka client logs every connection at INFO, which would bury the report
        if (System.getProperty(SIMPLE_LOGGER_LEVEL) == null) {
            System.setProperty(SIMPLE_LOGGER_LEVEL, "warn");
        }
        System.exit(new CommandLine(new LoadGenerator()).execute(args));
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "name a command: http-post-urls, http-get, http-check, http-kv, kafka-produce, kafka-replicas, ws-chat, "
                + "verify-urls, ws-reconnect, hashing, scale-step or crawl-site");
    }
}
