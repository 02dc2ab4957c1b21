package dev.ferry.server.sources;

/**
 * Recognises hosts written as IPv4 numbers. Browsers and C's {@code inet_aton} accept many
 * spellings of one address ({@code 2130706433}, {@code 0x7f.1}, {@code 0177.0.0.1}, {@code 127.1}
 * are all 127.0.0.1), a classic way around filters that compare strings. We accept only the
 * canonical dotted quad and decode the others only to name what they hide.
 */
final class HostLiteral {

    private HostLiteral() {
    }

    /** Four decimal parts 0..255 without leading zeros, else null. */
    static byte[] canonicalIpv4(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        byte[] out = new byte[4];
        for (int i = 0; i < 4; i++) {
            String p = parts[i];
            if (p.isEmpty() || p.length() > 3 || (p.length() > 1 && p.charAt(0) == '0')
                    || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return null;
            }
            int v = Integer.parseInt(p);
            if (v > 255) {
                return null;
            }
            out[i] = (byte) v;
        }
        return out;
    }

    /**
     * Whether a host name must be read as a number: its last label is all decimal digits or a
     * 0x-prefixed hex number (the WHATWG URL "ends in a number" rule). Such a host is either a
     * canonical dotted quad or refused.
     */
    static boolean endsInNumber(String host) {
        int dot = host.lastIndexOf('.');
        String last = host.substring(dot + 1);
        if (last.isEmpty()) {
            return false;
        }
        if (last.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return true;
        }
        if (last.length() >= 2 && last.charAt(0) == '0' && (last.charAt(1) == 'x' || last.charAt(1) == 'X')) {
            return last.substring(2).chars().allMatch(c -> Character.digit(c, 16) >= 0);
        }
        return false;
    }

    /**
     * The address an {@code inet_aton}-style spelling stands for (1 to 4 parts, each decimal,
     * octal with a leading 0, or hex with 0x; the last part fills the remaining bytes), or null if
     * the text is not such a number or overflows.
     */
    static byte[] decodeLegacyIpv4(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length < 1 || parts.length > 4) {
            return null;
        }
        long[] values = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            Long v = parseNumber(parts[i]);
            if (v == null) {
                return null;
            }
            values[i] = v;
        }
        long address = 0;
        for (int i = 0; i < parts.length - 1; i++) {
            if (values[i] > 255) {
                return null;
            }
            address |= values[i] << (8 * (3 - i));
        }
        long last = values[parts.length - 1];
        int lastBytes = 4 - (parts.length - 1);
        if (last >= (1L << (8 * lastBytes))) {
            return null;
        }
        address |= last;
        return new byte[] {(byte) (address >>> 24), (byte) (address >>> 16), (byte) (address >>> 8), (byte) address};
    }

    private static Long parseNumber(String p) {
        if (p.isEmpty() || p.length() > 34) {
            return null;
        }
        int radix = 10;
        String digits = p;
        if (p.length() >= 2 && p.charAt(0) == '0' && (p.charAt(1) == 'x' || p.charAt(1) == 'X')) {
            radix = 16;
            digits = p.substring(2);
            if (digits.isEmpty()) {
                return 0L;
            }
        } else if (p.length() > 1 && p.charAt(0) == '0') {
            radix = 8;
            digits = p.substring(1);
        }
        final int r = radix;
        if (!digits.chars().allMatch(c -> Character.digit(c, r) >= 0)) {
            return null;
        }
        // Strip leading zeros so that long spellings like 0x00000000007f still decode, then bound.
        String trimmed = digits.replaceFirst("^0+(?=.)", "");
        if (trimmed.length() > 11) {
            return Long.MAX_VALUE; // overflow: larger than any part can be
        }
        return Long.parseLong(trimmed, radix);
    }
}
