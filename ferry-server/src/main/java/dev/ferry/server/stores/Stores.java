package dev.ferry.server.stores;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The stores image data may go to, by id, and the default one. With one store (the {@code store.*}
 * config) it is {@link #single} under the id {@link #SINGLE_ID} and nothing multistore is shown;
 * with {@code stores.enabled} it holds Glance's named stores ({@link #multistore()}).
 */
public final class Stores {

    /**
     * The id of the store of a single-store server, and of the locations written by one. When a
     * server turns multistore, locations under this id are read from the default store unless a
     * store of that name is enabled (as Glance attributes store-less locations to its default).
     */
    public static final String SINGLE_ID = "default";

    /** One store: its id, its type ({@code file}, {@code swift}, {@code s3}), description and detail properties. */
    public record Entry(String id, String type, String description, Map<String, Object> properties, BlobStore store) {
        public Entry {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(type, "type");
            description = description == null ? "" : description;
            properties = Map.copyOf(properties);
            Objects.requireNonNull(store, "store");
        }
    }

    private final Map<String, Entry> byId;
    private final String defaultId;
    private final boolean multistore;

    private Stores(List<Entry> entries, String defaultId, boolean multistore) {
        Map<String, Entry> m = new LinkedHashMap<>();
        for (Entry e : entries) {
            if (m.put(e.id(), e) != null) {
                throw new IllegalArgumentException("store id " + e.id() + " twice");
            }
        }
        if (!m.containsKey(defaultId)) {
            throw new IllegalArgumentException("default store " + defaultId + " is not among " + m.keySet());
        }
        this.byId = java.util.Collections.unmodifiableMap(m);
        this.defaultId = defaultId;
        this.multistore = multistore;
    }

    /** A single-store server: no multistore API, everything in {@code store}. */
    public static Stores single(String type, BlobStore store) {
        return new Stores(List.of(new Entry(SINGLE_ID, type, "", Map.of(), store)), SINGLE_ID, false);
    }

    /** Glance's multistore: {@code entries} in configuration order, {@code defaultId} among them. */
    public static Stores multi(List<Entry> entries, String defaultId) {
        return new Stores(entries, defaultId, true);
    }

    public boolean multistore() {
        return multistore;
    }

    public String defaultId() {
        return defaultId;
    }

    public BlobStore defaultStore() {
        return byId.get(defaultId).store();
    }

    /** Every store, in configuration order. */
    public List<Entry> entries() {
        return List.copyOf(byId.values());
    }

    /** The ids of every store, in configuration order. */
    public List<String> ids() {
        return new ArrayList<>(byId.keySet());
    }

    /** The enabled store with this id (request input: no legacy mapping). */
    public Optional<Entry> find(String id) {
        return id == null ? Optional.empty() : Optional.ofNullable(byId.get(id));
    }

    /**
     * The id under which a recorded location is served now: its own if enabled, the default store's
     * for {@link #SINGLE_ID} locations of a server that has turned multistore, else empty (a store
     * removed from the configuration).
     */
    public Optional<String> resolve(String recordedId) {
        if (byId.containsKey(recordedId)) {
            return Optional.of(recordedId);
        }
        return SINGLE_ID.equals(recordedId) ? Optional.of(defaultId) : Optional.empty();
    }
}
