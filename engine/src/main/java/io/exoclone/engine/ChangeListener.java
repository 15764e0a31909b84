package io.exoclone.engine;

/**
 * Told about every snapshot once it is durable (never before). Called on the committing thread
 * while the pool is locked: do little here (for example hand the snapshot to a queue) and read its
 * changes with {@link Pool#changes} from another thread. The engine keeps no Kafka code; the change
 * feed in {@code connectors/} implements this.
 */
@FunctionalInterface
public interface ChangeListener {
    void snapshotCommitted(Snapshot snapshot);
}
