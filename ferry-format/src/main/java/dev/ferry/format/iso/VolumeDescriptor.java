package dev.ferry.format.iso;

import java.nio.charset.StandardCharsets;

/**
 * The common head of a 2048-byte volume descriptor: type, standard identifier, version.
 *
 * @param type       0 boot record, 1 primary, 2 supplementary, 3 partition, 255 terminator (ISO 9660)
 * @param identifier "CD001" for ISO 9660; "BEA01", "NSR02", "NSR03", "TEA01" for UDF's recognition sequence
 * @param version    descriptor version (1 for ISO 9660)
 */
public record VolumeDescriptor(int type, String identifier, int version) {
    public static final int SECTOR_SIZE = 2048;
    /** The 16 sectors before it are the system area, free for boot code (or an attacker). */
    public static final long FIRST_OFFSET = 16L * SECTOR_SIZE;
    public static final String ISO9660 = "CD001";
    public static final int TYPE_PRIMARY = 1;
    public static final int TYPE_TERMINATOR = 255;

    public VolumeDescriptor {
        if (type < 0 || type > 255 || version < 0 || version > 255 || identifier == null || identifier.length() != 5) {
            throw new IllegalArgumentException("bad volume descriptor head");
        }
    }

    static VolumeDescriptor parse(byte[] sector) {
        return new VolumeDescriptor(sector[0] & 0xFF, new String(sector, 1, 5, StandardCharsets.ISO_8859_1), sector[6] & 0xFF);
    }

    public boolean iso9660() {
        return ISO9660.equals(identifier);
    }

    /** An identifier of UDF's volume recognition sequence (ECMA-167). */
    public boolean udf() {
        return identifier.equals("BEA01") || identifier.equals("NSR02") || identifier.equals("NSR03") || identifier.equals("TEA01");
    }
}
