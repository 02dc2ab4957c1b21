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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code ferry inspect}: native detection and validation of local image files, one result per file.
 * Exit 0 when every file is accepted, 1 when some is rejected, 2 for a usage error (unknown flag or
 * format, a file that does not exist or cannot be read: all files are checked before any is
 * inspected).
 */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = {"Detect and validate disk images (metadata only; nothing is converted).",
                "Exit status: 0 all accepted, 1 some rejected, 2 usage error."})
public final class InspectCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--expect", paramLabel = "FORMAT",
            description = "The claimed format (raw, qcow2, vhd|vpc, vhdx, vmdk, vdi, iso, qed); content of another format is rejected.")
    String expect;

    @Option(names = "--max-virtual-size", paramLabel = "BYTES", defaultValue = "" + Limits.RACKSPACE_40GB,
            description = "Largest accepted virtual size (default ${DEFAULT-VALUE}, 40 GiB).")
    long maxVirtualSize;

    @Option(names = "--max-file-size", paramLabel = "BYTES", defaultValue = "" + Limits.RACKSPACE_40GB,
            description = "Largest accepted file size (default ${DEFAULT-VALUE}, 40 GiB).")
    long maxFileSize;

    @Option(names = "--json", description = "One JSON object per line: file, format, subformat, verdict, code, message, "
            + "virtual_size, qemu_virtual_size, file_size.")
    boolean json;

    @Parameters(paramLabel = "FILE", arity = "1..*", description = "Image files.")
    List<Path> files;

    private final Inspector inspector;

    public InspectCommand() {
        this(Inspector.standard());
    }

    InspectCommand(Inspector inspector) {
        this.inspector = inspector;
    }

    @Override
    public Integer call() {
        CommandLine cmd = spec.commandLine();
        Optional<DiskFormat> claimed = Optional.empty();
        if (expect != null) {
            claimed = DiskFormat.fromName(expect);
            if (claimed.isEmpty()) {
                throw new CommandLine.ParameterException(cmd, "--expect: unknown format '" + expect + "'");
            }
        }
        if (maxVirtualSize <= 0 || maxFileSize <= 0) {
            throw new CommandLine.ParameterException(cmd, "--max-virtual-size and --max-file-size must be positive");
        }
        for (Path f : files) {
            if (!Files.isRegularFile(f) || !Files.isReadable(f)) {
                throw new CommandLine.ParameterException(cmd, f + ": not a readable file");
            }
        }
        Limits limits = new Limits(maxVirtualSize, maxFileSize);
        PrintWriter out = cmd.getOut();
        boolean allAccepted = true;
        for (Path f : files) {
            Inspection i;
            try (FileReadSource src = FileReadSource.open(f)) {
                i = inspector.inspect(src, claimed, limits);
            } catch (IOException e) {
                cmd.getErr().println("ferry inspect: " + f + ": " + e.getMessage());
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
