package io.exoclone.engine;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Diff of two B-trees. Both trees are walked in key order side by side; when the next item on both
 * sides is the same page, that whole subtree is shared and skipped. Only paths that differ are
 * read, so the cost follows the size of the change, not of the volume.
 */
final class Differ {
    private final NodeStore store;
    private long visited;

    Differ(NodeStore store) {
        this.store = store;
    }

    long nodesVisited() {
        return visited;
    }

    /** One pending item of an in-order walk: a subtree (page) or a leaf entry. */
    private record Item(long page, int level, long low, LeafEntry entry) {
        long position() {
            return entry != null ? entry.lba() : low;
        }
    }

    /** A side of the walk: a stack of items still to visit, next on top. */
    private final class Walk {
        final Deque<Item> stack = new ArrayDeque<>();
        final List<LeafEntry> out = new ArrayList<>();

        Walk(long root) {
            if (root != 0) {
                stack.push(new Item(root, Integer.MAX_VALUE, Long.MIN_VALUE, null));
            }
        }

        Item peek() {
            return stack.peek();
        }

        void advance() {
            Item it = stack.pop();
            if (it.entry != null) {
                out.add(it.entry);
                return;
            }
            Node n = store.read(it.page);
            visited++;
            if (n.isLeaf()) {
                for (int i = n.entries.size() - 1; i >= 0; i--) {
                    stack.push(new Item(0, -1, 0, n.entries.get(i)));
                }
            } else {
                for (int i = n.children.size() - 1; i >= 0; i--) {
                    stack.push(new Item(n.children.get(i), n.level - 1, n.keys.get(i), null));
                }
            }
        }
    }

    /** Entries of {@code a} and {@code b} outside shared subtrees, each list in key order. */
    List<List<LeafEntry>> walk(long rootA, long rootB) {
        Walk a = new Walk(rootA);
        Walk b = new Walk(rootB);
        while (a.peek() != null || b.peek() != null) {
            Item x = a.peek();
            Item y = b.peek();
            if (x == null) {
                b.advance();
            } else if (y == null) {
                a.advance();
            } else if (x.entry == null && y.entry == null && x.page == y.page) {
                a.stack.pop();
                b.stack.pop();
            } else if (x.position() < y.position()) {
                a.advance();
            } else if (y.position() < x.position()) {
                b.advance();
            } else if (x.entry == null && (y.entry != null || x.level >= y.level)) {
                a.advance();
            } else {
                b.advance();
            }
        }
        return List.of(a.out, b.out);
    }

    /**
     * Block ranges where {@code b} maps differently from {@code a} (a different physical block, or
     * mapped on one side only), coalesced.
     */
    List<SnapshotDiff.ChangedRange> diff(long rootA, long rootB) {
        List<List<LeafEntry>> sides = walk(rootA, rootB);
        List<LeafEntry> xs = sides.get(0);
        List<LeafEntry> ys = sides.get(1);
        List<SnapshotDiff.ChangedRange> out = new ArrayList<>();
        // Sweep over the union of boundaries.
        int i = 0;
        int j = 0;
        long pos = Long.MIN_VALUE;
        while (i < xs.size() || j < ys.size()) {
            LeafEntry x = i < xs.size() ? xs.get(i) : null;
            LeafEntry y = j < ys.size() ? ys.get(j) : null;
            long xs0 = x == null ? Long.MAX_VALUE : Math.max(x.lba(), pos);
            long ys0 = y == null ? Long.MAX_VALUE : Math.max(y.lba(), pos);
            long start = Math.min(xs0, ys0);
            boolean xIn = x != null && xs0 == start;
            boolean yIn = y != null && ys0 == start;
            long end = Long.MAX_VALUE;
            if (x != null) {
                end = Math.min(end, xIn ? x.end() : xs0);
            }
            if (y != null) {
                end = Math.min(end, yIn ? y.end() : ys0);
            }
            boolean same =
                    xIn
                            && yIn
                            && x.segment() == y.segment()
                            && x.physical(start) == y.physical(start);
            if (!same) {
                add(out, new SnapshotDiff.ChangedRange(start, end - start, !yIn));
            }
            pos = end;
            if (x != null && x.end() <= pos) {
                i++;
            }
            if (y != null && y.end() <= pos) {
                j++;
            }
        }
        return out;
    }

    private static void add(List<SnapshotDiff.ChangedRange> out, SnapshotDiff.ChangedRange r) {
        if (!out.isEmpty()) {
            SnapshotDiff.ChangedRange last = out.get(out.size() - 1);
            if (last.endBlock() == r.startBlock() && last.zero() == r.zero()) {
                out.set(
                        out.size() - 1,
                        new SnapshotDiff.ChangedRange(
                                last.startBlock(), last.blocks() + r.blocks(), last.zero()));
                return;
            }
        }
        out.add(r);
    }
}
