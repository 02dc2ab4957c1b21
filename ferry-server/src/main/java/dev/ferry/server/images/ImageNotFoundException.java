package dev.ferry.server.images;

/** No image with this id is visible to the caller (HTTP 404). */
public final class ImageNotFoundException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ImageNotFoundException(String id) {
        super("No image found with ID " + id);
    }
}
