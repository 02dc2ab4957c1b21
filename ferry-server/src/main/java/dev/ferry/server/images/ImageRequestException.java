package dev.ferry.server.images;

import java.util.Objects;

/**
 * A request on images that Glance's rules refuse; {@link Kind} says which HTTP answer it becomes
 * (the service knows no HTTP, the resource maps the kind to a status).
 */
public final class ImageRequestException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The kinds of refusal, named after the answer Glance gives. */
    public enum Kind { BAD_REQUEST, FORBIDDEN, CONFLICT, TOO_LARGE, GONE, UNSUPPORTED_MEDIA_TYPE, NOT_FOUND }

    private final Kind kind;

    public ImageRequestException(Kind kind, String message) {
        super(message);
        this.kind = Objects.requireNonNull(kind, "kind");
    }

    public Kind kind() {
        return kind;
    }

    public static ImageRequestException badRequest(String message) {
        return new ImageRequestException(Kind.BAD_REQUEST, message);
    }

    public static ImageRequestException forbidden(String message) {
        return new ImageRequestException(Kind.FORBIDDEN, message);
    }

    public static ImageRequestException conflict(String message) {
        return new ImageRequestException(Kind.CONFLICT, message);
    }

    /** A 404 with its own text (the images API's usual 404 is {@link ImageNotFoundException}). */
    public static ImageRequestException notFound(String message) {
        return new ImageRequestException(Kind.NOT_FOUND, message);
    }
}
