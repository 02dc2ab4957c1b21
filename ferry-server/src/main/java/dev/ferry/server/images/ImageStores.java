package dev.ferry.server.images;

import dev.ferry.server.identity.Identity;
import dev.ferry.server.stores.Stores;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Glance's multistore view of images: the stores each image is in (its {@code stores} property)
 * and the removal of an image's data from one store ({@code DELETE /v2/stores/{store}/{image}}).
 */
public final class ImageStores {

    private static final Logger LOG = LoggerFactory.getLogger(ImageStores.class);

    private final ImageService images;
    private final ImageRepository repository;
    private final Stores stores;

    public ImageStores(ImageService images, ImageRepository repository) {
        this.images = Objects.requireNonNull(images, "images");
        this.repository = Objects.requireNonNull(repository, "repository");
        this.stores = images.stores();
    }

    public Stores stores() {
        return stores;
    }

    /** The ids of the enabled stores holding each image's data, as Glance's {@code stores} property shows them. */
    public Map<UUID, List<String>> storesOf(List<Image> page) {
        Map<UUID, List<String>> recorded = repository.storeIds(page.stream().map(Image::id).toList());
        Map<UUID, List<String>> out = new HashMap<>();
        recorded.forEach((id, ids) -> out.put(id, ids.stream().map(s -> stores.resolve(s).orElse(null))
                .filter(Objects::nonNull).distinct().toList()));
        return out;
    }

    /**
     * Glance's {@code DELETE /v2/stores/{store_id}/{image_id}}: the image's data goes from that
     * store, in Glance's order of checks (404 without multistore; 409 unknown store; 404 image;
     * 403 policies {@code get_image_location} and {@code delete_image_location}; 409 not active;
     * 403 only location; 404 not there).
     */
    public void deleteFromStore(Identity who, String storeId, String imageId) {
        if (!stores.multistore()) {
            throw ImageRequestException.notFound("The resource could not be found.");
        }
        if (stores.find(storeId).isEmpty()) {
            throw ImageRequestException.conflict("The selected store " + shorten(storeId)
                    + " is not available on this node.");
        }
        Image image = images.findVisible(who, imageId).orElseThrow(() -> ImageRequestException.notFound(
                "Failed to find image " + shorten(imageId)));
        images.requireAllowed("get_image_location", who, image);
        images.requireAllowed("delete_image_location", who, image);
        // locations of a single-store past are the default store's
        List<String> recordedIds = new ArrayList<>(List.of(storeId));
        if (storeId.equals(stores.defaultId()) && stores.find(Stores.SINGLE_ID).isEmpty()) {
            recordedIds.add(Stores.SINGLE_ID);
        }
        List<ImageLocation> before = repository.locations(image.id());
        switch (repository.removeLocation(image.id(), storeId, recordedIds)) {
            case NO_IMAGE -> throw ImageRequestException.notFound("Failed to find image " + imageId);
            case NOT_ACTIVE -> throw ImageRequestException.conflict("It's not allowed to remove image data from store "
                    + "if image status is not 'active'");
            case ONLY_LOCATION -> throw ImageRequestException.forbidden("Cannot delete image data from the only store "
                    + "containing it. Consider deleting the image instead.");
            case NOT_IN_STORE -> throw ImageRequestException.notFound("Image " + imageId + " is not stored in store "
                    + shorten(storeId) + ".");
            case REMOVED -> before.stream().filter(l -> recordedIds.contains(l.storeId())).findFirst()
                    .ifPresent(l -> deleteData(storeId, l.key()));
        }
    }

    /** The location is forgotten already: a blob that cannot be deleted is only logged. */
    private void deleteData(String storeId, String key) {
        try {
            stores.find(storeId).orElseThrow().store().delete(key);
        } catch (IOException | RuntimeException e) {
            LOG.warn("could not delete blob {} from store {}: {}", key, storeId, e.toString());
        }
    }

    private static String shorten(String text) {
        return text.length() > 255 ? text.substring(0, 255) + "..." : text;
    }
}
