package io.eventline.producers.load;

import java.net.URI;
import java.time.Duration;
import java.util.function.Function;
import picocli.CommandLine;

/**
 * Where a chat command connects and the tokens its users connect with: a loopback base URL and the JWT secret from
 * the environment. Whatever is wrong with them, or with the command's other options, is a usage error.
 */
record ChatTarget(URI base, JwtTokens tokens) {
    static ChatTarget of(CommandLine.Model.CommandSpec spec, String url, Runnable checkOptions,
                         Function<String, String> environment) {
        try {
            final URI base = LoopbackTargets.httpBase(url);
            checkOptions.run();
            return new ChatTarget(base, new JwtTokens(environment.apply(JwtTokens.SECRET_VARIABLE),
                    Duration.ofDays(1)));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }
}
