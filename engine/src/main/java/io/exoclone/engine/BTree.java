package io.exoclone.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Copy-on-write B+tree operations over roots held elsewhere (volumes, snapshots). Keys are logical
 * block numbers; leaves hold non-overlapping extents. Every internal key is the exact minimum of
 * its child, so the entry covering a block is always in the leaf its key descends to.
 *
 * <p>Mutations shadow the path from the root (see {@link NodeStore#shadow}) and return the new root
 * page id (0 for an empty tree).
 */
final class BTree {
    private final NodeStore store;
    private final PoolState state;

    BTree(NodeStore store, PoolState state) {
        this.store = store;
        this.state = state;
    }

    /** Visits, in order, every entry overlapping blocks {@code [from, to)}. */
    void scan(long root, long from, long to, Consumer<LeafEntry> visitor) {
        if (root == 0 || from >= to) {
            return;
        }
        scan(store.read(root), from, to, visitor);
    }

    private void scan(Node n, long from, long to, Consumer<LeafEntry> visitor) {
        if (n.isLeaf()) {
            int i = Math.max(0, n.entryIndexAtOrBefore(from));
            for (; i < n.entries.size(); i++) {
                LeafEntry e = n.entries.get(i);
                if (e.lba() >= to) {
                    return;
                }
                if (e.end() > from) {
                    visitor.accept(e);
                }
            }
            return;
        }
        int start = n.childIndexFor(from);
        for (int i = start; i < n.children.size(); i++) {
            if (n.keys.get(i) >= to) {
                return;
            }
            scan(store.read(n.children.get(i)), from, to, visitor);
        }
    }

    /** The leaf whose key range holds {@code key}, or null for an empty tree. */
    Node leafFor(long root, long key) {
        if (root == 0) {
            return null;
        }
        Node n = store.read(root);
        while (!n.isLeaf()) {
            n = store.read(n.children.get(n.childIndexFor(key)));
        }
        return n;
    }

    /** Like {@link #scan} but also names the leaf holding each entry. */
    void scanLeaves(
            long root, long from, long to, java.util.function.BiConsumer<Node, LeafEntry> v) {
        if (root == 0 || from >= to) {
            return;
        }
        scanLeaves(store.read(root), from, to, v);
    }

    private void scanLeaves(
            Node n, long from, long to, java.util.function.BiConsumer<Node, LeafEntry> v) {
        if (n.isLeaf()) {
            int i = Math.max(0, n.entryIndexAtOrBefore(from));
            for (; i < n.entries.size(); i++) {
                LeafEntry e = n.entries.get(i);
                if (e.lba() >= to) {
                    return;
                }
                if (e.end() > from) {
                    v.accept(n, e);
                }
            }
            return;
        }
        for (int i = n.childIndexFor(from); i < n.children.size(); i++) {
            if (n.keys.get(i) >= to) {
                return;
            }
            scanLeaves(store.read(n.children.get(i)), from, to, v);
        }
    }

    List<LeafEntry> entries(long root, long from, long to) {
        List<LeafEntry> out = new ArrayList<>();
        scan(root, from, to, out::add);
        return out;
    }

    /** Sum of the tree (zero for an empty tree). */
    long[] sum(long root) {
        return root == 0 ? Hashing.zeroSum() : store.read(root).sum.clone();
    }

    /**
     * Replaces the entry starting at {@code oldLba} (if {@code oldLba >= 0}) with {@code
     * replacements}, which must lie within the old entry's range (or, with no old entry, in a gap).
     * Allocation references are added for the replacements before the old one's is dropped.
     */
    long replace(long root, long oldLba, List<LeafEntry> replacements) {
        long key = oldLba >= 0 ? oldLba : replacements.get(0).lba();
        if (root == 0) {
            if (oldLba >= 0) {
                throw new IllegalStateException("Replacing lba " + oldLba + " in an empty tree");
            }
            Node leaf = store.allocate(0);
            root = leaf.pageId;
        }
        List<Node> path = new ArrayList<>();
        List<Integer> slots = new ArrayList<>();
        Node n = store.shadow(store.read(root));
        path.add(n);
        while (!n.isLeaf()) {
            int idx = n.childIndexFor(key);
            Node child = store.shadow(store.read(n.children.get(idx)));
            n.children.set(idx, child.pageId);
            slots.add(idx);
            path.add(child);
            n = child;
        }
        mutateLeaf(n, oldLba, replacements);
        return fixPath(path, slots);
    }

    private void mutateLeaf(Node leaf, long oldLba, List<LeafEntry> replacements) {
        int pos;
        LeafEntry old = null;
        if (oldLba >= 0) {
            pos = leaf.entryIndexAtOrBefore(oldLba);
            if (pos < 0 || leaf.entries.get(pos).lba() != oldLba) {
                throw new IllegalStateException("No entry at lba " + oldLba + " to replace");
            }
            old = leaf.entries.remove(pos);
        } else {
            pos = leaf.entryIndexAtOrBefore(replacements.get(0).lba()) + 1;
        }
        for (LeafEntry r : replacements) {
            state.incAlloc(r.allocKey());
            Hashing.add(leaf.sum, r.contribution());
        }
        leaf.entries.addAll(pos, replacements);
        if (old != null) {
            Hashing.sub(leaf.sum, old.contribution());
            state.decAlloc(old.allocKey());
        }
    }

    /**
     * After a leaf changed: refresh keys and sums up the path, split overfull nodes, unlink empty
     * ones, collapse a root with one child. Returns the new root.
     */
    private long fixPath(List<Node> path, List<Integer> slots) {
        for (int level = path.size() - 1; level >= 0; level--) {
            Node n = path.get(level);
            Node parent = level > 0 ? path.get(level - 1) : null;
            int slot = level > 0 ? slots.get(level - 1) : -1;
            if (n.size() == 0) {
                store.discard(n);
                if (parent == null) {
                    return 0;
                }
                parent.keys.remove(slot);
                parent.children.remove(slot);
                Hashing.sub(parent.sum, parent.childSums.remove(slot));
                continue;
            }
            Node right = n.overfull() ? split(n) : null;
            if (parent == null) {
                if (right != null) {
                    Node root = store.allocate(n.level + 1);
                    link(root, 0, n);
                    link(root, 1, right);
                    root.recomputeSum();
                    return root.pageId;
                }
                return collapse(n);
            }
            // The parent's sum moves by what changed below it (not re-added over all children).
            parent.keys.set(slot, n.minKey());
            Hashing.sub(parent.sum, parent.childSums.set(slot, n.sum.clone()));
            Hashing.add(parent.sum, n.sum);
            if (right != null) {
                link(parent, slot + 1, right);
                Hashing.add(parent.sum, right.sum);
            }
        }
        throw new IllegalStateException("unreachable");
    }

    /**
     * A root with a single child is replaced by that child, whose reference moves to the root
     * pointer. Stops at nodes the open transaction does not own exclusively.
     */
    private long collapse(Node root) {
        Node n = root;
        while (!n.isLeaf() && n.children.size() == 1 && n.dirty && state.pageRefs(n.pageId) == 1) {
            long child = n.children.get(0);
            n.children.clear();
            n.keys.clear();
            n.childSums.clear();
            store.discard(n);
            n = store.read(child);
        }
        return n.pageId;
    }

    private static void link(Node parent, int at, Node child) {
        parent.keys.add(at, child.minKey());
        parent.children.add(at, child.pageId);
        parent.childSums.add(at, child.sum.clone());
    }

    /** Moves the upper half of an overfull writable node into a new right sibling. */
    private Node split(Node n) {
        Node right = store.allocate(n.level);
        int half = n.size() / 2;
        if (n.isLeaf()) {
            List<LeafEntry> tail = n.entries.subList(half, n.entries.size());
            right.entries.addAll(tail);
            tail.clear();
        } else {
            List<Long> k = n.keys.subList(half, n.keys.size());
            List<Long> c = n.children.subList(half, n.children.size());
            List<long[]> s = n.childSums.subList(half, n.childSums.size());
            right.keys.addAll(k);
            right.children.addAll(c);
            right.childSums.addAll(s);
            k.clear();
            c.clear();
            s.clear();
        }
        n.recomputeSum();
        right.recomputeSum();
        return right;
    }
}
