package io.eventline.producers.load;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.SortedMap;
import java.util.StringJoiner;
import org.HdrHistogram.Histogram;

/**
 * What a chat traffic run measured.
 *
 * @param delivered          send to the last recipient's {@code message} frame, per message ({@code delivered})
 * @param accepted           send to the sender's {@code ack} frame, per message ({@code acked})
 * @param perDeliveryMicros  send to each recipient's {@code message} frame, measured messages only
 * @param recipients         recipients per message (members of a channel but the sender)
 * @param measuredMessages   messages sent after the warm-up
 * @param lostMessages       measured messages some recipient had not had by the end of the run (the timeout after
 *                           the last send): lost, or late beyond it
 * @param missingDeliveries  the recipients those messages never reached
 * @param refusedMessages    measured messages the server answered with an {@code error} frame, not an {@code ack}
 * @param refusedDelivered   those of them that reached every recipient all the same
 * @param measuredDeliveries {@code message} frames of measured messages at their recipients (not duplicates)
 * @param duplicates         {@code message} frames a recipient had already had for that message
 * @param duplicateAcks      {@code ack} frames for a message already acknowledged
 * @param echoes             {@code message} frames of a message at its own sender's socket
 * @param strangers          {@code message} or {@code ack} frames of no message of this run, or at a non-member
 * @param closedDuringRun    sockets closed (by the server or by a failure) while messages were on their way
 * @param seqAcks            {@code ack} frames sent for seqs, one per {@code message} frame when not batched
 * @param frameTypes         frames received per {@code type}
 * @param problems           {@code error} frames per problem
 */
record ChatTrafficResult(LoadResult delivered, LoadResult accepted, Histogram perDeliveryMicros, int recipients,
                         long measuredMessages, long lostMessages, long missingDeliveries, long refusedMessages,
                         long refusedDelivered, long measuredDeliveries, long duplicates, long duplicateAcks,
                         long echoes, long strangers, long closedDuringRun, long seqAcks,
                         SortedMap<String, Long> frameTypes,
                         SortedMap<String, Long> problems) {

    /** Recipient deliveries per second over the measured time (to the last measured delivery). */
    double deliveriesPerSecond() {
        return delivered.measuredSeconds() > 0 ? measuredDeliveries / delivered.measuredSeconds() : 0;
    }

    /** The chat lines of the report, printed after {@link LoadReport#format} of {@link #delivered()}. */
    String format(boolean distribution) {
        final StringBuilder out = new StringBuilder();
        LoadReport.line(out, "messages", ChatFrames.count(measuredMessages) + " after the warm-up: "
                + ChatFrames.count(delivered.measuredOutcomes()) + " reached all " + recipients + " recipient"
                + (recipients == 1 ? "" : "s") + ", not by the end of the run " + ChatFrames.count(lostMessages)
                + " (" + ChatFrames.count(missingDeliveries) + " deliveries missing), duplicate deliveries "
                + ChatFrames.count(duplicates) + "; answered with an error " + ChatFrames.count(refusedMessages)
                + (refusedMessages > 0 ? " (" + ChatFrames.count(refusedDelivered) + " of them delivered all the same)"
                : ""));
        LoadReport.line(out, "deliveries", ChatFrames.count(measuredDeliveries) + " message frames at recipients, "
                + fixed(deliveriesPerSecond(), 1) + "/s" + (recipients > 1 && perDeliveryMicros.getTotalCount() > 0
                ? "; to each recipient " + percentiles(perDeliveryMicros) : ""));
        LoadReport.line(out, "accepted", ChatFrames.count(accepted.measuredOutcomes()) + " acks, "
                + fixed(accepted.achievedPerSecond(), 1) + "/s" + (accepted.measuredOutcomes() > 0
                ? "; send to ack " + percentiles(accepted.latencyMicros()) : "")
                + (duplicateAcks > 0 ? "; duplicate acks " + duplicateAcks : ""));
        LoadReport.line(out, "frames in", LoadReport.counts(frameTypes) + (echoes > 0 || strangers > 0
                ? " (of the messages: " + echoes + " at their senders' own sockets, " + strangers + " not this run's)"
                : ""));
        LoadReport.line(out, "errors", LoadReport.counts(problems));
        LoadReport.line(out, "sockets", "closed while messages were on their way " + closedDuringRun + "; seq acks sent "
                + ChatFrames.count(seqAcks));
        if (distribution && recipients > 1 && perDeliveryMicros.getTotalCount() > 0) {
            out.append(System.lineSeparator()).append("per-delivery latency distribution (ms):")
                    .append(System.lineSeparator());
            final ByteArrayOutputStream table = new ByteArrayOutputStream();
            try (PrintStream print = new PrintStream(table, true, StandardCharsets.UTF_8)) {
                perDeliveryMicros.outputPercentileDistribution(print, 5, 1_000.0);
            }
            out.append(table.toString(StandardCharsets.UTF_8));
        }
        return out.toString();
    }

    /** {@code p50=3.10  p90=...  max=... ms} of a histogram in microseconds. */
    static String percentiles(Histogram micros) {
        final StringJoiner joined = new StringJoiner("  ");
        for (double p : LoadReport.PERCENTILES) {
            joined.add("p" + LoadReport.percentileName(p) + "=" + LoadReport.millis(micros.getValueAtPercentile(p)
                    / 1_000.0));
        }
        joined.add("max=" + LoadReport.millis(micros.getMaxValue() / 1_000.0));
        return joined + " ms";
    }

    private static String fixed(double value, int decimals) {
        return String.format(Locale.ROOT, "%,." + decimals + "f", value);
    }
}
