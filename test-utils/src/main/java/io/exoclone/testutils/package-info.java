/**
 * Real services on 127.0.0.1 for tests and the embedded demo: a KRaft Kafka broker ({@link
 * io.exoclone.testutils.EmbeddedKafka}), a Flink MiniCluster ({@link
 * io.exoclone.testutils.LocalFlinkCluster}), HDFS ({@link io.exoclone.testutils.MiniHdfs}) and an
 * S3 endpoint ({@link io.exoclone.testutils.LocalS3}). Each is a JUnit 5 extension for
 * {@code @RegisterExtension static} fields and a plain {@link java.lang.AutoCloseable}.
 */
package io.exoclone.testutils;
