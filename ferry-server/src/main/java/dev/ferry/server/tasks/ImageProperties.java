package dev.ferry.server.tasks;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The {@code image_properties} of an import task, checked: the base properties Ferry sets from it
 * and the extra (custom) string properties. Refusals name the offending key.
 */
record ImageProperties(String name, String diskFormat, String containerFormat, int minRam, int minDisk,
                       Map<String, String> extra) {

    static final List<String> DISK_FORMATS = List.of("ami", "ari", "aki", "vhd", "vhdx", "vmdk", "raw", "qcow2",
            "vdi", "iso", "ploop");
    static final List<String> CONTAINER_FORMATS = List.of("ami", "ari", "aki", "bare", "ovf", "ova", "docker",
            "compressed");
    static final Set<String> READ_ONLY = Set.of("created_at", "updated_at", "status", "checksum", "size",
            "virtual_size", "direct_url", "self", "file", "schema", "id", "os_hash_algo", "os_hash_value", "owner",
            "location", "locations", "deleted", "deleted_at", "stores");
    private static final int MAX_EXTRA = 128;

    static ImageProperties parse(JsonNode node) throws JobFailedException {
        if (!(node instanceof ObjectNode props)) {
            throw new JobFailedException("Input field 'image_properties' must be an object.");
        }
        String name = null;
        String disk = null;
        String container = null;
        int minRam = 0;
        int minDisk = 0;
        Map<String, String> extra = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : props.properties()) {
            String key = e.getKey();
            JsonNode v = e.getValue();
            if (READ_ONLY.contains(key) || key.startsWith("os_glance")) {
                throw new JobFailedException("Attribute '" + key + "' is read-only or reserved and cannot be set "
                        + "in image_properties.");
            }
            if (v.isNull() && (key.equals("name") || key.equals("disk_format") || key.equals("container_format"))) {
                continue; // the image schema allows null for these: not given
            }
            switch (key) {
                case "name" -> name = string(key, v);
                case "disk_format" -> {
                    disk = string(key, v);
                    if (!DISK_FORMATS.contains(disk)) {
                        throw new JobFailedException("Invalid disk_format '" + disk + "': must be one of "
                                + String.join(", ", DISK_FORMATS) + ".");
                    }
                }
                case "container_format" -> {
                    container = string(key, v);
                    if (!CONTAINER_FORMATS.contains(container)) {
                        throw new JobFailedException("Invalid container_format '" + container + "': must be one of "
                                + String.join(", ", CONTAINER_FORMATS) + ".");
                    }
                }
                case "min_ram" -> minRam = nonNegative(key, v);
                case "min_disk" -> minDisk = nonNegative(key, v);
                default -> {
                    if (key.isEmpty() || key.length() > 255) {
                        throw new JobFailedException("Image property names must be 1 to 255 characters long.");
                    }
                    if (extra.size() >= MAX_EXTRA) {
                        throw new JobFailedException("Too many image properties (at most " + MAX_EXTRA + ").");
                    }
                    extra.put(key, string(key, v));
                }
            }
        }
        return new ImageProperties(name, disk, container, minRam, minDisk, extra);
    }

    private static String string(String key, JsonNode v) throws JobFailedException {
        if (!v.isString() || v.asString().length() > 255) {
            throw new JobFailedException("Image property '" + key + "' must be a string of at most 255 characters.");
        }
        return v.asString();
    }

    private static int nonNegative(String key, JsonNode v) throws JobFailedException {
        if (!v.canConvertToInt() || !v.isIntegralNumber() || v.asInt() < 0) {
            throw new JobFailedException("Image property '" + key + "' must be a non-negative integer.");
        }
        return v.asInt();
    }
}
