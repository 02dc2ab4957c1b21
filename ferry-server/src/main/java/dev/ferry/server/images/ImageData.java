package dev.ferry.server.images;

import dev.ferry.server.stores.Stores;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
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

    /** A location and the enabled store it is read from. */
    private record Resolved(ImageLocation location, Stores.Entry store) {
    }

    /**
     * The locations in reading order: the default store first, then configuration order; locations
     * in stores that are not enabled are left out.
     */
    private static List<Resolved> resolved(Stores stores, List<ImageLocation> locations) {
        List<String> order = stores.ids();
        order.remove(stores.defaultId());
        order.addFirst(stores.defaultId());
        List<Resolved> out = new ArrayList<>();
        for (ImageLocation l : locations) {
            stores.resolve(l.storeId()).flatMap(stores::find).ifPresent(e -> out.add(new Resolved(l, e)));
        }
        out.sort(Comparator.comparingInt(r -> order.indexOf(r.store().id())));
        return out;
    }

    /** Opens the first location that opens; the first failure if none does. */
    public static Opened openFirst(Stores stores, UUID imageId, List<ImageLocation> locations) throws IOException {
        IOException failure = null;
        for (Resolved r : resolved(stores, locations)) {
            String storeId = r.store().id();
            try {
                return new Opened(storeId, r.store().store().get(r.location().key()));
            } catch (IOException e) {
                LOG.warn("image {}: store {} could not be read ({}); trying its next location", imageId, storeId,
                        e.toString());
                failure = failure == null ? e : failure;
            }
        }
        throw failure != null ? failure : new IOException("image " + imageId + " has no location in an enabled store");
    }
}
