package dev.ferry.server.images;

/** The image has no such member, or the caller may not see it (HTTP 404). */
public final class MemberNotFoundException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public MemberNotFoundException(String member, String image) {
        super("Member " + member + " not found for image " + image + ".");
    }
}
