package dev.ferry.format.io;

import java.util.Arrays;

/**
 * File byte ranges that hold an image's metadata (qcow2 header, L1, refcount and L2 tables; VMDK
 * grain directories and tables...), so that no two overlap and no data pointer lands in them. Built once, then frozen: {@link #freeze} sorts the ranges and reports the first overlap
 * between two of them; {@link #intersects} is a binary search. Ranges are added only for tables
 * already checked to lie inside the file, so their number is bounded by the file, and the caller
 * bounds it further by {@code maxRanges}.
 */
public final class MetadataMap {
    private long[] starts = new long[64];
    private long[] ends = new long[64];
    private String[] names = new String[64];
    private int count;
    private final int maxRanges;
    private boolean frozen;

    public MetadataMap(int maxRanges) {
        this.maxRanges = maxRanges;
    }

    /** Adds {@code [start, end)}; false when the bound on ranges is reached. */
    public boolean add(long start, long end, String name) {
        if (frozen) {
            throw new IllegalStateException("frozen");
        }
        if (end <= start) {
            return true;
        }
        if (count == maxRanges) {
            return false;
        }
        if (count == starts.length) {
            int n = (int) Math.min((long) count * 2, maxRanges);
            starts = Arrays.copyOf(starts, n);
            ends = Arrays.copyOf(ends, n);
            names = Arrays.copyOf(names, n);
        }
        starts[count] = start;
        ends[count] = end;
        names[count] = name;
        count++;
        return true;
    }

    public int size() {
        return count;
    }

    /** Sorts; returns a description of the first two overlapping ranges, or null. */
    public String freeze() {
        frozen = true;
        int[] order = new int[count];
        for (int i = 0; i < count; i++) {
            order[i] = i;
        }
        sortByStart(order, new int[count], 0, count);
        long[] s = new long[count];
        long[] e = new long[count];
        String[] n = new String[count];
        for (int i = 0; i < count; i++) {
            s[i] = starts[order[i]];
            e[i] = ends[order[i]];
            n[i] = names[order[i]];
        }
        starts = s;
        ends = e;
        names = n;
        for (int i = 1; i < count; i++) {
            if (s[i] < e[i - 1]) {
                return n[i] + " at " + s[i] + " overlaps " + n[i - 1] + " at " + s[i - 1];
            }
        }
        return null;
    }

    /** Stable merge sort of indices by start: primitive arrays, no boxing for millions of ranges. */
    private void sortByStart(int[] a, int[] tmp, int from, int to) {
        if (to - from < 2) {
            return;
        }
        int mid = (from + to) >>> 1;
        sortByStart(a, tmp, from, mid);
        sortByStart(a, tmp, mid, to);
        int i = from;
        int j = mid;
        int k = from;
        while (i < mid && j < to) {
            tmp[k++] = starts[a[j]] < starts[a[i]] ? a[j++] : a[i++];
        }
        while (i < mid) {
            tmp[k++] = a[i++];
        }
        while (j < to) {
            tmp[k++] = a[j++];
        }
        System.arraycopy(tmp, from, a, from, to - from);
    }

    /** The name of a metadata range intersecting {@code [start, end)}, or null. Requires {@link #freeze}. */
    public String intersects(long start, long end) {
        // last range starting before end
        int lo = 0;
        int hi = count - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (starts[mid] < end) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        if (found >= 0 && ends[found] > start) {
            return names[found];
        }
        return null;
    }
}
