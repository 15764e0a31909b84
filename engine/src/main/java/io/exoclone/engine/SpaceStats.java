package io.exoclone.engine;

/**
 * Space accounting of one volume or snapshot.
 *
 * @param logical logical size in bytes
 * @param allocated bytes of data mapped by its tree
 * @param shared of {@code allocated}, bytes also mapped by another volume or snapshot
 * @param exclusive of {@code allocated}, bytes only it maps (freed if it is deleted)
 */
public record SpaceStats(
        String name, String kind, long logical, long allocated, long shared, long exclusive) {}
