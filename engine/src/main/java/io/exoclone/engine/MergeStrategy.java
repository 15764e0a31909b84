package io.exoclone.engine;

/** How {@link Pool#merge} resolves ranges both sides changed differently. */
public enum MergeStrategy {
    /** Refuse the merge and change nothing (the default). */
    FAIL,
    /** Keep the volume's own bytes. */
    OURS,
    /** Take the other snapshot's bytes. */
    THEIRS
}
