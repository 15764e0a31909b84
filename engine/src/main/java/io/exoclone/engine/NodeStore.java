package io.exoclone.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Node pages: reading (with a cache), allocating, copy-on-write shadowing and lazy reference
 * counting (Rodeh 2008). A page's count is the number of parent pointers and roots naming it; a
 * shared node's children are only counted again when it is shadowed.
 */
final class NodeStore {
    /** Decoded nodes kept in memory (a few KiB of heap each when full). */
    private static final int CACHE_PAGES = 8_192;

    private final FileLayer.Handle file;
    private final String fileName;
    private final PoolState state;
    private final Map<Long, Node> dirty = new HashMap<>();
    private final TreeSet<Long> free = new TreeSet<>();
    private List<Long> pendingFree = new ArrayList<>();

    /** The pages of the commit in flight (frozen, clean): read from here until it is durable. */
    private Map<Long, Node> committing = Map.of();

    /** Pages the commit in flight frees: reusable once it is durable. */
    private List<Long> freeing = List.of();

    private final Map<Long, Node> cache =
            new LinkedHashMap<>(1024, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<Long, Node> eldest) {
                    return size() > CACHE_PAGES;
                }
            };
    private long reads;

    NodeStore(FileLayer.Handle file, String fileName, PoolState state) {
        this.file = file;
        this.fileName = fileName;
        this.state = state;
        for (long p = 1; p < state.nextPageId; p++) {
            if (state.pageRefs(p) == 0) {
                free.add(p);
            }
        }
    }

    /** Pages read through {@link #read} since creation (cache hits included). */
    long reads() {
        return reads;
    }

    long generation() {
        return state.seq + 1;
    }

    Node read(long pageId) {
        reads++;
        Node n = dirty.get(pageId);
        if (n != null) {
            return n;
        }
        n = committing.get(pageId);
        if (n != null) {
            return n;
        }
        n = cache.get(pageId);
        if (n != null) {
            return n;
        }
        n = readFromDisk(pageId);
        cache.put(pageId, n);
        return n;
    }

    /** Reads a committed page from the file, bypassing the cache (for check). */
    Node readFromDisk(long pageId) {
        if (pageId <= 0 || pageId >= state.nextPageId) {
            throw new CorruptDataException(
                    fileName, pageId * Node.PAGE_SIZE, "a page id below " + state.nextPageId);
        }
        ByteBuffer buf = ByteBuffer.allocate(Node.PAGE_SIZE);
        try {
            int n = file.read(buf, pageId * Node.PAGE_SIZE);
            if (n != Node.PAGE_SIZE) {
                throw new CorruptDataException(
                        fileName, pageId * Node.PAGE_SIZE, "a full page, file ended after " + n);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read node page " + pageId, e);
        }
        buf.flip();
        return Node.decode(buf, pageId, fileName);
    }

    /** Whether a page is not (or not yet surely) on disk as the store knows it. */
    boolean isDirty(long pageId) {
        return dirty.containsKey(pageId) || committing.containsKey(pageId);
    }

    private long allocatePageId() {
        Long p = free.pollFirst();
        if (p != null) {
            return p;
        }
        return state.nextPageId++;
    }

    /** A new, empty, writable node with reference count 1. */
    Node allocate(int level) {
        long id = allocatePageId();
        Node n =
                level == 0
                        ? Node.newLeaf(id, generation())
                        : Node.newInternal(id, level, generation());
        n.dirty = true;
        dirty.put(id, n);
        state.setPageRefs(id, 1);
        return n;
    }

    /**
     * Returns a writable version of {@code n}, reached through a pointer its caller is about to
     * rewrite: {@code n} itself when the open transaction wrote it and nothing else shares it,
     * otherwise a copy on a new page.
     */
    Node shadow(Node n) {
        int refs = state.pageRefs(n.pageId);
        if (n.dirty && refs == 1) {
            return n;
        }
        Node copy = n.copy(allocatePageId(), generation());
        dirty.put(copy.pageId, copy);
        state.setPageRefs(copy.pageId, 1);
        if (refs > 1) {
            // The copy takes a new reference to everything below; n keeps its own.
            if (n.isLeaf()) {
                for (LeafEntry e : n.entries) {
                    state.incAlloc(e.allocKey());
                }
            } else {
                for (long c : n.children) {
                    state.setPageRefs(c, state.pageRefs(c) + 1);
                }
            }
            state.setPageRefs(n.pageId, refs - 1);
        } else {
            // The copy replaces n: its references move over, n is freed without cascading.
            state.setPageRefs(n.pageId, 0);
            release(n);
        }
        return copy;
    }

    /**
     * Moves a node to a new page that takes over all of its references (for compaction): every
     * parent and root naming the old page will be rewritten to name the new one.
     */
    Node relocate(Node n) {
        int refs = state.pageRefs(n.pageId);
        Node copy = n.copy(allocatePageId(), generation());
        dirty.put(copy.pageId, copy);
        state.setPageRefs(copy.pageId, refs);
        state.setPageRefs(n.pageId, 0);
        release(n);
        return copy;
    }

    void incRef(long pageId) {
        state.setPageRefs(pageId, state.pageRefs(pageId) + 1);
    }

    /** Drops one reference; at zero the page is freed and its children dereferenced. */
    void decRef(long pageId) {
        int refs = state.pageRefs(pageId);
        if (refs <= 0) {
            throw new IllegalStateException("Page " + pageId + " has no references to drop");
        }
        if (refs > 1) {
            state.setPageRefs(pageId, refs - 1);
            return;
        }
        Node n = read(pageId);
        state.setPageRefs(pageId, 0);
        if (n.isLeaf()) {
            for (LeafEntry e : n.entries) {
                state.decAlloc(e.allocKey());
            }
        } else {
            for (long c : n.children) {
                decRef(c);
            }
        }
        release(n);
    }

    /** Frees an empty writable node the tree has just unlinked (its references are gone). */
    void discard(Node n) {
        state.setPageRefs(n.pageId, 0);
        release(n);
    }

    private void release(Node n) {
        cache.remove(n.pageId);
        if (dirty.remove(n.pageId) != null) {
            free.add(n.pageId); // never committed: reusable at once
        } else {
            pendingFree.add(n.pageId); // the committed state still names it
        }
    }

    boolean hasDirty() {
        return !dirty.isEmpty() || !pendingFree.isEmpty();
    }

    int dirtyCount() {
        return dirty.size();
    }

    /**
     * Ends the open transaction's pages (under the pool's monitor, for a commit): they become
     * clean, so the next transaction shadows instead of changing them, and stay readable from
     * memory until {@link #afterCommit}. Pages freed so far become reusable only then. Returns them
     * by page id.
     */
    List<Node> freeze() {
        if (!committing.isEmpty() || !freeing.isEmpty()) {
            throw new IllegalStateException("A commit is already in flight");
        }
        List<Node> pages = new ArrayList<>(dirty.values());
        pages.sort(java.util.Comparator.comparingLong(n -> n.pageId));
        for (Node n : pages) {
            n.dirty = false;
        }
        committing = new HashMap<>(dirty);
        dirty.clear();
        freeing = pendingFree;
        pendingFree = new ArrayList<>();
        return pages;
    }

    /**
     * Writes frozen pages (no monitor needed: frozen nodes are never changed, and only this writes
     * the file).
     */
    void writePages(List<Node> pages) throws IOException {
        // Runs of consecutive page ids (pages are sorted) go down in one write each.
        int i = 0;
        while (i < pages.size()) {
            writeBuffer.clear();
            long first = pages.get(i).pageId;
            int j = i;
            while (j < pages.size()
                    && pages.get(j).pageId == first + (j - i)
                    && writeBuffer.remaining() >= Node.PAGE_SIZE) {
                pages.get(j).encodeInto(writeBuffer);
                j++;
            }
            writeBuffer.flip();
            file.write(writeBuffer, first * Node.PAGE_SIZE);
            i = j;
        }
    }

    /** Encoded pages on their way to the file (one commit writes at a time). */
    private final ByteBuffer writeBuffer = ByteBuffer.allocateDirect(256 * Node.PAGE_SIZE);

    void force() throws IOException {
        file.force();
    }

    /** After the superblock flip: the written pages move to the cache, freed pages are reusable. */
    void afterCommit() {
        for (Node n : committing.values()) {
            if (state.pageRefs(n.pageId) > 0) {
                cache.put(n.pageId, n);
            }
        }
        committing = Map.of();
        free.addAll(freeing);
        freeing = List.of();
    }

    long freePages() {
        return free.size();
    }

    boolean isFree(long pageId) {
        return free.contains(pageId) || pendingFree.contains(pageId) || freeing.contains(pageId);
    }

    void close() throws IOException {
        file.close();
    }
}
