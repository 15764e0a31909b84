package io.exoclone.jobs.replicate;

import io.exoclone.jobs.assemble.DeadLetters;
import io.exoclone.jobs.assemble.RawRecord;
import io.exoclone.schemas.EventCodec;
import io.exoclone.schemas.EventDecodeException;
import io.exoclone.schemas.ExoclonePublished;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes the records of {@code exoclone.published}. A record that is not a valid {@code
 * ExoclonePublished} (bytes that do not decode, another event type, a tombstone, an id that is not
 * a UUID) goes to the {@link DeadLetters#TAG} side output with its coordinates, its bytes and the
 * reason; it is logged and counted ({@code undecodableRecords}) and the job keeps running.
 */
public final class PublishedDecoder extends ProcessFunction<RawRecord, Published> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(PublishedDecoder.class);

    private transient EventCodec codec;
    private transient Counter undecodable;

    @Override
    public void open(OpenContext openContext) {
        codec = new EventCodec();
        undecodable = getRuntimeContext().getMetricGroup().counter("undecodableRecords");
    }

    @Override
    public void processElement(RawRecord r, Context ctx, Collector<Published> out) {
        Published p;
        try {
            if (r.value == null) {
                throw new IllegalArgumentException("Record has no value (a tombstone)");
            }
            p = Published.of(codec.decode(r.value, ExoclonePublished.class));
        } catch (EventDecodeException | IllegalArgumentException | NullPointerException e) {
            undecodable.inc();
            String reason =
                    "Not an ExoclonePublished event: "
                            + (e.getMessage() == null
                                    ? e.getClass().getSimpleName()
                                    : e.getMessage());
            LOG.warn(
                    "Dead-lettering record {}-{}@{} ({} bytes): {}",
                    r.topic,
                    r.partition,
                    r.offset,
                    r.value == null ? 0 : r.value.length,
                    reason);
            ctx.output(DeadLetters.TAG, DeadLetters.encode(codec, r, reason));
            return;
        }
        out.collect(p);
    }
}
