package io.eventline.ops;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.File;
import java.nio.file.Path;

/**
 * The host-level side of an instance's figures: CPU, heap and the free space where its data lives, and the
 * warnings and errors it logged lately, so that an operator reads every instance's health in one place.
 */
public final class HostFigures {
    private final MeterRegistry meters;
    private final File dataDir;
    private final RecentProblems problems;

    public HostFigures(MeterRegistry meters, Path dataDir, RecentProblems problems) {
        this.meters = meters;
        this.dataDir = dataDir.toFile();
        this.problems = problems;
    }

    /** Adds {@code host} and {@code problems} to an instance's part of the snapshot. */
    public void addTo(ObjectNode instance) {
        final ObjectNode host = instance.putObject("host");
        host.put("processCpu", gauge("process.cpu.usage"));
        host.put("systemCpu", gauge("system.cpu.usage"));
        host.put("heapUsedBytes", (long) heap("jvm.memory.used"));
        host.put("heapMaxBytes", (long) heap("jvm.memory.max"));
        host.put("dataDiskFreeBytes", dataDir.getUsableSpace());
        final RecentProblems.Summary summary = problems.summary();
        final ObjectNode logged = instance.putObject("problems").put("warnings", summary.warnings())
                .put("errors", summary.errors());
        summary.latest().forEach(problem -> logged.withArray("latest").addObject()
                .put("at", problem.at().toString()).put("level", problem.level()).put("logger", problem.logger())
                .put("message", problem.message()));
        if (summary.latest().isEmpty()) {
            logged.putArray("latest");
        }
    }

    private double gauge(String name) {
        final Gauge gauge = meters.find(name).gauge();
        final double value = gauge == null ? Double.NaN : gauge.value();
        return Double.isFinite(value) ? Math.round(value * 1000) / 1000.0 : 0;
    }

    private double heap(String name) {
        return meters.find(name).tag("area", "heap").gauges().stream().mapToDouble(Gauge::value)
                .filter(value -> Double.isFinite(value) && value >= 0).sum();
    }
}
