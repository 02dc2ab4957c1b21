package dev.ferry.format.vhd;

import dev.ferry.format.DiskFormat;
import dev.ferry.format.Finding;
import dev.ferry.format.FormatInspector;
import dev.ferry.format.Inspection;
import dev.ferry.format.Limits;
import dev.ferry.format.VhdCode;
import dev.ferry.format.io.ReadSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * VHD (Microsoft Virtual Hard Disk v1) detection and validation with the Rackspace codes, checked
 * in the order 396, 721, 523, 614, 413, 609, 111; the first failing check decides (see
 * docs/formats-vhd-vhdx.md). Every finding starts with the seed's wording and names the exact
 * problem. Reads only the footers, the dynamic header and the BAT.
 */
public final class VhdInspector implements FormatInspector {
    /** Largest accepted dynamic block size; the spec's default is 2 MiB, Hyper-V also uses 512 KiB... 32 MiB. */
    public static final long MAX_BLOCK_SIZE = 256L * 1024 * 1024;
    private static final int SECTOR = 512;

    public VhdInspector() {
    }

    @Override
    public DiskFormat format() {
        return DiskFormat.VHD;
    }

    /** The footer cookie in the last 512 bytes (every VHD) or at offset 0 (dynamic copy). */
    @Override
    public boolean probe(ReadSource source) throws IOException {
        long size = source.size();
        if (size < SECTOR) {
            return false;
        }
        byte[] b = new byte[Footer.COOKIE.length];
        source.readFully(size - SECTOR, b, 0, b.length);
        if (Footer.hasCookie(b, 0)) {
            return true;
        }
        source.readFully(0, b, 0, b.length);
        return Footer.hasCookie(b, 0);
    }

    @Override
    public Inspection inspect(ReadSource source, Limits limits) throws IOException {
        long size = source.size();
        if (size == 0) {
            return reject(null, -1, size, VhdCode.NOT_A_VHD, "the file is empty");
        }
        if (size < SECTOR) {
            return reject(null, -1, size, VhdCode.NOT_A_VHD, "the file is " + size + " bytes, smaller than a 512-byte footer");
        }
        byte[] tail = source.readFully(size - SECTOR, SECTOR);
        // A 512-byte file has no room for a separate copy at offset 0.
        byte[] head = size >= 2 * SECTOR ? source.readFully(0, SECTOR) : null;
        boolean headCookie = head != null && Footer.hasCookie(head, 0);

        // --- 396: the footer itself
        if (!Footer.hasCookie(tail, 0)) {
            if (headCookie) {
                Footer copy = Footer.parse(head, 0);
                return reject(subformat(copy), sizeOf(copy), size, VhdCode.NOT_A_VHD,
                        "offset 0 holds a footer copy but the last 512 bytes hold no footer: the file is truncated or has data after its footer");
            }
            return reject(null, -1, size, VhdCode.NOT_A_VHD, "no 'conectix' footer cookie in the last 512 bytes");
        }
        Footer footer = Footer.parse(tail, 0);
        String sub = subformat(footer);
        long virtualSize = sizeOf(footer);
        if (!Footer.isChecksumValid(tail, 0)) {
            return reject(sub, virtualSize, size, VhdCode.NOT_A_VHD, String.format(
                    "footer checksum 0x%08x, expected 0x%08x", footer.checksum(), Footer.checksumOf(tail, 0)));
        }
        if (footer.fileFormatVersion() != Footer.VERSION_1_0) {
            return reject(sub, virtualSize, size, VhdCode.NOT_A_VHD, String.format(
                    "file format version 0x%08x, expected 0x00010000", footer.fileFormatVersion()));
        }
        DiskType type = footer.diskType();
        if (type != null && type.isSparse()) {
            if (!headCookie) {
                return reject(sub, virtualSize, size, VhdCode.NOT_A_VHD,
                        "disk type " + footer.diskTypeCode() + " requires a footer copy at offset 0, and there is none");
            }
            if (!Footer.isChecksumValid(head, 0)) {
                return reject(sub, virtualSize, size, VhdCode.NOT_A_VHD, "the footer copy at offset 0 has a bad checksum");
            }
            if (!Arrays.equals(head, tail)) {
                return reject(sub, virtualSize, size, VhdCode.NOT_A_VHD, "the footer copy at offset 0 differs from the footer at the end");
            }
        }

        // --- 721: a parent disk
        if (type == DiskType.DIFFERENCING) {
            return reject(sub, virtualSize, size, VhdCode.HAS_PARENT, "disk type 4 (differencing)");
        }
        if (type == DiskType.DYNAMIC) {
            DynamicDiskHeader header = readValidHeader(source, footer, size);
            if (header != null && header.referencesParent()) {
                return reject(sub, virtualSize, size, VhdCode.HAS_PARENT,
                        "dynamic disk whose header names a parent (UUID, name or locator)");
            }
        }

        // --- 523: only fixed or dynamic
        if (type != DiskType.FIXED && type != DiskType.DYNAMIC) {
            return reject(sub, virtualSize, size, VhdCode.NOT_FIXED_OR_DYNAMIC, "disk type " + Integer.toUnsignedString(footer.diskTypeCode()));
        }

        // --- 614: UUID
        if (footer.hasZeroUniqueId()) {
            return reject(sub, virtualSize, size, VhdCode.ZERO_UUID, "footer unique id is 00000000-0000-0000-0000-000000000000");
        }

        // --- 413: virtual size, the largest size a consumer may present (current_size for
        // Hyper-V/XenServer, CHS for qemu with most creators)
        if (footer.currentSize() < 0) {
            return reject(sub, -1, size, VhdCode.VIRTUAL_SIZE,
                    "current size " + Long.toUnsignedString(footer.currentSize()) + " bytes");
        }
        long checkedSize = Math.max(footer.currentSize(), footer.qemuVirtualSize());
        if (checkedSize > limits.maxVirtualSize()) {
            return reject(sub, virtualSize, size, VhdCode.VIRTUAL_SIZE,
                    "virtual size " + checkedSize + " bytes > limit " + limits.maxVirtualSize());
        }

        // --- 609: physical size
        if (size > limits.maxFileSize()) {
            return reject(sub, virtualSize, size, VhdCode.PHYSICAL_SIZE,
                    "file size " + size + " bytes > limit " + limits.maxFileSize());
        }

        // --- 111: everything else
        String problem = checkCommon(footer);
        if (problem == null) {
            problem = type == DiskType.FIXED ? checkFixed(footer, head, size) : checkDynamic(source, footer, size);
        }
        if (problem != null) {
            return reject(sub, virtualSize, size, VhdCode.UNSPECIFIED, problem);
        }
        return Inspection.accept(DiskFormat.VHD, sub, virtualSize, footer.qemuVirtualSize(), size);
    }

    private static String checkCommon(Footer footer) {
        if ((footer.features() & Footer.FEATURE_RESERVED) == 0) {
            return String.format("footer features 0x%08x lack the always-set reserved bit", footer.features());
        }
        if ((footer.features() & ~(Footer.FEATURE_RESERVED | Footer.FEATURE_TEMPORARY)) != 0) {
            return String.format("footer features 0x%08x has unknown bits", footer.features());
        }
        if (footer.savedState() != 0) {
            return "the saved-state flag is set (the disk belongs to a suspended VM)";
        }
        return null;
    }

    private static String checkFixed(Footer footer, byte[] head, long size) {
        if (footer.dataOffset() != Footer.NO_DATA_OFFSET && footer.dataOffset() != 0xFFFF_FFFFL) {
            return "fixed disk with data offset " + footer.dataOffset() + " instead of all ones";
        }
        if (size - SECTOR != footer.currentSize()) {
            return "fixed disk of current size " + footer.currentSize() + " bytes but " + (size - SECTOR)
                    + " bytes of data before the footer";
        }
        String embedded = head == null ? null : embeddedFormat(head);
        if (embedded != null) {
            return "the disk's sector 0 is a " + embedded + " header: the file is valid as two formats";
        }
        return null;
    }

    /** The dynamic header when it is inside the file and has its cookie and checksum; else null. */
    private static DynamicDiskHeader readValidHeader(ReadSource source, Footer footer, long size) throws IOException {
        long off = footer.dataOffset();
        if (off < SECTOR || off > size - SECTOR - DynamicDiskHeader.SIZE) {
            return null;
        }
        byte[] raw = source.readFully(off, DynamicDiskHeader.SIZE);
        if (!DynamicDiskHeader.hasCookie(raw, 0) || !DynamicDiskHeader.isChecksumValid(raw, 0)) {
            return null;
        }
        return DynamicDiskHeader.parse(raw, 0);
    }

    private static String checkDynamic(ReadSource source, Footer footer, long size) throws IOException {
        long footerAt = size - SECTOR;
        long dataOffset = footer.dataOffset();
        if (dataOffset < SECTOR || dataOffset % SECTOR != 0 || dataOffset > footerAt - DynamicDiskHeader.SIZE) {
            return "footer data offset " + Long.toUnsignedString(dataOffset) + " does not point at a 1024-byte header between the footer copies";
        }
        byte[] raw = source.readFully(dataOffset, DynamicDiskHeader.SIZE);
        if (!DynamicDiskHeader.hasCookie(raw, 0)) {
            return "no 'cxsparse' cookie in the dynamic disk header at " + dataOffset;
        }
        DynamicDiskHeader header = DynamicDiskHeader.parse(raw, 0);
        if (!DynamicDiskHeader.isChecksumValid(raw, 0)) {
            return String.format("dynamic header checksum 0x%08x, expected 0x%08x", header.checksum(), DynamicDiskHeader.checksumOf(raw, 0));
        }
        if (header.headerVersion() != DynamicDiskHeader.VERSION_1_0) {
            return String.format("dynamic header version 0x%08x, expected 0x00010000", header.headerVersion());
        }
        long blockSize = header.blockSize();
        if (blockSize < SECTOR || blockSize > MAX_BLOCK_SIZE || Long.bitCount(blockSize) != 1) {
            return "block size " + blockSize + " is not a power of two between 512 bytes and 256 MiB";
        }
        long needed = (footer.currentSize() + blockSize - 1) / blockSize;
        if (header.maxTableEntries() < needed) {
            return "max table entries " + header.maxTableEntries() + " * block size " + blockSize
                    + " does not cover the current size " + footer.currentSize();
        }
        if (header.maxTableEntries() > BlockAllocationTable.MAX_ENTRIES) {
            return "max table entries " + header.maxTableEntries() + " exceeds " + BlockAllocationTable.MAX_ENTRIES;
        }
        long tableOffset = header.tableOffset();
        long tableEnd = tableOffset + header.tableSize();
        if (tableOffset < SECTOR || tableOffset % SECTOR != 0 || tableOffset > footerAt || tableEnd > footerAt) {
            return "BAT at " + tableOffset + " (" + header.tableSize() + " bytes) is not sector-aligned inside the file";
        }
        if (overlaps(tableOffset, tableEnd, dataOffset, dataOffset + DynamicDiskHeader.SIZE)) {
            return "BAT at " + tableOffset + " overlaps the dynamic header at " + dataOffset;
        }
        BlockAllocationTable bat = BlockAllocationTable.read(source, tableOffset, (int) header.maxTableEntries());
        long stride = header.sectorBitmapSize() + blockSize;
        // Allocated blocks, sorted by position: key = sector << 21 | block index (sector < 2^32, index < 2^21).
        long[] keys = new long[bat.allocatedCount()];
        int k = 0;
        for (int i = 0; i < bat.size(); i++) {
            if (!bat.isAllocated(i)) {
                continue;
            }
            long start = bat.bitmapOffset(i);
            long end = start + stride;
            if (end > size) {
                return "BAT[" + i + "] = sector " + (start / SECTOR) + ": the block ends at " + end + ", past the end of the file (" + size + ")";
            }
            if (end > footerAt) {
                return "BAT[" + i + "] = sector " + (start / SECTOR) + ": the block overlaps the trailing footer";
            }
            if (start < SECTOR || overlaps(start, end, dataOffset, dataOffset + DynamicDiskHeader.SIZE) || overlaps(start, end, tableOffset, tableEnd)) {
                return "BAT[" + i + "] = sector " + (start / SECTOR) + ": the block overlaps the footer copy, dynamic header or BAT";
            }
            keys[k++] = (start / SECTOR) << 21 | i;
        }
        Arrays.sort(keys);
        for (int j = 1; j < keys.length; j++) {
            long prev = (keys[j - 1] >>> 21) * SECTOR;
            long cur = (keys[j] >>> 21) * SECTOR;
            if (cur < prev + stride) {
                return "BAT[" + (keys[j - 1] & 0x1F_FFFF) + "] and BAT[" + (keys[j] & 0x1F_FFFF) + "] share storage (blocks at " + prev + " and " + cur + ")";
            }
        }
        return null;
    }

    private static boolean overlaps(long aStart, long aEnd, long bStart, long bEnd) {
        return aStart < bEnd && bStart < aEnd;
    }

    /** Another format's signature at the start of a fixed disk's data; MBR/GPT are legitimate. */
    static String embeddedFormat(byte[] sector0) {
        if (startsWith(sector0, 0, new byte[] {'Q', 'F', 'I', (byte) 0xFB})) {
            return "qcow/qcow2";
        }
        if (startsWith(sector0, 0, new byte[] {'Q', 'E', 'D', 0})) {
            return "QED";
        }
        if (startsWith(sector0, 0, ascii("KDMV")) || startsWith(sector0, 0, ascii("COWD")) || startsWith(sector0, 0, ascii("# Disk DescriptorFile"))) {
            return "VMDK";
        }
        if (startsWith(sector0, 0, ascii("vhdxfile"))) {
            return "VHDX";
        }
        if (startsWith(sector0, 0, Footer.COOKIE)) {
            return "VHD footer";
        }
        if (startsWith(sector0, 0, new byte[] {'L', 'U', 'K', 'S', (byte) 0xBA, (byte) 0xBE})) {
            return "LUKS";
        }
        if (startsWith(sector0, 0x40, new byte[] {0x7F, 0x10, (byte) 0xDA, (byte) 0xBE})) {
            return "VDI";
        }
        return null;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static boolean startsWith(byte[] b, int off, byte[] magic) {
        return b.length >= off + magic.length && Arrays.equals(b, off, off + magic.length, magic, 0, magic.length);
    }

    private static String subformat(Footer footer) {
        DiskType t = footer.diskType();
        if (t == null) {
            return null;
        }
        return switch (t) {
            case FIXED -> "fixed";
            case DYNAMIC -> "dynamic";
            case DIFFERENCING -> "differencing";
            default -> null;
        };
    }

    private static long sizeOf(Footer footer) {
        return footer.currentSize() < 0 ? -1 : footer.currentSize();
    }

    private static Inspection reject(String subformat, long virtualSize, long fileSize, VhdCode code, String detail) {
        Finding f = code.finding(detail);
        return Inspection.reject(DiskFormat.VHD, subformat, virtualSize, fileSize, f);
    }
}
