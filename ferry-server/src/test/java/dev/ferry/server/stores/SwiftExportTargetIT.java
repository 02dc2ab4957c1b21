package dev.ferry.server.stores;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.server.TestServer;
import dev.ferry.server.it.Saio;
import dev.ferry.server.objectstorage.SwiftClient;
import dev.ferry.server.objectstorage.SwiftClient.Call;
import dev.ferry.server.objectstorage.SwiftLargeObjects;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link SwiftExportTarget} against a real Swift (tools/swift-saio.sh): what it writes into a
 * project's container, and that a failed write or a clean-up leaves the container exactly as it
 * was, except for what it wrote itself. Segments are 1 MiB.
 */
class SwiftExportTargetIT {

    static final int SEGMENT = 1 << 20;
    static SwiftClient operator;
    static SwiftClient project;
    static SwiftExportTarget target;
    String container;

    @BeforeAll
    static void start() {
        Saio.require();
        operator = Saio.operatorClient();
        project = Saio.projectClient();
        target = new SwiftExportTarget(operator, "AUTH_", SEGMENT);
    }

    @AfterAll
    static void stop() {
        if (operator != null) {
            operator.close();
        }
        if (project != null) {
            project.close();
        }
    }

    @BeforeEach
    void newContainer() throws IOException {
        container = "target-" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(project.exchange(Call.of("PUT", container).body(new ByteArrayEntity(new byte[0], null))).status())
                .isIn(201, 202);
    }

    static byte[] bytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    List<String> names() throws IOException {
        SwiftClient.Reply r = project.exchange(Call.of("GET", container + "?format=json"));
        if (r.status() == 204) {
            return List.of();
        }
        List<String> names = new ArrayList<>();
        TestServer.JSON.readTree(r.text()).forEach(e -> names.add(e.get("name").asString()));
        return names;
    }

    byte[] read(String object) throws IOException {
        try (SwiftClient.Response r = project.open(Call.of("GET", container + "/" + object))) {
            assertThat(r.status()).isEqualTo(200);
            try (InputStream in = r.body()) {
                return in.readAllBytes();
            }
        }
    }

    /** Yields {@code data}, then fails. */
    static InputStream failingAfter(byte[] data) {
        return new SequenceInputStream(new ByteArrayInputStream(data), new InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("disk went away");
            }
        });
    }

    @Test
    void writesAPlainObjectOrAnSloIntoTheProjectsAccountWithItsTag() throws IOException {
        byte[] small = bytes(1000, 1);
        byte[] large = bytes(SEGMENT * 2 + 10, 2);
        assertThat(target.write(Saio.PROJECT, container, "a.vhd", "t-1", new ByteArrayInputStream(small), small.length,
                SwiftLargeObjects.Progress.NONE)).isEqualTo(small.length);
        List<Long> progress = new ArrayList<>();
        assertThat(target.write(Saio.PROJECT, container, "b.vhd", "t-1", new ByteArrayInputStream(large), large.length,
                progress::add)).isEqualTo(large.length);
        assertThat(read("a.vhd")).isEqualTo(small);
        assertThat(read("b.vhd")).isEqualTo(large);
        assertThat(progress).isSorted().last().isEqualTo((long) large.length);
        assertThat(target.object(Saio.PROJECT, container, "b.vhd")).isEqualTo(new SwiftExportTarget.Existing(true, "t-1"));
        assertThat(names()).containsExactlyInAnyOrder("a.vhd", "b.vhd", "b.vhd-t-1/00000000", "b.vhd-t-1/00000001",
                "b.vhd-t-1/00000002");
        assertThat(target.containerExists(Saio.PROJECT, container)).isTrue();
        assertThat(target.containerExists(Saio.OTHER_PROJECT, container)).isFalse();
    }

    @Test
    void aSourceFailingMidwayLeavesNothing() throws IOException {
        byte[] part = bytes(SEGMENT + SEGMENT / 2, 3);
        assertThatThrownBy(() -> target.write(Saio.PROJECT, container, "x.vhd", "t-1", failingAfter(part),
                SEGMENT * 3L, SwiftLargeObjects.Progress.NONE)).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> target.write(Saio.PROJECT, container, "y.vhd", "t-1", failingAfter(bytes(100, 4)),
                1000, SwiftLargeObjects.Progress.NONE)).isInstanceOf(IOException.class);
        // a source shorter than announced is refused too, without a truncated object
        assertThatThrownBy(() -> target.write(Saio.PROJECT, container, "z.vhd", "t-1",
                new ByteArrayInputStream(bytes(SEGMENT * 2, 5)), SEGMENT * 3L, SwiftLargeObjects.Progress.NONE))
                .isInstanceOf(IOException.class);
        assertThat(names()).isEmpty();
    }

    @Test
    void anExistingNameIsNeverOverwritten() throws IOException {
        assertThat(project.exchange(Call.of("PUT", container + "/taken.vhd")
                .body(new ByteArrayEntity("theirs".getBytes(), null))).status()).isEqualTo(201);
        assertThatThrownBy(() -> target.write(Saio.PROJECT, container, "taken.vhd", "t-1",
                new ByteArrayInputStream(bytes(SEGMENT * 2, 6)), SEGMENT * 2L, SwiftLargeObjects.Progress.NONE))
                .isInstanceOf(SwiftExportTarget.NameTakenException.class);
        assertThatThrownBy(() -> target.write(Saio.PROJECT, container, "taken.vhd", "t-1",
                new ByteArrayInputStream(bytes(10, 7)), 10, SwiftLargeObjects.Progress.NONE))
                .isInstanceOf(SwiftExportTarget.NameTakenException.class);
        assertThat(read("taken.vhd")).isEqualTo("theirs".getBytes());
        assertThat(names()).containsExactly("taken.vhd");
    }

    @Test
    void leftoversOfOwnAttemptsAreRemovedAndNothingElse() throws IOException {
        byte[] large = bytes(SEGMENT * 2 + 1, 8);
        target.write(Saio.PROJECT, container, "img.vhd", "task-1", new ByteArrayInputStream(large), large.length,
                SwiftLargeObjects.Progress.NONE);
        // attempt 2 died after two segments, before its manifest
        for (int i = 0; i < 2; i++) {
            assertThat(project.exchange(Call.of("PUT", container + "/img.vhd-task-2/0000000" + i)
                    .body(new ByteArrayEntity(bytes(10, i), null))).status()).isEqualTo(201);
        }
        // the user's own objects, one of them untagged under the same name pattern
        target.write(Saio.PROJECT, container, "other.vhd", "task-9", new ByteArrayInputStream(large), large.length,
                SwiftLargeObjects.Progress.NONE);
        assertThat(project.exchange(Call.of("PUT", container + "/img.vhd-notes")
                .body(new ByteArrayEntity(new byte[1], null))).status()).isEqualTo(201);

        target.removeLeftovers(Saio.PROJECT, container, "img.vhd", List.of("task-1", "task-2", "task-3"));
        assertThat(names()).containsExactlyInAnyOrder("img.vhd-notes", "other.vhd", "other.vhd-task-9/00000000",
                "other.vhd-task-9/00000001", "other.vhd-task-9/00000002");

        // an object of the same name written by someone else stays
        assertThat(project.exchange(Call.of("PUT", container + "/img.vhd")
                .body(new ByteArrayEntity("user".getBytes(), null))).status()).isEqualTo(201);
        target.removeLeftovers(Saio.PROJECT, container, "img.vhd", List.of("task-1"));
        assertThat(read("img.vhd")).isEqualTo("user".getBytes());
    }
}
