package io.eventline.ids;

import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

/**
 * Throughput of {@link SnowflakeIdGenerator#nextId()} from one and from two threads sharing a generator.
 *
 * <p>Run from the repository root (arguments after {@code -Djmh.args=} are JMH's; the default is the short run
 * below):
 * <pre>
 * mvn -B -q -pl schemas,clients test-compile exec:exec -Djmh.args="SnowflakeBenchmark -f 1 -wi 2 -i 3 -w 2s -r 3s"
 * </pre>
 *
 * <p>The {@code systemClock} benchmarks use the real clock, so they are capped by the layout at 4,096 IDs per
 * millisecond (4.096 M ops/s) per generator, however many threads share it. The {@code fastClock} ones use a
 * clock whose "millisecond" lasts a microsecond, which lifts the cap and shows what the generator itself costs.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SnowflakeBenchmark {

    /** One generator shared by all benchmark threads, as in a service. */
    @State(Scope.Benchmark)
    public static class SystemClockGenerator {
        SnowflakeIdGenerator generator;

        @Setup
        public void setUp() {
            generator = new SnowflakeIdGenerator(1, 1);
        }
    }

    /** A shared generator on a clock that ticks every microsecond. */
    @State(Scope.Benchmark)
    public static class FastClockGenerator {
        SnowflakeIdGenerator generator;

        @Setup
        public void setUp() {
            final long origin = System.nanoTime();
            final long start = SnowflakeIdGenerator.EPOCH_MILLIS;
            generator = new SnowflakeIdGenerator(1, 1, new InstantSource() {
                @Override
                public long millis() {
                    return start + (System.nanoTime() - origin) / 1_000;
                }

                @Override
                public Instant instant() {
                    return Instant.ofEpochMilli(millis());
                }
            });
        }
    }

    @Benchmark
    @Threads(1)
    public long systemClockOneThread(SystemClockGenerator state) {
        return state.generator.nextId();
    }

    @Benchmark
    @Threads(2)
    public long systemClockTwoThreads(SystemClockGenerator state) {
        return state.generator.nextId();
    }

    @Benchmark
    @Threads(1)
    public long fastClockOneThread(FastClockGenerator state) {
        return state.generator.nextId();
    }

    @Benchmark
    @Threads(2)
    public long fastClockTwoThreads(FastClockGenerator state) {
        return state.generator.nextId();
    }
}
