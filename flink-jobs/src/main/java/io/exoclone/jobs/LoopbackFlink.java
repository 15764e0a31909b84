package io.exoclone.jobs;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;

/** The settings that keep a Flink cluster started in this process on 127.0.0.1 only. */
public final class LoopbackFlink {
    /** The one address every in-process cluster binds to and advertises. */
    public static final String HOST = "127.0.0.1";

    private LoopbackFlink() {}

    /**
     * A configuration whose REST endpoint, JobManager and TaskManager bind to and advertise {@link
     * #HOST} (without these a MiniCluster binds every interface); callers add ports and the rest.
     */
    public static Configuration settings() {
        Configuration c = new Configuration();
        c.set(RestOptions.BIND_ADDRESS, HOST);
        c.set(RestOptions.ADDRESS, HOST);
        c.set(JobManagerOptions.BIND_HOST, HOST);
        c.set(JobManagerOptions.ADDRESS, HOST);
        c.set(TaskManagerOptions.BIND_HOST, HOST);
        c.set(TaskManagerOptions.HOST, HOST);
        return c;
    }
}
