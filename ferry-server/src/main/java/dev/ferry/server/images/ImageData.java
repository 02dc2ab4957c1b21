package dev.ferry.server.images;

import dev.ferry.server.stores.Stores;
import java.io.IOException;
import java.io.InputStream;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reading an image's data from its locations: the default store's first, then the others in
 * configuration order; a store that fails to open is logged and the next location is tried.
 * Used by downloads and by copy-image, which reads the image from a store it is in.
 */
public final class ImageData {

    private static final Logger LOG = LoggerFactory.getLogger(ImageData.class);

    private ImageData() {
    }

    /** An opened location: the (enabled) store id it was read from and the stream. */
    public record Opened(String storeId, InputStream data) {
    }

    /** {@code locations} in reading order; locations in stores that are not enabled are left out. */
    public static List<ImageLocation> readOrder(Stores stores, List<ImageLocation> locations) {
        List<String> order = stores.ids();
        order.remove(stores.defaultId());
        order.addFirst(stores.defaultId());
        return locations.stream().filter(l -> stores.resolve(l.storeId()).isPresent())
                .sorted(Comparator.comparingInt(l -> order.indexOf(stores.resolve(l.storeId()).orElseThrow())))
                .toList();
    }

    /** Opens the first location that opens; the first failure if none does. */
    public static Opened openFirst(Stores stores, UUID imageId, List<ImageLocation> locations) throws IOException {
        IOException failure = null;
        for (ImageLocation l : readOrder(stores, locations)) {
            String storeId = stores.resolve(l.storeId()).orElseThrow();
            Optional<Stores.Entry> entry = stores.find(storeId);
            if (entry.isEmpty()) {
                continue;
            }
            try {
                return new Opened(storeId, entry.get().store().get(l.key()));
            } catch (IOException e) {
                LOG.warn("image {}: store {} could not be read ({}); trying its next location", imageId, storeId,
                        e.toString());
                failure = failure == null ? e : failure;
            }
        }
        throw failure != null ? failure : new IOException("image " + imageId + " has no location in an enabled store");
    }
}
