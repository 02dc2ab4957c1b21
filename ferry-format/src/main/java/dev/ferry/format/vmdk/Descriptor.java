package dev.ferry.format.vmdk;

import dev.ferry.format.Reason;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A VMDK text descriptor, parsed with a strict line grammar: blank lines, {@code #} comments,
 * {@code key=value} lines (including {@code ddb.* = "..."}) and extent lines. Anything else, non-ASCII
 * bytes, a repeated key or an oversized text is {@link Reason#BAD_HEADER}.
 *
 * @param entries  every key=value pair, values unquoted (keys as written)
 * @param extents  the extent lines in order
 */
public record Descriptor(Map<String, String> entries, List<ExtentDescriptor> extents) {
    /** Largest descriptor text accepted (the embedded one is usually 10 KiB of padding). */
    public static final int MAX_TEXT = 64 * 1024;
    public static final int MAX_LINES = 4096;
    public static final String NO_PARENT = "ffffffff";

    private static final Pattern EXTENT = Pattern.compile(
            "(?i)(RW|RDONLY|NOACCESS)\\s+(\\d{1,19})\\s+([A-Z]+)(?:\\s+\"([^\"]*)\"(?:\\s+(\\d{1,19}))?)?");
    private static final Pattern KEY_VALUE = Pattern.compile(
            "([A-Za-z][A-Za-z0-9_.]*)\\s*=\\s*(\"[^\"]*\"|[^\"\\s]*)");
    private static final Pattern EXTENT_TYPE = Pattern.compile(
            "FLAT|SPARSE|ZERO|VMFS|VMFSSPARSE|VMFSRDM|VMFSRAW|SESPARSE");

    public Descriptor {
        entries = Map.copyOf(entries);
        extents = List.copyOf(extents);
    }

    public String get(String key) {
        return entries.get(key);
    }

    public String createType() {
        return entries.get("createType");
    }

    public String parentCid() {
        return entries.get("parentCID");
    }

    public String parentFileNameHint() {
        return entries.get("parentFileNameHint");
    }

    /** Sum of the extents' sizes in bytes, or -1 on overflow. */
    public long extentBytes() {
        long sectors = 0;
        for (ExtentDescriptor e : extents) {
            sectors += e.sectors();
            if (sectors < 0 || sectors > Long.MAX_VALUE / 512) {
                return -1;
            }
        }
        return sectors * 512;
    }

    /** Parses ASCII text (already cut at the first NUL). */
    public static Descriptor parse(byte[] text, int length) throws VmdkException {
        if (length > MAX_TEXT) {
            throw new VmdkException(Reason.BAD_HEADER, "descriptor text of " + length + " bytes exceeds " + MAX_TEXT);
        }
        for (int i = 0; i < length; i++) {
            int c = text[i] & 0xff;
            if (c > 0x7e || c < 0x20 && c != '\n' && c != '\r' && c != '\t') {
                throw new VmdkException(Reason.BAD_HEADER, String.format("descriptor byte 0x%02x at %d is not ASCII text", c, i));
            }
        }
        String[] lines = new String(text, 0, length, java.nio.charset.StandardCharsets.US_ASCII).split("\n", -1);
        if (lines.length > MAX_LINES) {
            throw new VmdkException(Reason.BAD_HEADER, "descriptor has more than " + MAX_LINES + " lines");
        }
        Map<String, String> entries = new HashMap<>();
        List<ExtentDescriptor> extents = new ArrayList<>();
        for (int n = 0; n < lines.length; n++) {
            String line = lines[n].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            Matcher m = EXTENT.matcher(line);
            if (m.matches()) {
                extents.add(extent(m, n + 1));
                continue;
            }
            m = KEY_VALUE.matcher(line);
            if (m.matches()) {
                String key = m.group(1);
                String value = m.group(2);
                if (value.startsWith("\"")) {
                    value = value.substring(1, value.length() - 1);
                }
                if (entries.putIfAbsent(key, value) != null) {
                    throw new VmdkException(Reason.BAD_HEADER, "descriptor line " + (n + 1) + " repeats key " + key);
                }
                continue;
            }
            throw new VmdkException(Reason.BAD_HEADER, "descriptor line " + (n + 1) + " is not a comment, key=value or extent: \""
                    + abbreviate(line) + "\"");
        }
        return new Descriptor(entries, extents);
    }

    private static ExtentDescriptor extent(Matcher m, int line) throws VmdkException {
        String type = m.group(3).toUpperCase(Locale.ROOT);
        if (!EXTENT_TYPE.matcher(type).matches()) {
            throw new VmdkException(Reason.BAD_HEADER, "descriptor line " + line + ": unknown extent type " + abbreviate(type));
        }
        long sectors;
        long offset;
        try {
            sectors = Long.parseLong(m.group(2));
            offset = m.group(5) == null ? 0 : Long.parseLong(m.group(5));
        } catch (NumberFormatException e) {
            throw new VmdkException(Reason.BAD_HEADER, "descriptor line " + line + ": number out of range");
        }
        return new ExtentDescriptor(m.group(1), sectors, type, m.group(4), offset);
    }

    static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 80) + "...";
    }
}
