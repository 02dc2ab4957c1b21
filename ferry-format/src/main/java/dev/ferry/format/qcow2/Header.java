package dev.ferry.format.qcow2;

import dev.ferry.format.Reason;
import dev.ferry.format.io.ReadSource;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The qcow2 header (big-endian, docs/interop/qcow2.txt), versions 2 and 3. Unsigned 32-bit fields
 * are widened to {@code long}. For version 2 the v3 fields hold their implied values
 * (no features, refcount_order 4, header_length 72, zlib).
 *
 * <p>{@link #read} checks only what is needed for the header to have a meaning (magic, version,
 * cluster_bits, header_length, refcount_order, compression type); safety policy (backing file,
 * encryption, feature bits, limits) belongs to {@link Qcow2Inspector}.
 */
public record Header(int version, long backingFileOffset, long backingFileSize, int clusterBits, long size,
                     long cryptMethod, long l1Size, long l1TableOffset, long refcountTableOffset,
                     long refcountTableClusters, long nbSnapshots, long snapshotsOffset,
                     long incompatibleFeatures, long compatibleFeatures, long autoclearFeatures,
                     int refcountOrder, int headerLength, CompressionType compressionType) {

    public static final int MAGIC = 0x514649FB;
    public static final int V2_LENGTH = 72;
    /** v3 header without the optional compression_type byte. */
    public static final int V3_MIN_LENGTH = 104;
    public static final int MIN_CLUSTER_BITS = 9;
    /** qemu's maximum (2 MiB clusters). */
    public static final int MAX_CLUSTER_BITS = 21;
    public static final int MAX_REFCOUNT_ORDER = 6;
    /** Offset of the 8-byte {@code size} field: the same in qcow v1, so usable for any version. */
    public static final int SIZE_OFFSET = 24;

    public Header {
        if (version != 2 && version != 3) {
            throw new IllegalArgumentException("version " + version);
        }
        if (clusterBits < MIN_CLUSTER_BITS || clusterBits > MAX_CLUSTER_BITS) {
            throw new IllegalArgumentException("cluster_bits " + clusterBits);
        }
        if (refcountOrder < 0 || refcountOrder > MAX_REFCOUNT_ORDER) {
            throw new IllegalArgumentException("refcount_order " + refcountOrder);
        }
        if (headerLength < V2_LENGTH || headerLength % 8 != 0 || headerLength > (1 << clusterBits)) {
            throw new IllegalArgumentException("header_length " + headerLength);
        }
        if (size < 0 || backingFileOffset < 0 || l1TableOffset < 0 || refcountTableOffset < 0 || snapshotsOffset < 0) {
            throw new IllegalArgumentException("negative size or offset");
        }
        if (compressionType == null) {
            throw new IllegalArgumentException("compression type");
        }
    }

    public long clusterSize() {
        return 1L << clusterBits;
    }

    /** Bits 0..clusterBits-1 of a host offset. */
    public long clusterOffsetMask() {
        return clusterSize() - 1;
    }

    public boolean extendedL2() {
        return IncompatibleFeature.EXTENDED_L2.isSet(incompatibleFeatures);
    }

    /** Entries per L2 table (a table is one cluster). */
    public long l2Entries() {
        return clusterSize() / (extendedL2() ? 16 : 8);
    }

    /** Guest bytes mapped by one L2 table. */
    public long bytesPerL2Table() {
        return clusterSize() * l2Entries();
    }

    /** L1 entries needed to map {@link #size}. */
    public long requiredL1Entries() {
        long perTable = bytesPerL2Table();
        return size / perTable + (size % perTable == 0 ? 0 : 1);
    }

    public int refcountBits() {
        return 1 << refcountOrder;
    }

    /** Where header extensions start: right after the header (v2: byte 72). */
    public int extensionsOffset() {
        return headerLength;
    }

    public boolean hasBackingFile() {
        return backingFileOffset != 0;
    }

    /** The 8-byte virtual size at offset 24 of any qcow/qcow2 header, or -1 when the file is too short or it is negative. */
    public static long peekSize(ReadSource source) throws IOException {
        if (source.size() < SIZE_OFFSET + 8) {
            return -1;
        }
        long s = ByteBuffer.wrap(source.readFully(SIZE_OFFSET, 8)).getLong();
        return s < 0 ? -1 : s;
    }

    /** Reads and checks the header at offset 0. */
    public static Header read(ReadSource source) throws IOException, Qcow2Exception {
        long fileSize = source.size();
        if (fileSize < 8) {
            throw new Qcow2Exception(Reason.TRUNCATED, "file of " + fileSize + " bytes ends inside the qcow2 header");
        }
        ByteBuffer b = ByteBuffer.wrap(source.readFully(0, 8));
        if (b.getInt(0) != MAGIC) {
            throw new Qcow2Exception(Reason.BAD_HEADER, "no qcow2 magic");
        }
        long version = Integer.toUnsignedLong(b.getInt(4));
        if (version != 2 && version != 3) {
            throw new Qcow2Exception(Reason.UNSUPPORTED_VERSION,
                    version == 1 ? "qcow version 1 (not qcow2)" : "qcow2 version " + version + " (only 2 and 3)");
        }
        int minLength = version == 2 ? V2_LENGTH : V3_MIN_LENGTH;
        if (fileSize < minLength) {
            throw new Qcow2Exception(Reason.TRUNCATED, "file of " + fileSize + " bytes ends inside the "
                    + minLength + "-byte qcow2 v" + version + " header");
        }
        ByteBuffer h = ByteBuffer.wrap(source.readFully(0, minLength));
        long backingFileOffset = h.getLong(8);
        long backingFileSize = Integer.toUnsignedLong(h.getInt(16));
        long clusterBits = Integer.toUnsignedLong(h.getInt(20));
        long size = h.getLong(24);
        long cryptMethod = Integer.toUnsignedLong(h.getInt(32));
        long l1Size = Integer.toUnsignedLong(h.getInt(36));
        long l1TableOffset = h.getLong(40);
        long refcountTableOffset = h.getLong(48);
        long refcountTableClusters = Integer.toUnsignedLong(h.getInt(56));
        long nbSnapshots = Integer.toUnsignedLong(h.getInt(60));
        long snapshotsOffset = h.getLong(64);
        if (clusterBits < MIN_CLUSTER_BITS || clusterBits > MAX_CLUSTER_BITS) {
            throw new Qcow2Exception(Reason.BAD_HEADER, "cluster_bits " + clusterBits + " outside "
                    + MIN_CLUSTER_BITS + ".." + MAX_CLUSTER_BITS);
        }
        if (size < 0) {
            throw new Qcow2Exception(Reason.BAD_HEADER, "virtual size " + Long.toUnsignedString(size) + " exceeds 2^63");
        }
        for (long off : new long[] {backingFileOffset, l1TableOffset, refcountTableOffset, snapshotsOffset}) {
            if (off < 0) {
                throw new Qcow2Exception(Reason.BAD_HEADER, "offset " + Long.toUnsignedString(off) + " exceeds 2^63");
            }
        }
        long incompatible = 0;
        long compatible = 0;
        long autoclear = 0;
        long refcountOrder = 4;
        long headerLength = V2_LENGTH;
        CompressionType compression = CompressionType.ZLIB;
        if (version == 3) {
            incompatible = h.getLong(72);
            compatible = h.getLong(80);
            autoclear = h.getLong(88);
            refcountOrder = Integer.toUnsignedLong(h.getInt(96));
            headerLength = Integer.toUnsignedLong(h.getInt(100));
            if (headerLength < V3_MIN_LENGTH || headerLength % 8 != 0 || headerLength > (1L << clusterBits)) {
                throw new Qcow2Exception(Reason.BAD_HEADER, "header_length " + headerLength
                        + " (must be >= 104, a multiple of 8 and inside cluster 0)");
            }
            if (fileSize < headerLength) {
                throw new Qcow2Exception(Reason.TRUNCATED, "file of " + fileSize + " bytes ends inside the "
                        + headerLength + "-byte header");
            }
            if (refcountOrder > MAX_REFCOUNT_ORDER) {
                throw new Qcow2Exception(Reason.BAD_HEADER, "refcount_order " + refcountOrder + " > 6");
            }
            int typeCode = headerLength > V3_MIN_LENGTH ? source.readFully(V3_MIN_LENGTH, 1)[0] & 0xff : 0;
            boolean bit3 = IncompatibleFeature.COMPRESSION_TYPE.isSet(incompatible);
            if (typeCode != 0 && !bit3 || typeCode == 0 && bit3) {
                throw new Qcow2Exception(Reason.BAD_HEADER, "compression_type " + typeCode
                        + " inconsistent with incompatible bit 3 (" + bit3 + ")");
            }
            compression = CompressionType.of(typeCode).orElse(null);
            if (compression == null) {
                throw new Qcow2Exception(Reason.UNSUPPORTED_FEATURE, "compression_type " + typeCode);
            }
        }
        return new Header((int) version, backingFileOffset, backingFileSize, (int) clusterBits, size, cryptMethod,
                l1Size, l1TableOffset, refcountTableOffset, refcountTableClusters, nbSnapshots, snapshotsOffset,
                incompatible, compatible, autoclear, (int) refcountOrder, (int) headerLength, compression);
    }
}
