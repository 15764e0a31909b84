/**
 * Avro events of the exoclone streaming pipeline and the codec that frames them.
 *
 * <p>The record classes ({@link io.exoclone.schemas.NodeChange}, {@link
 * io.exoclone.schemas.SnapshotSealed}, {@link io.exoclone.schemas.ExoclonePublished}, {@link
 * io.exoclone.schemas.ReplicaStatus}, {@link io.exoclone.schemas.DeadLetter} and their nested
 * types) are generated at build time from {@code src/main/avro/*.avsc}; the schemas are the source
 * of truth and document every field. {@link io.exoclone.schemas.EventCodec} writes and reads them
 * with Avro single-object encoding, so any holder of this jar decodes any event without a schema
 * registry, and {@link io.exoclone.schemas.EventDecodeException} says why bytes were rejected.
 *
 * <p>This package depends on Avro only.
 */
package io.exoclone.schemas;
