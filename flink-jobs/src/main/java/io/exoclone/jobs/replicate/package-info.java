/**
 * {@code ReplicateJob}: reads {@code exoclone.published}, fetches each exo-clone file from its URI
 * (hdfs://, s3a://, file://) and imports it into the replica pool of this site in lineage order,
 * then reports a {@code ReplicaStatus} on {@code exoclone.replica-status}. {@link
 * io.exoclone.jobs.replicate.ReplicateJob} only wires; the logic is in {@link
 * io.exoclone.jobs.replicate.PublishedDecoder} and {@link
 * io.exoclone.jobs.replicate.ReplicaApplier}. The {@code exoclone apply} verb runs it.
 */
package io.exoclone.jobs.replicate;
