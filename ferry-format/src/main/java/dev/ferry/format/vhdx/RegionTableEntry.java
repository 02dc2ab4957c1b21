package dev.ferry.format.vhdx;

import java.util.Objects;
import java.util.UUID;

/** A region table entry (32 bytes): which region, where (1 MiB aligned), how long, and whether it is required. */
public record RegionTableEntry(UUID guid, long fileOffset, long length, boolean required) {
    public static final int SIZE = 32;
    public static final UUID BAT = UUID.fromString("2DC27766-F623-4200-9D64-115E9BFD4A08");
    public static final UUID METADATA = UUID.fromString("8B7CA206-4790-4B9A-B8FE-575F050F886E");

    public RegionTableEntry {
        Objects.requireNonNull(guid, "guid");
    }

    public long end() {
        return fileOffset + length;
    }
}
