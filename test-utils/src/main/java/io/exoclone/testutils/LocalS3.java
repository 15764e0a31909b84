package io.exoclone.testutils;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.BlobStoreContext;

/**
 * A real S3 endpoint in this JVM: s3proxy on 127.0.0.1 in front of a filesystem blob store in a
 * temp dir, with AWS signature (v2 or v4) authentication and one bucket created up front.
 *
 * <pre>{@code
 * @RegisterExtension static final LocalS3 S3 = new LocalS3();
 *
 * FileSystem fs = FileSystem.get(S3.uri(), S3.hadoopConfiguration()); // s3a://exoclone/
 * }</pre>
 */
public final class LocalS3 extends ServiceExtension {

    private static final int START_ATTEMPTS = 3;

    private final String bucket;
    private final String accessKey;
    private final String secretKey;
    private final String region;

    private Path baseDir;
    private BlobStoreContext context;
    private S3Proxy proxy;
    private URI endpoint;
    private FileSystem fileSystem;

    /** Bucket {@code exoclone}, region {@code us-east-1}, fixed test credentials. */
    public LocalS3() {
        this(builder());
    }

    private LocalS3(Builder builder) {
        this.bucket = builder.bucket;
        this.accessKey = builder.accessKey;
        this.secretKey = builder.secretKey;
        this.region = builder.region;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public synchronized void start() {
        if (proxy != null) {
            return;
        }
        baseDir = Loopback.createTempDir("exoclone-s3-");
        Properties overrides = new Properties();
        overrides.setProperty("jclouds.filesystem.basedir", baseDir.toString());
        context =
                ContextBuilder.newBuilder("filesystem")
                        .credentials(accessKey, secretKey)
                        .overrides(overrides)
                        .build(BlobStoreContext.class);
        BlobStore store = context.getBlobStore();
        store.createContainerInLocation(null, bucket);

        Exception last = null;
        for (int attempt = 1; attempt <= START_ATTEMPTS && proxy == null; attempt++) {
            // s3proxy binds the port it is given; pick one, and pick again if another process
            // took it meanwhile.
            URI candidate = URI.create("http://" + Loopback.HOST + ":" + Loopback.freePort());
            S3Proxy started =
                    S3Proxy.builder()
                            .blobStore(store)
                            .endpoint(candidate)
                            .awsAuthentication(
                                    AuthenticationType.AWS_V2_OR_V4, accessKey, secretKey)
                            .jettyMaxThreads(16)
                            .build();
            try {
                started.start();
                awaitStarted(started);
                proxy = started;
                endpoint = candidate;
            } catch (Exception e) {
                last = e;
                stopQuietly(started);
            }
        }
        if (proxy == null) {
            closeStore();
            throw new IllegalStateException(
                    "Could not start s3proxy in " + START_ATTEMPTS + " attempts", last);
        }
    }

    private static void awaitStarted(S3Proxy proxy) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!"STARTED".equals(proxy.getState())) {
            if (System.nanoTime() > deadline || "FAILED".equals(proxy.getState())) {
                throw new IllegalStateException("s3proxy is " + proxy.getState());
            }
            Thread.sleep(10);
        }
    }

    /** {@code http://127.0.0.1:PORT}. */
    public URI endpoint() {
        running();
        return endpoint;
    }

    public String bucket() {
        return bucket;
    }

    public String accessKey() {
        return accessKey;
    }

    public String secretKey() {
        return secretKey;
    }

    public String region() {
        return region;
    }

    /** {@code s3a://BUCKET/}. */
    public URI uri() {
        return URI.create("s3a://" + bucket + "/");
    }

    /** Creates one more bucket; does nothing if it exists. */
    public void createBucket(String name) {
        running();
        context.getBlobStore().createContainerInLocation(null, name);
    }

    /**
     * A new Hadoop configuration whose {@code s3a://} file system reaches this endpoint: path-style
     * access, plain HTTP, these keys through the simple credentials provider, and this region. The
     * file system cache is off for s3a, so an endpoint from an earlier test class is never reused.
     */
    public Configuration hadoopConfiguration() {
        Configuration conf = new Configuration();
        hadoopProperties().forEach(conf::set);
        return conf;
    }

    /**
     * The settings of {@link #hadoopConfiguration()} as plain strings: serializable into a Flink
     * task, or passed to Flink's own Hadoop file systems with a {@code flink.hadoop.} prefix.
     */
    public Map<String, String> hadoopProperties() {
        running();
        Map<String, String> props = new LinkedHashMap<>();
        props.put("fs.s3a.endpoint", endpoint.toString());
        props.put("fs.s3a.endpoint.region", region);
        props.put("fs.s3a.path.style.access", "true");
        props.put("fs.s3a.connection.ssl.enabled", "false");
        props.put(
                "fs.s3a.aws.credentials.provider",
                "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
        props.put("fs.s3a.access.key", accessKey);
        props.put("fs.s3a.secret.key", secretKey);
        props.put("fs.s3a.bucket.probe", "0");
        props.put("fs.s3a.fast.upload.buffer", "bytebuffer");
        props.put("fs.s3a.impl.disable.cache", "true");
        // Fail fast against a local endpoint instead of retrying for minutes.
        props.put("fs.s3a.attempts.maximum", "2");
        props.put("fs.s3a.retry.limit", "2");
        props.put("fs.s3a.retry.interval", "100ms");
        return props;
    }

    /** An {@code s3a://BUCKET/} client, shared by callers and closed with the endpoint. */
    public synchronized FileSystem fileSystem() {
        running();
        if (fileSystem == null) {
            try {
                fileSystem = FileSystem.newInstance(uri(), hadoopConfiguration());
            } catch (IOException e) {
                throw new UncheckedIOException("Could not open a client for " + uri(), e);
            }
        }
        return fileSystem;
    }

    /** The directory the filesystem blob store keeps buckets in (one subdirectory per bucket). */
    public Path baseDir() {
        running();
        return baseDir;
    }

    public synchronized boolean isRunning() {
        return proxy != null;
    }

    @Override
    public synchronized void close() {
        if (proxy == null) {
            return;
        }
        try {
            if (fileSystem != null) {
                fileSystem.close();
            }
        } catch (IOException e) {
            // The endpoint goes away next; a client that cannot close cleanly does not matter.
        } finally {
            fileSystem = null;
            stopQuietly(proxy);
            proxy = null;
            endpoint = null;
            closeStore();
        }
    }

    private synchronized void running() {
        if (proxy == null) {
            throw new IllegalStateException("The local S3 endpoint is not running");
        }
    }

    private static void stopQuietly(S3Proxy proxy) {
        try {
            proxy.stop();
        } catch (Exception e) {
            // Stopping a server that failed to start or is going away anyway.
        }
    }

    private void closeStore() {
        if (context != null) {
            context.close();
            context = null;
        }
        try {
            Loopback.deleteRecursively(baseDir);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not delete " + baseDir, e);
        }
        baseDir = null;
    }

    /** Options for a {@link LocalS3}. */
    public static final class Builder {
        private String bucket = "exoclone";
        private String accessKey = "exoclone-access-key";
        private String secretKey = "exoclone-secret-key";
        private String region = "us-east-1";

        private Builder() {}

        /** The bucket created at start; default {@code exoclone}. */
        public Builder bucket(String name) {
            this.bucket = name;
            return this;
        }

        public Builder accessKey(String key) {
            this.accessKey = key;
            return this;
        }

        public Builder secretKey(String key) {
            this.secretKey = key;
            return this;
        }

        /** Any region name works; clients must sign with the same one. Default us-east-1. */
        public Builder region(String name) {
            this.region = name;
            return this;
        }

        public LocalS3 build() {
            if (bucket == null || !bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
                throw new IllegalArgumentException(
                        "Bucket name must be 3-63 lowercase letters, digits, dots or dashes: '"
                                + bucket
                                + "'");
            }
            requireText("Access key", accessKey);
            requireText("Secret key", secretKey);
            requireText("Region", region);
            return new LocalS3(this);
        }

        private static void requireText(String what, String value) {
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException(what + " must not be blank: '" + value + "'");
            }
        }
    }
}
