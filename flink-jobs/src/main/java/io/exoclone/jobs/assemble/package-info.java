/**
 * The operators of {@link io.exoclone.jobs.AssembleJob}: decode the change feed, re-join split
 * ranges into chunks, deduplicate chunks by content hash, and assemble each snapshot's chunks into
 * one exo-clone file. Each is a small function configured through its constructor.
 */
package io.exoclone.jobs.assemble;
