package dev.ferry.format.convert;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Random;

/** A virtual disk held in memory, with explicit extents: the source of the round-trip tests. */
final class MemoryDisk implements VirtualDisk {
    private final byte[] content;
    private final List<Extent> extents;

    MemoryDisk(byte[] content, List<Extent> extents) {
        this.content = content;
        this.extents = List.copyOf(extents);
    }

    /**
     * A random sparse disk: runs of random data, of zeros inside DATA extents, ZERO extents and
     * holes, at unaligned offsets, of {@code size} bytes.
     */
    static MemoryDisk random(Random rnd, int size) {
        byte[] c = new byte[size];
        List<Extent> ex = new ArrayList<>();
        int pos = 0;
        while (pos < size) {
            int len = Math.min(size - pos, 1 + switch (rnd.nextInt(4)) {
                case 0 -> rnd.nextInt(700);
                case 1 -> rnd.nextInt(70_000);
                default -> rnd.nextInt(3 << 20);
            });
            switch (rnd.nextInt(4)) {
                case 0 -> { } // hole
                case 1 -> ex.add(new Extent(pos, len, Extent.Kind.ZERO));
                case 2 -> ex.add(new Extent(pos, len, Extent.Kind.DATA)); // allocated zeros
                default -> {
                    byte[] r = new byte[len];
                    rnd.nextBytes(r);
                    if (rnd.nextBoolean()) {
                        // sparse data: a few non-zero bytes in a run of zeros
                        Arrays.fill(r, (byte) 0);
                        for (int i = 0; i < 8; i++) {
                            r[rnd.nextInt(len)] = (byte) (1 + rnd.nextInt(255));
                        }
                    }
                    System.arraycopy(r, 0, c, pos, len);
                    ex.add(new Extent(pos, len, Extent.Kind.DATA));
                }
            }
            pos += len;
        }
        // Coalesce neighbours of the same kind, as readers do.
        List<Extent> merged = new ArrayList<>();
        for (Extent e : ex) {
            Extent last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
            if (last != null && last.end() == e.offset() && last.kind() == e.kind()) {
                merged.set(merged.size() - 1, new Extent(last.offset(), last.length() + e.length(), e.kind()));
            } else {
                merged.add(e);
            }
        }
        return new MemoryDisk(c, merged);
    }

    byte[] content() {
        return content;
    }

    @Override
    public long size() {
        return content.length;
    }

    @Override
    public ExtentCursor extents() {
        Iterator<Extent> it = extents.iterator();
        return () -> it.hasNext() ? it.next() : null;
    }

    @Override
    public void read(long position, byte[] buf, int off, int len) {
        System.arraycopy(content, (int) position, buf, off, len);
    }
}
