package dev.ferry.server.cli;

import dev.ferry.format.DiskFormat;
import dev.ferry.format.Inspection;
import dev.ferry.format.Limits;
import dev.ferry.format.detect.Inspector;
import dev.ferry.format.io.FileReadSource;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code ferry inspect}: native detection and validation of local image files, one result per file.
 * Exit 0 when every file is accepted, 1 when some is rejected, 2 for a usage error (unknown flag or
 * format, a file that does not exist or cannot be read: all files are checked before any is
 * inspected).
 */
public final class InspectCommand implements Verb {

    private static final Usage USAGE = new Usage("ferry inspect", "FILE...", 1, Integer.MAX_VALUE, List.of(
            "Detect and validate disk images (metadata only; nothing is converted).",
            "Exit status: 0 all accepted, 1 some rejected, 2 usage error."), List.of(
            Usage.Option.value("--expect", null, "FORMAT",
                    "The claimed format (raw, qcow2, vhd|vpc, vhdx, vmdk, vdi, iso, qed); content of another format is rejected."),
            Usage.Option.value("--max-virtual-size", null, "BYTES",
                    "Largest accepted virtual size (default " + Limits.RACKSPACE_40GB + ", 40 GiB)."),
            Usage.Option.value("--max-file-size", null, "BYTES",
                    "Largest accepted file size (default " + Limits.RACKSPACE_40GB + ", 40 GiB)."),
            Usage.Option.flag("--json", "One JSON object per line: file, format, subformat, verdict, code, message, "
                    + "virtual_size, qemu_virtual_size, file_size.")));

    private final Inspector inspector;

    public InspectCommand() {
        this(Inspector.standard());
    }

    InspectCommand(Inspector inspector) {
        this.inspector = inspector;
    }

    @Override
    public Usage usage() {
        return USAGE;
    }

    @Override
    public int run(CommandArgs args, PrintWriter out, PrintWriter err) throws UsageException {
        String expect = args.value("--expect");
        boolean json = args.flag("--json");
        long maxVirtualSize = args.positiveLong("--max-virtual-size", Limits.RACKSPACE_40GB);
        long maxFileSize = args.positiveLong("--max-file-size", Limits.RACKSPACE_40GB);
        List<Path> files = new ArrayList<>();
        for (String f : args.positionals()) {
            files.add(CommandArgs.path(f));
        }
        Optional<DiskFormat> claimed = Optional.empty();
        if (expect != null) {
            claimed = DiskFormat.fromName(expect);
            if (claimed.isEmpty()) {
                throw new UsageException("--expect: unknown format '" + expect + "'");
            }
        }
        for (Path f : files) {
            if (!Files.isRegularFile(f) || !Files.isReadable(f)) {
                throw new UsageException(f + ": not a readable file");
            }
        }
        Limits limits = new Limits(maxVirtualSize, maxFileSize);
        boolean allAccepted = true;
        for (Path f : files) {
            Inspection i;
            try (FileReadSource src = FileReadSource.open(f)) {
                i = inspector.inspect(src, claimed, limits);
            } catch (IOException e) {
                err.println("ferry inspect: " + f + ": " + e.getMessage());
                return 2;
            }
            allAccepted &= i.accepted();
            out.println(json ? toJson(f, i) : toText(f, i));
        }
        out.flush();
        return allAccepted ? 0 : 1;
    }

    String toJson(Path file, Inspection i) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("file", file.toString());
        m.put("format", i.format().glanceName());
        m.put("subformat", i.subformat());
        m.put("verdict", i.verdict().name());
        m.put("code", i.accepted() ? null : i.rejection().code());
        m.put("message", i.accepted() ? null : i.rejection().message());
        m.put("virtual_size", i.virtualSize());
        m.put("qemu_virtual_size", i.qemuVirtualSize());
        m.put("file_size", i.fileSize());
        return Json.MAPPER.writeValueAsString(m);
    }

    /** Built on first use only: Jackson costs ~0.15 s of start-up that convert and plain inspect do not need. */
    private static final class Json {
        static final JsonMapper MAPPER = JsonMapper.builder().build();
    }

    static String toText(Path file, Inspection i) {
        String fmt = i.format().glanceName() + (i.subformat() == null ? "" : " (" + i.subformat() + ")");
        String size = i.virtualSize() < 0 ? "virtual size unknown" : "virtual size " + i.virtualSize();
        if (i.accepted()) {
            return file + ": ACCEPT " + fmt + ", " + size;
        }
        return file + ": REJECT " + fmt + ", " + size + ": " + i.rejection();
    }
}
