/**
 * The whole replication pipeline in one piece ({@code Pipeline}): change feed, AssembleJob and
 * ReplicateJob on given or embedded services (a Kafka broker and a Flink cluster in this JVM on
 * 127.0.0.1), and the {@code replicate} and {@code demo} verbs built on it.
 */
package io.exoclone.jobs.pipeline;
