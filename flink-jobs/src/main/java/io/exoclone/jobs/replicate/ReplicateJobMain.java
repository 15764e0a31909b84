package io.exoclone.jobs.replicate;

import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Entry point of the job jar for {@code flink run} (what {@code deploy/local/submit.sh replicate}
 * runs): {@code --bootstrap HOST:PORT --pool DIR [--site NAME] [--group ID] [--checkpoint-interval
 * MS] [--retry-interval MS] [--staging DIR] [--published-topic T] [--status-topic T]
 * [--dead-letter-topic T] [--hadoop KEY=VALUE]...}. The pool directory must exist and be reachable
 * from the TaskManager that runs the job.
 */
public final class ReplicateJobMain {
    private ReplicateJobMain() {}

    public static void main(String[] args) throws Exception {
        ReplicateJob job = parse(args).build();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        job.addTo(env);
        env.execute(job.jobName());
    }

    /** The builder the flags describe; {@link ReplicateJob.Builder#build()} checks the values. */
    static ReplicateJob.Builder parse(String[] args) {
        ReplicateJob.Builder b = ReplicateJob.builder();
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("Flag " + flag + " needs a value");
            }
            String value = args[++i];
            switch (flag) {
                case "--bootstrap" -> b.bootstrap(value);
                case "--pool" -> b.poolDir(value);
                case "--site" -> b.site(value);
                case "--group" -> b.groupId(value);
                case "--checkpoint-interval" -> b.checkpointIntervalMillis(number(flag, value));
                case "--retry-interval" -> b.retryMillis(number(flag, value));
                case "--staging" -> b.stagingDir(value);
                case "--published-topic" -> b.publishedTopic(value);
                case "--status-topic" -> b.statusTopic(value);
                case "--dead-letter-topic" -> b.deadLetterTopic(value);
                case "--hadoop" -> {
                    int eq = value.indexOf('=');
                    if (eq <= 0) {
                        throw new IllegalArgumentException(
                                "--hadoop needs KEY=VALUE, got '" + value + "'");
                    }
                    b.hadoopProperties(
                            java.util.Map.of(value.substring(0, eq), value.substring(eq + 1)));
                }
                default -> throw new IllegalArgumentException("Unknown flag " + flag);
            }
        }
        return b;
    }

    private static long number(String flag, String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + " must be a number, got '" + value + "'");
        }
    }
}
