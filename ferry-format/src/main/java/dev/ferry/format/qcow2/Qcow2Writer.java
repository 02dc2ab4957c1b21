package dev.ferry.format.qcow2;

import dev.ferry.format.convert.DiskWriter;
import dev.ferry.format.convert.Sink;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;

/**
 * Writes a qcow2 version 3 image in one forward pass: data clusters are appended in guest order
 * from cluster 1, each L2 table right after the data it maps once the writer moves past it, and
 * at the end the L1 table, the refcount table and the refcount blocks; the header (cluster 0) is
 * written last. Every host cluster is referenced exactly once (refcount 1, copied flags set), so
 * {@code qemu-img check} finds neither leaks nor errors. All-zero clusters are never allocated:
 * unallocated clusters read as zeros. Memory: the L1 table and one L2 table.
 */
public final class Qcow2Writer implements DiskWriter {
    public static final int DEFAULT_CLUSTER_BITS = 16;
    /** Largest virtual size written (qemu's limit for 64 KiB clusters is far above; this bounds L1). */
    public static final long MAX_SIZE = 1L << 50;

    private final Sink sink;
    private final int clusterBits;
    private final long clusterSize;
    private final long size;
    private final long[] l1;
    private final long[] l2;
    private long l2Index = -1;
    private boolean l2Dirty;
    /** Next free host offset (cluster aligned). */
    private long next;
    private long lastWriteEnd;
    private long pendingHost = -1;
    private int pendingLen;
    private final ByteBuffer pending;

    public Qcow2Writer(Sink sink, long virtualSize) {
        this(sink, virtualSize, DEFAULT_CLUSTER_BITS);
    }

    /** {@code virtualSize} is rounded up to 512 bytes, as qemu does. */
    public Qcow2Writer(Sink sink, long virtualSize, int clusterBits) {
        this.sink = Objects.requireNonNull(sink, "sink");
        if (clusterBits < Header.MIN_CLUSTER_BITS || clusterBits > Header.MAX_CLUSTER_BITS) {
            throw new IllegalArgumentException("cluster_bits " + clusterBits);
        }
        if (virtualSize < 0 || virtualSize > MAX_SIZE) {
            throw new IllegalArgumentException("virtual size " + virtualSize + " outside 0.." + MAX_SIZE);
        }
        this.clusterBits = clusterBits;
        this.clusterSize = 1L << clusterBits;
        this.size = (virtualSize + 511) / 512 * 512;
        long perL2 = clusterSize / 8;
        long bytesPerL2 = clusterSize * perL2;
        long l1Entries = (size + bytesPerL2 - 1) / bytesPerL2;
        if (l1Entries * 8 > Qcow2Reader.MAX_L1_BYTES) {
            throw new IllegalArgumentException("virtual size " + virtualSize + " needs too large an L1 table for "
                    + clusterSize + "-byte clusters");
        }
        this.l1 = new long[(int) l1Entries];
        this.l2 = new long[(int) perL2];
        this.next = clusterSize;
        this.pending = ByteBuffer.allocate((int) Math.max(clusterSize, 4 << 20));
    }

    @Override
    public long virtualSize() {
        return size;
    }

    @Override
    public void write(long offset, byte[] buf, int off, int len) throws IOException {
        if (offset < lastWriteEnd || offset + len > size || len < 0) {
            throw new IllegalArgumentException("write of " + len + " at " + offset + " out of order or past " + size);
        }
        int done = 0;
        while (done < len) {
            long pos = offset + done;
            long c = pos / clusterSize;
            int in = (int) (pos % clusterSize);
            int n = (int) Math.min(clusterSize - in, len - done);
            long host = hostCluster(c) + in;
            append(host, buf, off + done, n);
            done += n;
        }
        lastWriteEnd = offset + len;
    }

    /** Direct buffers go to the sink without a copy: one write per run of consecutive host clusters. */
    @Override
    public void write(long offset, ByteBuffer src) throws IOException {
        if (src.hasArray()) {
            DiskWriter.super.write(offset, src);
            return;
        }
        int len = src.remaining();
        if (offset < lastWriteEnd || offset + len > size) {
            throw new IllegalArgumentException("write of " + len + " at " + offset + " out of order or past " + size);
        }
        flushPending();
        int base = src.position();
        int done = 0;
        long runHost = -1;
        int runStart = 0;
        int runLen = 0;
        while (done < len) {
            long pos = offset + done;
            long c = pos / clusterSize;
            int in = (int) (pos % clusterSize);
            int n = (int) Math.min(clusterSize - in, len - done);
            long host = hostCluster(c) + in;
            if (runLen > 0 && host != runHost + runLen) {
                sink.write(runHost, src.slice(base + runStart, runLen));
                runLen = 0;
            }
            if (runLen == 0) {
                runHost = host;
                runStart = done;
            }
            runLen += n;
            done += n;
        }
        if (runLen > 0) {
            sink.write(runHost, src.slice(base + runStart, runLen));
        }
        src.position(base + len);
        lastWriteEnd = offset + len;
    }

    /** The host offset of guest cluster {@code c}, allocating it (and moving to its L2 table). */
    private long hostCluster(long c) throws IOException {
        long l1i = c / l2.length;
        if (l1i != l2Index) {
            flushL2();
            l2Index = l1i;
        }
        int i = (int) (c % l2.length);
        if (l2[i] == 0) {
            l2[i] = next | L2Entry.COPIED;
            l2Dirty = true;
            next += clusterSize;
        }
        return l2[i] & L2Entry.OFFSET_MASK;
    }

    /** Coalesces writes to consecutive host bytes into large positioned writes. */
    private void append(long host, byte[] buf, int off, int n) throws IOException {
        if (pendingLen > 0 && (host != pendingHost + pendingLen || pendingLen + n > pending.capacity())) {
            flushPending();
        }
        if (n >= pending.capacity()) {
            sink.write(host, buf, off, n);
            return;
        }
        if (pendingLen == 0) {
            pendingHost = host;
        }
        pending.put(pendingLen, buf, off, n);
        pendingLen += n;
    }

    private void flushPending() throws IOException {
        if (pendingLen > 0) {
            sink.write(pendingHost, pending.array(), 0, pendingLen);
            pendingLen = 0;
        }
    }

    /** Writes the current L2 table after the data it maps. */
    private void flushL2() throws IOException {
        if (l2Index >= 0 && l2Dirty) {
            flushPending();
            long at = next;
            next += clusterSize;
            ByteBuffer b = ByteBuffer.allocate((int) clusterSize);
            b.asLongBuffer().put(l2);
            sink.write(at, b);
            l1[(int) l2Index] = at | L1Entry.COPIED;
        }
        Arrays.fill(l2, 0);
        l2Dirty = false;
        l2Index = -1;
    }

    @Override
    public void finish() throws IOException {
        flushPending();
        flushL2();
        long l1Offset = next;
        long l1Clusters = Math.max(1, (l1.length * 8L + clusterSize - 1) / clusterSize);
        next += l1Clusters * clusterSize;
        ByteBuffer l1b = ByteBuffer.allocate((int) (l1Clusters * clusterSize));
        l1b.asLongBuffer().put(l1);
        sink.write(l1Offset, l1b);

        // Refcount table and blocks cover every cluster, themselves included: find the fixed point.
        long perBlock = clusterSize * 8 / 16;
        long before = next / clusterSize;
        long blocks = 0;
        long tableClusters = 0;
        for (int i = 0; i < 64; i++) {
            long total = before + blocks + tableClusters;
            long b = (total + perBlock - 1) / perBlock;
            long t = Math.max(1, (b * 8 + clusterSize - 1) / clusterSize);
            if (b == blocks && t == tableClusters) {
                break;
            }
            blocks = b;
            tableClusters = t;
        }
        long total = before + blocks + tableClusters;
        long tableOffset = next;
        long firstBlock = tableOffset + tableClusters * clusterSize;
        ByteBuffer table = ByteBuffer.allocate((int) clusterSize);
        for (long t = 0; t < tableClusters; t++) {
            table.clear();
            for (int j = 0; j < clusterSize / 8; j++) {
                long bi = t * (clusterSize / 8) + j;
                table.putLong(bi < blocks ? firstBlock + bi * clusterSize : 0);
            }
            table.flip();
            sink.write(tableOffset + t * clusterSize, table);
        }
        ByteBuffer block = ByteBuffer.allocate((int) clusterSize);
        for (long bi = 0; bi < blocks; bi++) {
            block.clear();
            long covered = Math.min(perBlock, total - bi * perBlock);
            for (long j = 0; j < perBlock; j++) {
                block.putShort((short) (j < covered ? 1 : 0));
            }
            block.flip();
            sink.write(firstBlock + bi * clusterSize, block);
        }
        sink.write(0, headerBytes(l1Offset, tableOffset, tableClusters));
        sink.setLength(firstBlock + blocks * clusterSize);
    }

    private ByteBuffer headerBytes(long l1Offset, long refcountTableOffset, long refcountTableClusters) {
        ByteBuffer h = ByteBuffer.allocate(Header.V3_MIN_LENGTH + 8);
        h.putInt(Header.MAGIC).putInt(3)
                .putLong(0).putInt(0)               // no backing file
                .putInt(clusterBits).putLong(size)
                .putInt(0)                          // crypt_method: none
                .putInt(l1.length).putLong(l1Offset)
                .putLong(refcountTableOffset).putInt((int) refcountTableClusters)
                .putInt(0).putLong(0)               // no snapshots
                .putLong(0).putLong(0).putLong(0)   // incompatible, compatible, autoclear features
                .putInt(4)                          // refcount_order: 16-bit refcounts
                .putInt(Header.V3_MIN_LENGTH);
        h.putLong(0);                               // header extension end marker
        h.flip();
        return h;
    }
}
