package io.exoclone.jobs.replicate;

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
 * Decodes the values of {@code exoclone.published}. A record that is not a valid {@code
 * ExoclonePublished} is logged and counted ({@code undecodableRecords}) and the job keeps running.
 */
public final class PublishedDecoder extends ProcessFunction<byte[], Published> {
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
    public void processElement(byte[] value, Context ctx, Collector<Published> out) {
        try {
            out.collect(Published.of(codec.decode(value, ExoclonePublished.class)));
        } catch (EventDecodeException | IllegalArgumentException | NullPointerException e) {
            undecodable.inc();
            LOG.warn(
                    "Skipping a record of {} bytes that is not an ExoclonePublished event: {}",
                    value == null ? 0 : value.length,
                    e.getMessage());
        }
    }
}
