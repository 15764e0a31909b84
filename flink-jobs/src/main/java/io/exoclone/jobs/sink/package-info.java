/**
 * The two-phase-commit sink of exo-clone files: in-progress files become committables at a
 * checkpoint, the committer renames them to their final names once the checkpoint completes, and a
 * post-commit topology publishes each committed file to Kafka exactly once.
 */
package io.exoclone.jobs.sink;
