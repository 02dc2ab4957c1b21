package dev.ferry.format;

/**
 * The Rackspace Cloud Images VHD validation codes, with the seed's wording. Checked in the order
 * 396, 721, 523, 614, 413, 609, 111: the first failing check decides.
 */
public enum VhdCode {
    NOT_A_VHD("396", "The image cannot be imported. The file is not a valid VHD."),
    HAS_PARENT("721", "The image cannot be imported. Your VHD has a parent disk. Only a stand-alone VHD may be imported."),
    NOT_FIXED_OR_DYNAMIC("523", "The image cannot be imported. Only fixed or dynamic disks may be imported."),
    ZERO_UUID("614", "The image cannot be imported. The internal UUID of the VHD is all zeros."),
    VIRTUAL_SIZE("413", "The image cannot be imported. The virtual size of the disk exceeds the 40GB limit."),
    PHYSICAL_SIZE("609", "The image cannot be imported. The physical size of the disk exceeds the 40GB limit."),
    UNSPECIFIED("111", "The image cannot be imported. There is an unspecified problem with your VHD that caused it to fail our validation checks.");

    private final String code;
    private final String text;

    VhdCode(String code, String text) {
        this.code = code;
        this.text = text;
    }

    public String code() {
        return code;
    }

    /** A finding whose message is exactly the seed's "CODE: text". */
    public Finding finding() {
        return new Finding(code, code + ": " + text);
    }

    /** The seed's message followed by a precise detail, e.g. which check failed. */
    public Finding finding(String detail) {
        return new Finding(code, code + ": " + text + " (" + detail + ")");
    }
}
