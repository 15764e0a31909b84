/**
 * The copy-on-write B-tree volume engine.
 *
 * <p>A {@link io.exoclone.engine.Pool} is a directory holding volumes, snapshots and clones. Its
 * public face is small: {@link io.exoclone.engine.Pool}, {@link io.exoclone.engine.Volume}, {@link
 * io.exoclone.engine.Snapshot}, {@link io.exoclone.engine.SnapshotDiff}, {@link
 * io.exoclone.engine.Extent} and the exceptions rooted at {@link
 * io.exoclone.engine.ExocloneException}. The B-tree, node pages, data segments, the superblock and
 * the reference counts are package-private.
 *
 * <p>This package never depends on Kafka, Flink or Hadoop; an architecture test holds that line.
 */
package io.exoclone.engine;
