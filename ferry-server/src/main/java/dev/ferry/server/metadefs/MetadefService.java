package dev.ferry.server.metadefs;

import dev.ferry.server.identity.AccessDeniedException;
import dev.ferry.server.identity.Identity;
import dev.ferry.server.metadefs.MetadefRepository.Kind;
import dev.ferry.server.policy.Policy;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import org.jdbi.v3.core.Handle;

/**
 * The catalog's rules, as Glance 25 has them: a namespace is seen by admins, by its owner's
 * project and, when public, by everyone (otherwise 404); then the {@code *_metadef_*} policy rules
 * decide (reads: readers; writes: admins, by default); a protected namespace cannot be deleted.
 * Everything a namespace holds is bounded in number here; the HTTP layer bounds each item's size.
 */
public final class MetadefService {

    /** Most namespaces the catalog holds, and most of each kind of thing one namespace holds. */
    public static final int MAX_NAMESPACES = 10_000;
    public static final int MAX_RESOURCE_TYPES = 1_000;
    public static final int MAX_ASSOCIATIONS = 100;
    public static final int MAX_OBJECTS = 1_000;
    public static final int MAX_PROPERTIES = 1_000;
    public static final int MAX_TAGS = 1_000;

    private final MetadefRepository repository;
    private final Policy policy;
    private final Clock clock;

    public MetadefService(MetadefRepository repository, Policy policy, Clock clock) {
        this.repository = repository;
        this.policy = policy;
        this.clock = clock;
    }

    /** A namespace with what it holds (the lists are empty where the caller did not ask for them). */
    public record Detail(Namespace namespace, List<Association> associations, List<Definition> properties,
                         List<Definition> objects, List<Tag> tags) {
        public Detail {
            Objects.requireNonNull(namespace);
            associations = List.copyOf(associations);
            properties = List.copyOf(properties);
            objects = List.copyOf(objects);
            tags = List.copyOf(tags);
        }
    }

    /** An association a client asks for. */
    public record AssociationRequest(String name, String prefix, String propertiesTarget) {
        public AssociationRequest {
            Objects.requireNonNull(name);
        }
    }

    /** A page of namespaces: {@code more} when there may be a next page. */
    public record Page(List<Detail> namespaces, boolean more) {
        public Page {
            namespaces = List.copyOf(namespaces);
        }
    }

    private Instant now() {
        return clock.instant();
    }

    private static Map<String, String> target(Namespace n) {
        return Map.of("project_id", n.owner(), "owner", n.owner(), "visibility", n.visibility());
    }

    private boolean visible(Identity caller, Namespace n) {
        return n.isPublic() || n.owner().equals(caller.projectId()) || policy.isAdmin(caller);
    }

    /**
     * The namespace if the caller may see it and passes {@code rule} on it; 404 if unseen, 403 if
     * refused. For a write (every rule but the {@code get_*} ones) its row is locked for the
     * transaction ({@link MetadefRepository#namespace(Handle, String, boolean)}).
     */
    private Namespace find(Handle h, Identity caller, String name, String rule) {
        Namespace n = repository.namespace(h, name, !rule.startsWith("get_")).filter(ns -> visible(caller, ns))
                .orElseThrow(() -> namespaceNotFound(name));
        policy.enforce(rule, caller, target(n));
        return n;
    }

    private static MetadefNotFoundException namespaceNotFound(String name) {
        return new MetadefNotFoundException("Metadata definition namespace=" + name + " was not found.");
    }

    // --- namespaces

    public Page namespaces(Identity caller, String visibility, List<String> resourceTypes, String marker,
                           boolean ascending, int limit) {
        policy.enforce("get_metadef_namespaces", caller);
        return repository.inTransaction(h -> {
            Namespace after = null;
            if (marker != null) {
                after = repository.namespace(h, marker).filter(ns -> visible(caller, ns))
                        .orElseThrow(() -> namespaceNotFound(marker));
            }
            String project = policy.isAdmin(caller) ? null : caller.projectId();
            List<Namespace> found = repository.namespaces(h, project, visibility, resourceTypes, after, ascending, limit);
            List<Detail> out = new ArrayList<>(found.size());
            for (Namespace n : found) {
                out.add(new Detail(n, repository.associations(h, n), List.of(), List.of(), List.of()));
            }
            return new Page(out, found.size() == limit);
        });
    }

    public Detail namespace(Identity caller, String name) {
        return repository.inTransaction(h -> {
            Namespace n = find(h, caller, name, "get_metadef_namespace");
            return new Detail(n, repository.associations(h, n), repository.definitions(h, Kind.PROPERTY, n),
                    repository.definitions(h, Kind.OBJECT, n), repository.tags(h, n));
        });
    }

    /**
     * Creates a namespace, with the associations, objects, properties and tags given inline (as
     * Glance's create accepts them). The owner defaults to the caller's project.
     */
    public Detail createNamespace(Identity caller, NamespaceChanges c, List<AssociationRequest> associations,
                                  List<Definition> objects, List<Definition> properties, List<String> tags) {
        String owner = c.owner() == null ? caller.projectId() : c.owner();
        String visibility = c.visibility() == null ? "private" : c.visibility();
        policy.enforce("add_metadef_namespace", caller, Map.of("project_id", caller.projectId(), "owner", owner,
                "visibility", visibility));
        bound(associations.size(), MAX_ASSOCIATIONS, "resource type associations");
        bound(objects.size(), MAX_OBJECTS, "objects");
        bound(properties.size(), MAX_PROPERTIES, "properties");
        bound(tags.size(), MAX_TAGS, "tags");
        Instant now = now();
        Namespace n = new Namespace(UUID.randomUUID(), c.namespace(), c.displayName(), c.description(), visibility,
                c.isProtected(), owner, now, now);
        return repository.inTransaction(h -> {
            if (repository.namespace(h, c.namespace()).isPresent()) {
                throw new MetadefConflictException("The metadata definition namespace=" + c.namespace()
                        + " already exists.");
            }
            if (repository.countNamespaces(h) >= MAX_NAMESPACES) {
                throw new MetadefLimitException("The catalog holds the most namespaces Ferry allows ("
                        + MAX_NAMESPACES + ").");
            }
            repository.insert(h, n);
            List<Association> made = new ArrayList<>();
            Set<String> seen = new HashSet<>();
            for (AssociationRequest a : associations) {
                if (!seen.add(a.name())) {
                    throw new MetadefConflictException(associationExists(a.name(), n.namespace()));
                }
                made.add(associate(h, n, a, now));
            }
            List<Definition> madeObjects = new ArrayList<>();
            for (Definition d : objects) {
                madeObjects.add(insertDefinition(h, Kind.OBJECT, n, new Definition(d.name(), d.document(), now, now)));
            }
            List<Definition> madeProperties = new ArrayList<>();
            for (Definition d : properties) {
                madeProperties.add(insertDefinition(h, Kind.PROPERTY, n,
                        new Definition(d.name(), d.document(), now, now)));
            }
            List<Tag> madeTags = new ArrayList<>();
            for (String t : tags) {
                madeTags.add(insertTag(h, n, t, now));
            }
            return new Detail(n, made, madeProperties, madeObjects, madeTags);
        });
    }

    /** Replaces the namespace's own fields (a new name renames it); 409 if the new name is taken. */
    public Namespace updateNamespace(Identity caller, String name, NamespaceChanges c) {
        return repository.inTransaction(h -> {
            Namespace old = find(h, caller, name, "modify_metadef_namespace");
            if (!c.namespace().equals(old.namespace()) && repository.namespace(h, c.namespace()).isPresent()) {
                throw new MetadefConflictException("The metadata definition namespace=" + c.namespace()
                        + " already exists.");
            }
            Namespace n = new Namespace(old.id(), c.namespace(), c.displayName(), c.description(),
                    c.visibility() == null ? old.visibility() : c.visibility(), c.isProtected(),
                    c.owner() == null ? old.owner() : c.owner(), old.createdAt(), now());
            repository.update(h, n);
            return n;
        });
    }

    public void deleteNamespace(Identity caller, String name) {
        repository.inTransaction(h -> {
            Namespace n = find(h, caller, name, "delete_metadef_namespace");
            if (n.isProtected()) {
                throw new AccessDeniedException("Metadata definition namespace " + name
                        + " is protected and cannot be deleted.");
            }
            repository.delete(h, n);
            return null;
        });
    }

    // --- resource types

    public List<ResourceType> resourceTypes(Identity caller) {
        policy.enforce("list_metadef_resource_types", caller, Map.of("project_id", caller.projectId()));
        return repository.inTransaction(repository::resourceTypes);
    }

    public List<Association> associations(Identity caller, String namespace) {
        return repository.inTransaction(h -> repository.associations(h,
                find(h, caller, namespace, "get_metadef_resource_type")));
    }

    /** Associates a resource type, creating it if the catalog has none by that name (as Glance does). */
    public Association associate(Identity caller, String namespace, AssociationRequest a) {
        return repository.inTransaction(h -> associate(h,
                find(h, caller, namespace, "add_metadef_resource_type_association"), a, now()));
    }

    private Association associate(Handle h, Namespace n, AssociationRequest a, Instant now) {
        List<Association> existing = repository.associations(h, n);
        if (existing.stream().anyMatch(x -> x.name().equals(a.name()))) {
            throw new MetadefConflictException(associationExists(a.name(), n.namespace()));
        }
        bound(existing.size() + 1, MAX_ASSOCIATIONS, "resource type associations");
        if (!repository.resourceTypeExists(h, a.name())) {
            if (repository.countResourceTypes(h) + 1 > MAX_RESOURCE_TYPES) {
                throw new MetadefLimitException("The catalog may hold at most " + MAX_RESOURCE_TYPES + " resource types.");
            }
            repository.ensureResourceType(h, a.name(), now);
        }
        Association made = new Association(a.name(), a.prefix(), a.propertiesTarget(), now, now);
        repository.insert(h, n, made);
        return made;
    }

    private static String associationExists(String type, String namespace) {
        return "The metadata definition resource-type association of resource-type=" + type + " to namespace="
                + namespace + " already exists.";
    }

    public void dissociate(Identity caller, String namespace, String resourceType) {
        repository.inTransaction(h -> {
            Namespace n = find(h, caller, namespace, "remove_metadef_resource_type_association");
            if (!repository.deleteAssociation(h, n, resourceType)) {
                throw new MetadefNotFoundException("The metadata definition resource-type association of resource-type="
                        + resourceType + " to namespace=" + namespace + ", was not found.");
            }
            return null;
        });
    }

    // --- objects and properties

    private static String noun(Kind kind) {
        return kind == Kind.OBJECT ? "object" : "property";
    }

    private static String readRule(Kind kind, boolean one) {
        return kind == Kind.OBJECT ? (one ? "get_metadef_object" : "get_metadef_objects")
                : (one ? "get_metadef_property" : "get_metadef_properties");
    }

    public List<Definition> definitions(Identity caller, Kind kind, String namespace) {
        return repository.inTransaction(h -> repository.definitions(h, kind,
                find(h, caller, namespace, readRule(kind, false))));
    }

    public Definition definition(Identity caller, Kind kind, String namespace, String name) {
        return repository.inTransaction(h -> {
            Namespace n = find(h, caller, namespace, readRule(kind, true));
            return repository.definition(h, kind, n, name).orElseThrow(() -> definitionNotFound(kind, name, namespace));
        });
    }

    private static MetadefNotFoundException definitionNotFound(Kind kind, String name, String namespace) {
        return new MetadefNotFoundException(kind == Kind.OBJECT ? "Could not find metadata object " + name
                : "Could not find property " + name);
    }

    /** Adds an object or property (the document without server-set fields); 409 if the name is taken. */
    public Definition createDefinition(Identity caller, Kind kind, String namespace, String name, String document) {
        return repository.inTransaction(h -> {
            Namespace n = find(h, caller, namespace, kind == Kind.OBJECT ? "add_metadef_object" : "add_metadef_property");
            Instant now = now();
            Definition d = new Definition(name, document, now, now);
            insertDefinition(h, kind, n, d);
            return d;
        });
    }

    private Definition insertDefinition(Handle h, Kind kind, Namespace n, Definition d) {
        if (repository.definition(h, kind, n, d.name()).isPresent()) {
            throw new MetadefConflictException("A metadata definition " + noun(kind) + " with name=" + d.name()
                    + " already exists in namespace=" + n.namespace() + ".");
        }
        bound(repository.count(h, kind, n) + 1, kind == Kind.OBJECT ? MAX_OBJECTS : MAX_PROPERTIES,
                kind == Kind.OBJECT ? "objects" : "properties");
        repository.insert(h, kind, n, d);
        return d;
    }

    /** Replaces an object or property; the document's name may rename it (409 if taken). */
    public Definition updateDefinition(Identity caller, Kind kind, String namespace, String name, String newName,
                                       String document) {
        return repository.inTransaction(h -> {
            Namespace n = find(h, caller, namespace,
                    kind == Kind.OBJECT ? "modify_metadef_object" : "modify_metadef_property");
            Definition old = repository.definition(h, kind, n, name)
                    .orElseThrow(() -> definitionNotFound(kind, name, namespace));
            if (!newName.equals(name) && repository.definition(h, kind, n, newName).isPresent()) {
                throw new MetadefConflictException("A metadata definition " + noun(kind) + " with name=" + newName
                        + " already exists in namespace=" + n.namespace() + ".");
            }
            Definition d = new Definition(newName, document, old.createdAt(), now());
            repository.update(h, kind, n, name, d);
            return d;
        });
    }

    public void deleteDefinition(Identity caller, Kind kind, String namespace, String name) {
        repository.inTransaction(h -> {
            Namespace n = find(h, caller, namespace,
                    kind == Kind.OBJECT ? "delete_metadef_object" : "remove_metadef_property");
            if (!repository.delete(h, kind, n, name)) {
                throw definitionNotFound(kind, name, namespace);
            }
            return null;
        });
    }

    // --- tags

    public List<Tag> tags(Identity caller, String namespace) {
        return repository.inTransaction(h -> repository.tags(h, find(h, caller, namespace, "get_metadef_tags")));
    }

    public Tag tag(Identity caller, String namespace, String name) {
        return repository.inTransaction(h -> {
            Namespace n = find(h, caller, namespace, "get_metadef_tag");
            return repository.tag(h, n, name).orElseThrow(() -> tagNotFound(name, namespace));
        });
    }

    private static MetadefNotFoundException tagNotFound(String name, String namespace) {
        return new MetadefNotFoundException("Could not find metadata tag " + name);
    }

    private static MetadefConflictException tagExists(String name, String namespace) {
        return new MetadefConflictException("A metadata tag with name=" + name + " already exists in namespace="
                + namespace + ". (Please note that metadata tag names are case insensitive).");
    }

    public Tag createTag(Identity caller, String namespace, String name) {
        return repository.inTransaction(h -> insertTag(h, find(h, caller, namespace, "add_metadef_tag"), name, now()));
    }

    private Tag insertTag(Handle h, Namespace n, String name, Instant now) {
        if (repository.tag(h, n, name).isPresent()) {
            throw tagExists(name, n.namespace());
        }
        bound(repository.countTags(h, n) + 1, MAX_TAGS, "tags");
        Tag t = new Tag(name, now, now);
        repository.insert(h, n, t);
        return t;
    }

    /** Creates several tags at once: they replace the namespace's tags unless {@code append}. */
    public List<Tag> createTags(Identity caller, String namespace, List<String> names, boolean append) {
        bound(names.size(), MAX_TAGS, "tags");
        return repository.inTransaction(h -> {
            Namespace n = find(h, caller, namespace, "add_metadef_tags");
            if (!append) {
                repository.deleteTags(h, n);
            }
            Instant now = now();
            List<Tag> made = new ArrayList<>();
            for (String name : names) {
                made.add(insertTag(h, n, name, now));
            }
            return made;
        });
    }

    public Tag renameTag(Identity caller, String namespace, String name, String newName) {
        return repository.inTransaction(h -> {
            Namespace n = find(h, caller, namespace, "modify_metadef_tag");
            Tag old = repository.tag(h, n, name).orElseThrow(() -> tagNotFound(name, namespace));
            if (!MetadefRepository.key(newName).equals(MetadefRepository.key(name))
                    && repository.tag(h, n, newName).isPresent()) {
                throw tagExists(newName, n.namespace());
            }
            Tag t = new Tag(newName, old.createdAt(), now());
            repository.rename(h, n, name, t);
            return t;
        });
    }

    public void deleteTag(Identity caller, String namespace, String name) {
        repository.inTransaction(h -> {
            Namespace n = find(h, caller, namespace, "delete_metadef_tag");
            if (!repository.deleteTag(h, n, name)) {
                throw tagNotFound(name, namespace);
            }
            return null;
        });
    }

    public void deleteTags(Identity caller, String namespace) {
        repository.inTransaction(h -> {
            repository.deleteTags(h, find(h, caller, namespace, "delete_metadef_tags"));
            return null;
        });
    }

    private static void bound(int count, int max, String what) {
        if (count > max) {
            throw new MetadefLimitException("A namespace may hold at most " + max + " " + what + ".");
        }
    }
}
