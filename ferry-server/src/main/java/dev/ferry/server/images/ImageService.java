package dev.ferry.server.images;

import dev.ferry.format.DiskFormat;
import dev.ferry.format.Inspection;
import dev.ferry.format.Limits;
import dev.ferry.format.detect.Inspector;
import dev.ferry.format.io.ReadSource;
import dev.ferry.server.identity.Identity;
import dev.ferry.server.policy.Policy;
import dev.ferry.server.stores.BlobStore;
import dev.ferry.server.stores.Stores;
import dev.ferry.server.stores.StoredBlob;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The images API's rules: who sees and changes which image (Glance's default policy), status
 * transitions, members, and uploads (streamed into the store with checksums, then inspected).
 */
public final class ImageService {

    private static final Logger LOG = LoggerFactory.getLogger(ImageService.class);

    public static final long DEFAULT_MAX_UPLOAD_BYTES = 1L << 40;
    /** Bounds on what a user may attach to one image (Glance's quotas are 128 for each). */
    public static final int MAX_TAGS = 128;
    public static final int MAX_PROPERTIES = 128;
    public static final int MAX_MEMBERS = 128;
    public static final int MAX_KEY_LENGTH = 255;
    public static final int MAX_VALUE_LENGTH = 65_535;
    /** Names and values of all custom properties together (they are stored in one bounded column). */
    public static final int MAX_PROPERTIES_CHARS = 131_072;

    private final ImageRepository repository;
    private final Stores stores;
    /** The default store: uploads without a store, and staged data. */
    private final BlobStore store;
    private final Clock clock;
    private final long maxUploadBytes;
    private final Policy policy;
    private final Inspector inspector = Inspector.standard();

    public ImageService(ImageRepository repository, BlobStore store) {
        this(repository, store, Clock.systemUTC(), DEFAULT_MAX_UPLOAD_BYTES);
    }

    public ImageService(ImageRepository repository, BlobStore store, Clock clock, long maxUploadBytes) {
        this(repository, store, clock, maxUploadBytes, Policy.of(Map.of()));
    }

    /** @param policy decides {@code context_is_admin} and the image rules ({@code add_image}, {@code modify_image}, ...) */
    public ImageService(ImageRepository repository, BlobStore store, Clock clock, long maxUploadBytes, Policy policy) {
        this(repository, Stores.single("file", store), clock, maxUploadBytes, policy);
    }

    /** @param stores where image data goes (several with multistore, docs/images-api.md "Multistore") */
    public ImageService(ImageRepository repository, Stores stores, Clock clock, long maxUploadBytes, Policy policy) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.repository = Objects.requireNonNull(repository, "repository");
        this.stores = Objects.requireNonNull(stores, "stores");
        this.store = stores.defaultStore();
        this.clock = Objects.requireNonNull(clock, "clock");
        if (maxUploadBytes <= 0) {
            throw new IllegalArgumentException("maxUploadBytes must be positive");
        }
        this.maxUploadBytes = maxUploadBytes;
    }

    /** The upload size cap ({@code images.max_upload_bytes}). */
    public long maxUploadBytes() {
        return maxUploadBytes;
    }

    // --- reading

    /**
     * The image if the caller may see it: admins, its owner, anyone for public/community images,
     * and the members of a shared image (whatever their member status, as in Glance).
     */
    public Image get(Identity who, String id) {
        return find(who, id).orElseThrow(() -> new ImageNotFoundException(id));
    }

    /** The image if the caller may see it, else empty (callers with their own 404 text). */
    public Optional<Image> findVisible(Identity who, String id) {
        return find(who, id);
    }

    private Optional<Image> find(Identity who, String id) {
        if (!UuidText.matches(id)) {
            return Optional.empty();
        }
        return repository.find(UUID.fromString(id)).filter(i -> canSee(who, i));
    }

    private boolean canSee(Identity who, Image i) {
        return isAdmin(who) || isOwner(who, i) || i.visibility().equals("public")
                || i.visibility().equals("community")
                || (i.visibility().equals("shared") && repository.member(i.id(), who.projectId()).isPresent());
    }

    /** Whether the policy allows {@code action} (not about one image, e.g. {@code stores_info_detail}). */
    public boolean allows(String action, Identity who) {
        return policy.allows(action, who, who.projectId() == null ? Map.of() : Map.of("project_id", who.projectId()));
    }

    /** The policy's {@code context_is_admin}: sees and changes every project's images. */
    public boolean isAdmin(Identity who) {
        return policy.isAdmin(who);
    }

    /** Glance's image policy target: the image's owner is the {@code project_id} the rules compare with. */
    private static Map<String, String> target(String owner, String visibility) {
        Map<String, String> t = new java.util.HashMap<>();
        if (owner != null) {
            t.put("project_id", owner);
            t.put("owner", owner);
        }
        t.put("visibility", visibility);
        return t;
    }

    /** 403 with Glance's message unless the policy allows {@code action} on the image. */
    private void enforce(String action, Identity who, Image i) {
        enforce(action, who, i.owner(), i.visibility());
    }

    private void enforce(String action, Identity who, String owner, String visibility) {
        if (!policy.allows(action, who, target(owner, visibility))) {
            throw ImageRequestException.forbidden("You are not authorized to complete " + action + " action.");
        }
    }

    private static boolean isOwner(Identity who, Image i) {
        return who.projectId() != null && who.projectId().equals(i.owner());
    }

    /** {@link #getForChange(Identity, String, String)} for {@code modify_image}. */
    private Image getForChange(Identity who, String id) {
        return getForChange(who, id, "modify_image");
    }

    /**
     * The image if the caller may change it (admin or owner) and the policy allows {@code action}
     * on it; 404 if invisible, 403 if only visible or refused by the policy.
     */
    private Image getForChange(Identity who, String id, String action) {
        Image i = get(who, id);
        requireModify(who, i);
        enforce(action, who, i);
        return i;
    }

    /** 403 with Glance's message unless the policy allows {@code action} (e.g. {@code copy_image}) on the image. */
    public void requireAllowed(String action, Identity who, Image i) {
        enforce(action, who, i);
    }

    /** Glance's {@code modify_image} on a visible image: admin or owner, else 403. */
    public void requireModify(Identity who, Image i) {
        if (!isAdmin(who) && !isOwner(who, i)) {
            throw ImageRequestException.forbidden("You are not permitted to modify image " + i.id() + ".");
        }
    }

    /** A page of images; {@code q.viewer()} must be the caller's project, or null for an admin. */
    public List<Image> list(ImageQuery q) {
        return repository.list(q);
    }

    /** The marker image for a list, if visible to the caller (else 400, as Glance). */
    public Image marker(Identity who, String id) {
        return find(who, id).orElseThrow(() -> ImageRequestException.badRequest("Marker not found"));
    }

    // --- creating and changing

    /** Creates a queued image owned by the caller's project (or by {@code owner} when an admin says so). */
    public Image create(Identity who, UUID id, ImageAttributes a) {
        if (a.owner() != null && !a.owner().equals(who.projectId()) && !isAdmin(who)) {
            throw ImageRequestException.forbidden("You are not permitted to create images owned by '" + a.owner() + "'.");
        }
        enforce("add_image", who, a.owner() == null ? who.projectId() : a.owner(), a.visibility());
        checkVisibility(who, a.owner() == null ? who.projectId() : a.owner(), null, a.visibility());
        checkProtectedProperties(who, Map.of(), a.properties());
        checkBounds(a);
        Instant now = clock.instant();
        Image image = new Image(id == null ? UUID.randomUUID() : id, a.name(), ImageStatus.QUEUED, a.visibility(),
                a.owner() == null ? who.projectId() : a.owner(), a.diskFormat(), a.containerFormat(), null, null, null,
                null, null, null, a.minRam(), a.minDisk(), a.isProtected(), a.properties(), now, now, a.osHidden(),
                a.tags());
        if (!repository.insert(image)) {
            throw ImageRequestException.conflict("An image with identifier " + image.id() + " already exists");
        }
        return image;
    }

    /** Replaces the user-settable attributes of image {@code id} with {@code desired}. */
    public Image update(Identity who, Image current, ImageAttributes desired) {
        if (!isAdmin(who) && !isOwner(who, current)) {
            throw ImageRequestException.forbidden("You are not permitted to modify image " + current.id() + ".");
        }
        enforce("modify_image", who, current);
        if (!Objects.equals(desired.owner(), current.owner()) && !isAdmin(who)) {
            throw ImageRequestException.forbidden("Only an administrator may change the owner of an image.");
        }
        checkVisibility(who, current.owner(), current.visibility(), desired.visibility());
        checkProtectedProperties(who, current.properties(), desired.properties());
        boolean formatsChanged = !Objects.equals(desired.diskFormat(), current.diskFormat())
                || !Objects.equals(desired.containerFormat(), current.containerFormat());
        if (formatsChanged && !current.status().equals(ImageStatus.QUEUED) && !current.status().equals("importing")) {
            String which = Objects.equals(desired.diskFormat(), current.diskFormat()) ? "container_format" : "disk_format";
            throw ImageRequestException.forbidden("Attribute " + which + " can be only replaced for a queued image.");
        }
        checkBounds(desired);
        Image changed = new Image(current.id(), desired.name(), current.status(), desired.visibility(), desired.owner(),
                desired.diskFormat(), desired.containerFormat(), current.size(), current.virtualSize(),
                current.checksum(), current.osHashAlgo(), current.osHashValue(), current.location(), desired.minRam(),
                desired.minDisk(), desired.isProtected(), desired.properties(), current.createdAt(), clock.instant(),
                desired.osHidden(), desired.tags());
        if (!repository.update(changed, current.status())) {
            throw ImageRequestException.conflict("Image " + current.id() + " changed while it was being updated; retry.");
        }
        return changed;
    }

    /** Prefix of the properties only an admin may add, change or remove (Rackspace's; e.g. licensing). */
    public static final String PROTECTED_PREFIX = "com.rackspace";

    /**
     * Rackspace's rule: properties named {@code com.rackspace...} are set by the operator
     * ({@code com.rackspace__1__options} marks licensing restrictions that block exports), so
     * other callers get a 403 for any change to them.
     */
    private void checkProtectedProperties(Identity who, Map<String, String> before, Map<String, String> after) {
        if (isAdmin(who)) {
            return;
        }
        java.util.Set<String> names = new java.util.TreeSet<>(before.keySet());
        names.addAll(after.keySet());
        for (String name : names) {
            if (name.startsWith(PROTECTED_PREFIX) && !Objects.equals(before.get(name), after.get(name))) {
                throw ImageRequestException.forbidden("Property '" + name + "' is protected");
            }
        }
    }

    /** Glance's publicize_image / communitize_image when an image becomes public / community. */
    private void checkVisibility(Identity who, String owner, String from, String to) {
        if (to.equals(from)) {
            return;
        }
        if (to.equals("public")) {
            enforce("publicize_image", who, owner, to);
        } else if (to.equals("community")) {
            enforce("communitize_image", who, owner, to);
        }
    }

    private static void checkBounds(ImageAttributes a) {
        if (a.tags().size() > MAX_TAGS) {
            throw new ImageRequestException(ImageRequestException.Kind.TOO_LARGE,
                    "Maximum number of tags exceeded (" + MAX_TAGS + ").");
        }
        for (String tag : a.tags()) {
            if (tag.isEmpty() || tag.length() > MAX_KEY_LENGTH) {
                throw ImageRequestException.badRequest("A tag must be 1 to " + MAX_KEY_LENGTH + " characters long.");
            }
        }
        if (a.properties().size() > MAX_PROPERTIES) {
            throw new ImageRequestException(ImageRequestException.Kind.TOO_LARGE,
                    "Maximum number of properties exceeded (" + MAX_PROPERTIES + ").");
        }
        long total = 0;
        for (Map.Entry<String, String> p : a.properties().entrySet()) {
            total += p.getKey().length() + p.getValue().length();
            if (total > MAX_PROPERTIES_CHARS) {
                throw new ImageRequestException(ImageRequestException.Kind.TOO_LARGE, "The image's custom properties "
                        + "are longer than " + MAX_PROPERTIES_CHARS + " characters in all.");
            }
            if (p.getKey().isEmpty() || p.getKey().length() > MAX_KEY_LENGTH) {
                throw ImageRequestException.badRequest("A property name must be 1 to " + MAX_KEY_LENGTH
                        + " characters long.");
            }
            if (p.getValue().length() > MAX_VALUE_LENGTH) {
                throw ImageRequestException.badRequest("The value of property '" + p.getKey() + "' is longer than "
                        + MAX_VALUE_LENGTH + " characters.");
            }
        }
        if (a.name() != null && a.name().length() > MAX_KEY_LENGTH) {
            throw ImageRequestException.badRequest("Image name too long: at most " + MAX_KEY_LENGTH + " characters.");
        }
    }

    public void addTag(Identity who, String id, String tag) {
        Image i = getForChange(who, id);
        if (i.tags().contains(tag)) {
            return;
        }
        List<String> tags = new ArrayList<>(i.tags());
        tags.add(tag);
        ImageAttributes a = ImageAttributes.of(i);
        update(who, i, new ImageAttributes(a.name(), a.visibility(), a.isProtected(), a.osHidden(), a.owner(),
                a.diskFormat(), a.containerFormat(), a.minRam(), a.minDisk(), tags, a.properties()));
    }

    /** Removes a tag; false if the image has no such tag (Glance: 404). */
    public boolean removeTag(Identity who, String id, String tag) {
        Image i = getForChange(who, id, "modify_image");
        if (!i.tags().contains(tag)) {
            return false;
        }
        List<String> tags = new ArrayList<>(i.tags());
        tags.remove(tag);
        ImageAttributes a = ImageAttributes.of(i);
        update(who, i, new ImageAttributes(a.name(), a.visibility(), a.isProtected(), a.osHidden(), a.owner(),
                a.diskFormat(), a.containerFormat(), a.minRam(), a.minDisk(), tags, a.properties()));
        return true;
    }

    /** Deletes the image and its data; a protected image is refused (403). */
    public void delete(Identity who, String id) throws IOException {
        Image i = getForChange(who, id, "delete_image");
        if (i.isProtected()) {
            throw ImageRequestException.forbidden("Image " + id + " is protected and cannot be deleted.");
        }
        Optional<List<ImageLocation>> deleted = repository.delete(i.id());
        if (deleted.isPresent()) {
            for (ImageLocation l : deleted.get()) {
                deleteData(l);
            }
            if (!i.status().equals(ImageStatus.ACTIVE) && !i.status().equals(ImageStatus.DEACTIVATED)) {
                deleteQuietly(stagingKey(i.id())); // data staged for an interoperable import
            }
        }
    }

    /** active → deactivated (deactivated again is a no-op); admin or owner. */
    public void deactivate(Identity who, String id) {
        Image i = getForChange(who, id, "deactivate");
        if (i.status().equals(ImageStatus.DEACTIVATED)) {
            return;
        }
        if (!i.status().equals(ImageStatus.ACTIVE)) {
            throw ImageRequestException.badRequest("Not allowed to deactivate image in status '" + i.status() + "'");
        }
        setStatus(i, ImageStatus.DEACTIVATED);
    }

    /** deactivated → active (active again is a no-op); admin or owner. */
    public void reactivate(Identity who, String id) {
        Image i = getForChange(who, id, "reactivate");
        if (i.status().equals(ImageStatus.ACTIVE)) {
            return;
        }
        if (!i.status().equals(ImageStatus.DEACTIVATED)) {
            throw ImageRequestException.badRequest("Not allowed to reactivate image in status '" + i.status() + "'");
        }
        setStatus(i, ImageStatus.ACTIVE);
    }

    private Image setStatus(Image i, String status) {
        ImageStatus.check(i.status(), status);
        Image changed = withData(i, status, i.size(), i.virtualSize(), i.checksum(), i.osHashAlgo(), i.osHashValue(),
                i.location());
        if (!repository.update(changed, i.status())) {
            throw ImageRequestException.conflict("Image " + i.id() + " changed status concurrently; retry.");
        }
        return changed;
    }

    private Image withData(Image i, String status, Long size, Long virtualSize, String md5, String algo, String hash,
                           String location) {
        return new Image(i.id(), i.name(), status, i.visibility(), i.owner(), i.diskFormat(), i.containerFormat(), size,
                virtualSize, md5, algo, hash, location, i.minRam(), i.minDisk(), i.isProtected(), i.properties(),
                i.createdAt(), clock.instant(), i.osHidden(), i.tags());
    }

    // --- data

    /**
     * Stores an upload: queued → saving, the stream into the store with MD5 and SHA-512 (never
     * buffered), at most the configured cap, then inspection of the stored bytes against
     * {@code disk_format}, then saving → active. On any failure the blob is deleted and the image
     * goes back to queued (Glance's v2 behaviour), so that the upload can be retried.
     *
     * @param declaredSize {@code x-openstack-image-size}, or null
     */
    public Image upload(Identity who, String id, InputStream data, Long declaredSize) throws IOException {
        return upload(who, id, data, declaredSize, null);
    }

    /**
     * {@link #upload(Identity, String, InputStream, Long)} into the store {@code storeId} (Glance's
     * {@code X-Image-Meta-Store}; null: the default store; ignored without multistore).
     */
    public Image upload(Identity who, String id, InputStream data, Long declaredSize, String storeId)
            throws IOException {
        String target = requestedStore(storeId);
        BlobStore store = stores.find(target).orElseThrow().store();
        Image queued = getForChange(who, id, "upload_image");
        if (!queued.status().equals(ImageStatus.QUEUED)) {
            throw ImageRequestException.conflict("Image status transition from " + queued.status()
                    + " to saving is not allowed");
        }
        if (queued.diskFormat() == null || queued.containerFormat() == null) {
            throw ImageRequestException.badRequest("Properties disk_format, container_format must be set prior to "
                    + "saving data.");
        }
        if (declaredSize != null && declaredSize > maxUploadBytes) {
            throw tooLarge();
        }
        Image saving = setStatus(queued, ImageStatus.SAVING);
        String key = queued.id().toString();
        boolean stored = false;
        try {
            Checksums sums;
            try (ChecksummingInputStream digesting = new ChecksummingInputStream(new CappedInputStream(data))) {
                store.put(key, digesting);
                stored = true;
                sums = digesting.finish();
            }
            if (declaredSize != null && declaredSize != sums.size()) {
                throw ImageRequestException.badRequest("Declared image size " + declaredSize
                        + " does not match the " + sums.size() + " bytes received.");
            }
            Long virtualSize = inspect(saving, store, key);
            Image active = withData(saving, ImageStatus.ACTIVE, sums.size(), virtualSize, sums.md5(), "sha512",
                    sums.sha512(), key);
            if (!repository.updateWithLocations(active, ImageStatus.SAVING, List.of(target))) {
                store.delete(key);
                throw new ImageRequestException(ImageRequestException.Kind.GONE,
                        "Image " + id + " was deleted or changed while its data was being uploaded.");
            }
            return active;
        } catch (IOException | RuntimeException e) {
            if (!(e instanceof ImageRequestException r && r.kind() == ImageRequestException.Kind.GONE)) {
                if (stored) {
                    deleteQuietly(store, key);
                }
                Image back = withData(saving, ImageStatus.QUEUED, null, null, null, null, null, null);
                repository.update(back, ImageStatus.SAVING);
            }
            if (e instanceof IOException && !(e instanceof UploadTooLargeException)) {
                throw ImageRequestException.badRequest("The image data could not be read: " + e.getMessage());
            }
            if (e instanceof UploadTooLargeException) {
                throw tooLarge();
            }
            throw e;
        }
    }

    /** The blob key of the data staged for image {@code id} ({@code PUT /v2/images/{id}/stage}). */
    public static String stagingKey(UUID id) {
        return "staging-" + id;
    }

    /**
     * Stages data for a glance-direct import (Glance's {@code PUT /v2/images/{id}/stage}):
     * queued → uploading, the stream into the store under {@link #stagingKey} (capped, never
     * buffered, not inspected yet: the import does that), size recorded. The store, not a local
     * directory, holds it so that the import task may run on any node. On failure the staged
     * data is removed and the image goes back to queued, as Glance's {@code _unstage}.
     */
    public Image stage(Identity who, String id, InputStream data, long declaredLength) throws IOException {
        Image queued = getForChange(who, id, "upload_image");
        if (declaredLength > maxUploadBytes) {
            throw stageTooLarge();
        }
        if (!queued.status().equals(ImageStatus.QUEUED)) {
            throw ImageRequestException.conflict("Image status transition from " + queued.status()
                    + " to uploading is not allowed");
        }
        Image uploading = withData(queued, ImageStatus.UPLOADING, null, null, null, null, null, null);
        if (!repository.update(uploading, ImageStatus.QUEUED)) {
            throw ImageRequestException.conflict("Image status transition from queued to uploading is not allowed: "
                    + "the image changed concurrently.");
        }
        String key = stagingKey(queued.id());
        try {
            StoredBlob blob;
            try (CappedInputStream capped = new CappedInputStream(data)) {
                blob = store.put(key, capped);
            }
            Image staged = withData(uploading, ImageStatus.UPLOADING, blob.size(), null, null, null, null, null);
            if (!repository.update(staged, ImageStatus.UPLOADING)) {
                deleteQuietly(key);
                throw new ImageRequestException(ImageRequestException.Kind.GONE,
                        "Image " + id + " was deleted or changed while its data was being staged.");
            }
            return staged;
        } catch (IOException | RuntimeException e) {
            if (!(e instanceof ImageRequestException r && r.kind() == ImageRequestException.Kind.GONE)) {
                deleteQuietly(key);
                repository.update(withData(uploading, ImageStatus.QUEUED, null, null, null, null, null, null),
                        ImageStatus.UPLOADING);
            }
            if (e instanceof UploadTooLargeException) {
                throw stageTooLarge();
            }
            if (e instanceof IOException) {
                throw ImageRequestException.badRequest("The image data could not be read: " + e.getMessage());
            }
            throw e;
        }
    }

    /** Whether data staged for the image is in the store (a stage still running has none yet). */
    public boolean hasStagedData(Image image) {
        try {
            store.size(stagingKey(image.id()));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private ImageRequestException stageTooLarge() {
        return new ImageRequestException(ImageRequestException.Kind.TOO_LARGE,
                "The incoming image is too large: staged data is limited to " + maxUploadBytes + " bytes.");
    }

    /**
     * Inspects the stored bytes as the image's disk_format claims them; the virtual size, or null
     * for the formats Ferry does not inspect (ami, ari, aki, ploop). A mismatch or a refused image
     * (backing file, malformed structure) is a 400.
     */
    private Long inspect(Image image, BlobStore store, String key) throws IOException {
        Optional<DiskFormat> claimed = DiskFormat.fromName(image.diskFormat());
        if (claimed.isEmpty()) {
            return null;
        }
        Inspection result;
        try (ReadSource source = BlobReadSource.open(store, key)) {
            result = inspector.inspect(source, claimed, Limits.NONE);
        }
        if (!result.accepted()) {
            throw ImageRequestException.badRequest("Image data does not match disk_format '" + image.diskFormat()
                    + "': " + result.rejection().message() + " (" + result.rejection().code() + ")");
        }
        return result.virtualSize() < 0 ? null : result.virtualSize();
    }

    private ImageRequestException tooLarge() {
        return new ImageRequestException(ImageRequestException.Kind.TOO_LARGE,
                "Image exceeds the storage quota: uploads are limited to " + maxUploadBytes + " bytes.");
    }

    private void deleteQuietly(String key) {
        deleteQuietly(store, key);
    }

    private static void deleteQuietly(BlobStore store, String key) {
        try {
            store.delete(key);
        } catch (IOException e) {
            LOG.warn("could not delete the data of a failed upload {}", key, e);
        }
    }

    /**
     * Opens the image's data from the first of its locations that opens (the default store's
     * first, then in configuration order); empty if the image has none (Glance answers 204 then).
     */
    public Optional<InputStream> openData(Image image) throws IOException {
        if (image.location() == null
                || !(image.status().equals(ImageStatus.ACTIVE) || image.status().equals(ImageStatus.DEACTIVATED))) {
            return Optional.empty();
        }
        return Optional.of(ImageData.openFirst(stores, image.id(), repository.locations(image.id())).data());
    }

    private void deleteData(ImageLocation l) {
        Optional<Stores.Entry> entry = stores.resolve(l.storeId()).flatMap(stores::find);
        if (entry.isEmpty()) {
            LOG.warn("the data {} of a deleted image stays in store {}, which is not enabled", l.key(), l.storeId());
            return;
        }
        deleteQuietly(entry.get().store(), l.key());
    }

    // --- multistore

    /** The configured stores. */
    public Stores stores() {
        return stores;
    }

    /**
     * The store a request names ({@code X-Image-Meta-Store}; null: the default). Without multistore
     * the default store, whatever was asked (Glance ignores the header then); an unknown store is
     * Glance's 400.
     */
    public String requestedStore(String storeId) {
        if (!stores.multistore() || storeId == null) {
            return stores.defaultId();
        }
        if (stores.find(storeId).isEmpty()) {
            throw ImageRequestException.badRequest(unknownStore(storeId));
        }
        return storeId;
    }

    /** glance_store's text for a store id it does not know. */
    public static String unknownStore(String storeId) {
        String shown = storeId.length() > 255 ? storeId.substring(0, 255) + "..." : storeId;
        return "Unknown scheme '" + shown + "' found in URI";
    }

    /** Deactivated images' data is for admins only (Glance: 403). */
    public void checkDownload(Identity who, Image image) {
        if (image.status().equals(ImageStatus.DEACTIVATED) && !isAdmin(who)) {
            throw ImageRequestException.forbidden("The requested image has been deactivated. Image data download is "
                    + "forbidden.");
        }
    }

    // --- members

    /** The members the caller may see: all for the owner (and admins), only itself for a member. */
    public List<ImageMember> members(Identity who, String id) {
        Image i = get(who, id);
        requireShared(i);
        if (isAdmin(who) || isOwner(who, i)) {
            return repository.members(i.id());
        }
        return repository.member(i.id(), who.projectId()).stream().toList();
    }

    public ImageMember member(Identity who, String id, String memberId) {
        Image i = get(who, id);
        requireShared(i);
        if (!isAdmin(who) && !isOwner(who, i) && !memberId.equals(who.projectId())) {
            throw new ImageNotFoundException(id);
        }
        return repository.member(i.id(), memberId).orElseThrow(() -> new MemberNotFoundException(memberId, id));
    }

    /** Shares the image with project {@code memberId} (pending until it accepts); owner or admin. */
    public ImageMember addMember(Identity who, String id, String memberId) {
        Image i = get(who, id);
        if (!isAdmin(who) && !isOwner(who, i)) {
            throw ImageRequestException.forbidden("You are not permitted to share image " + id + ".");
        }
        requireShared(i);
        if (memberId.isEmpty() || memberId.length() > MAX_KEY_LENGTH) {
            throw ImageRequestException.badRequest("member must be 1 to " + MAX_KEY_LENGTH + " characters long.");
        }
        Instant now = clock.instant();
        ImageMember m = new ImageMember(i.id(), memberId, "pending", now, now);
        return switch (repository.addMember(m, MAX_MEMBERS)) {
            case ADDED -> m;
            case DUPLICATE -> throw ImageRequestException.conflict("Member " + memberId + " already associated with image "
                    + id + ".");
            case TOO_MANY -> throw new ImageRequestException(ImageRequestException.Kind.TOO_LARGE,
                    "Maximum number of image members exceeded (" + MAX_MEMBERS + ").");
        };
    }

    /** Only the member itself accepts or rejects (the owner may not decide for it). */
    public ImageMember updateMember(Identity who, String id, String memberId, String status) {
        ImageMember m = member(who, id, memberId);
        if (!memberId.equals(who.projectId())) {
            throw ImageRequestException.forbidden("Only the member " + memberId + " may change its membership status.");
        }
        if (!ImageMember.STATUSES.contains(status)) {
            throw ImageRequestException.badRequest("Invalid status: " + status
                    + " (must be pending, accepted or rejected).");
        }
        Instant now = clock.instant();
        repository.updateMember(m.imageId(), memberId, status, now);
        return new ImageMember(m.imageId(), memberId, status, m.createdAt(), now);
    }

    public void deleteMember(Identity who, String id, String memberId) {
        Image i = get(who, id);
        if (!isAdmin(who) && !isOwner(who, i)) {
            throw ImageRequestException.forbidden("You are not permitted to remove members of image " + id + ".");
        }
        requireShared(i);
        if (!repository.deleteMember(i.id(), memberId)) {
            throw new MemberNotFoundException(memberId, id);
        }
    }

    private static void requireShared(Image i) {
        if (!i.visibility().equals("shared")) {
            throw ImageRequestException.forbidden("Only shared images have members.");
        }
    }

    /** The upload cap was passed: stop reading at once. */
    private static final class UploadTooLargeException extends IOException {
        private static final long serialVersionUID = 1L;

        UploadTooLargeException() {
            super("upload exceeds the size cap");
        }
    }

    /** Counts what passes and fails as soon as the cap is exceeded (so a chunked upload cannot fill the disk). */
    private final class CappedInputStream extends FilterInputStream {
        private long count;

        CappedInputStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) {
                count += n;
                if (count > maxUploadBytes) {
                    throw new UploadTooLargeException();
                }
            }
            return n;
        }
    }
}
