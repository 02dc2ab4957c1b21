package dev.ferry.server.images;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a user may set on an image (at creation or with PATCH): every other attribute is
 * read-only or reserved. The HTTP layer checks types against the image schema before building one.
 */
public record ImageAttributes(String name, String visibility, boolean isProtected, boolean osHidden, String owner,
                              String diskFormat, String containerFormat, int minRam, int minDisk, List<String> tags,
                              Map<String, String> properties) {
    public ImageAttributes {
        Objects.requireNonNull(visibility, "visibility");
        tags = List.copyOf(tags);
        properties = Map.copyOf(properties);
    }

    /** The attributes of an existing image. */
    public static ImageAttributes of(Image i) {
        return new ImageAttributes(i.name(), i.visibility(), i.isProtected(), i.osHidden(), i.owner(), i.diskFormat(),
                i.containerFormat(), i.minRam(), i.minDisk(), i.tags(), i.properties());
    }
}
