package dev.ferry.format;

/**
 * Rejection codes for every format but VHD (which uses {@link VhdCode}). The tokens are those of
 * the test-image manifest, so a row's expected code can be compared with {@link Finding#code()}.
 */
public final class Reason {
    private Reason() {
    }

    public static final String EMPTY_FILE = "EMPTY_FILE";
    /** The content is another format than the one claimed. */
    public static final String FORMAT_MISMATCH = "FORMAT_MISMATCH";
    /** The content is valid as two formats at once (other than ISO+MBR/GPT, fixed VHD+MBR/GPT). */
    public static final String MULTIPLE_FORMATS = "MULTIPLE_FORMATS";
    /** qcow2 backing file, VMDK parentFileNameHint, VHDX parent: would read a host file. */
    public static final String BACKING_FILE = "BACKING_FILE";
    /** qcow2 external data file. */
    public static final String DATA_FILE = "DATA_FILE";
    /** VMDK extent that names a file (FLAT, or a sparse extent outside the image). */
    public static final String NAMED_EXTENT = "NAMED_EXTENT";
    public static final String ENCRYPTED = "ENCRYPTED";
    public static final String TRUNCATED = "TRUNCATED";
    public static final String BAD_HEADER = "BAD_HEADER";
    public static final String BAD_FOOTER = "BAD_FOOTER";
    /** A table entry points into the image's own metadata (or two entries share storage). */
    public static final String METADATA_OVERLAP = "METADATA_OVERLAP";
    public static final String CORRUPT_FLAG = "CORRUPT_FLAG";
    public static final String UNKNOWN_INCOMPATIBLE_FEATURE = "UNKNOWN_INCOMPATIBLE_FEATURE";
    public static final String UNSUPPORTED_FEATURE = "UNSUPPORTED_FEATURE";
    public static final String UNSUPPORTED_VERSION = "UNSUPPORTED_VERSION";
    public static final String UNSUPPORTED_SUBFORMAT = "UNSUPPORTED_SUBFORMAT";
    public static final String UNSUPPORTED_FORMAT = "UNSUPPORTED_FORMAT";
    public static final String VIRTUAL_SIZE_LIMIT = "VIRTUAL_SIZE_LIMIT";
    public static final String FILE_SIZE_LIMIT = "FILE_SIZE_LIMIT";
}
