package io.exoclone.jobs;

import java.nio.file.Path;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Entry point of the job jar for {@code flink run}: {@code --bootstrap HOST:PORT --to URI [--config
 * FILE] [--parallelism N] [--checkpoint-interval MS] [--state-backend heap|rocksdb] [--compression
 * none|lz4]}.
 */
public final class AssembleJobMain {
    private AssembleJobMain() {}

    public static void main(String[] args) throws Exception {
        AssembleOptions.Builder b = AssembleOptions.builder();
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("Flag " + flag + " needs a value");
            }
            String value = args[++i];
            switch (flag) {
                case "--bootstrap" -> b.bootstrap(value);
                case "--to" -> b.target(value);
                case "--config" -> b.file(Path.of(value));
                case "--parallelism" -> b.set("parallelism", value);
                case "--checkpoint-interval" -> b.set("checkpoint.interval.ms", value);
                case "--state-backend" -> b.stateBackend(value);
                case "--compression" -> b.compression(value);
                default -> throw new IllegalArgumentException("Unknown flag " + flag);
            }
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        AssembleJob.build(env, b.build());
        env.execute(AssembleJob.JOB_NAME);
    }
}
