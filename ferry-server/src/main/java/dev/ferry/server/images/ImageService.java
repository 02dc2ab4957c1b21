package dev.ferry.server.images;

import dev.ferry.server.identity.Identity;
import dev.ferry.server.stores.BlobStore;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/** Reading images: who sees which image, and their data. */
public final class ImageService {

    private static final Pattern UUID_TEXT = Pattern.compile(
            "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$");

    private final ImageRepository repository;
    private final BlobStore store;

    public ImageService(ImageRepository repository, BlobStore store) {
        this.repository = repository;
        this.store = store;
    }

    /** The image if the caller may see it: admins, its owner, and anyone for public/community images. */
    public Image get(Identity who, String id) {
        return find(who, id).orElseThrow(() -> new ImageNotFoundException(id));
    }

    private Optional<Image> find(Identity who, String id) {
        if (id == null || !UUID_TEXT.matcher(id).matches()) {
            return Optional.empty();
        }
        return repository.find(UUID.fromString(id)).filter(i -> who.isAdmin()
                || who.projectId().equals(i.owner())
                || i.visibility().equals("public") || i.visibility().equals("community"));
    }

    /** Opens the image's data; empty if the image has none (Glance answers 204 then). */
    public Optional<InputStream> openData(Image image) throws IOException {
        if (image.location() == null || !image.status().equals("active")) {
            return Optional.empty();
        }
        return Optional.of(store.get(image.location()));
    }
}
