package dev.ferry.server.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.format.io.ReadSource;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The staging file a converter reads while the download still appends to it. */
class SpoolTest {

    @TempDir
    Path dir;

    static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + seed);
        }
        return b;
    }

    @Test
    void aReadOfARangeNotYetDownloadedWaitsForItAndGetsTheAppendedBytes() throws Exception {
        byte[] data = bytes(3000, 1);
        try (Spool spool = Spool.create(dir.resolve("s.part"), data.length, false)) {
            ReadSource r = spool.reader();
            assertThat(r.size()).isEqualTo(3000);
            spool.append(data, 0, 1000);
            assertThat(r.readFully(0, 1000)).isEqualTo(java.util.Arrays.copyOf(data, 1000));
            CompletableFuture<byte[]> later = CompletableFuture.supplyAsync(() -> {
                try {
                    return r.readFully(500, 2000);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            spool.append(data, 1000, 1000);
            assertThat(later).isNotDone(); // needs bytes up to 2500; 2000 arrived
            spool.append(data, 2000, 1000);
            spool.complete();
            assertThat(later.get(10, TimeUnit.SECONDS)).isEqualTo(java.util.Arrays.copyOfRange(data, 500, 2500));
            assertThat(r.read(3000, new byte[10], 0, 10)).isEqualTo(-1);
        }
        assertThat(Files.readAllBytes(dir.resolve("s.part"))).isEqualTo(data);
    }

    @Test
    void aDownloadEndingShortGivesReadersWhatArrivedAndTheEndOfFileAfterIt() throws Exception {
        byte[] data = bytes(1000, 2);
        try (Spool spool = Spool.create(dir.resolve("s.part"), 4000, false)) {
            ReadSource r = spool.reader();
            spool.append(data, 0, data.length);
            spool.complete();
            byte[] buf = new byte[2000];
            assertThat(r.read(500, buf, 0, buf.length)).isEqualTo(500);
            assertThat(r.read(1000, buf, 0, 10)).isEqualTo(-1);
            assertThatThrownBy(() -> r.readFully(0, 2000)).isInstanceOf(java.io.EOFException.class);
        }
    }

    @Test
    void aFailedDownloadFailsTheReadsThatWaitForMoreButNotThoseOfBytesThatArrived() throws Exception {
        byte[] data = bytes(1000, 3);
        try (Spool spool = Spool.create(dir.resolve("s.part"), 4000, false)) {
            ReadSource r = spool.reader();
            spool.append(data, 0, data.length);
            CompletableFuture<byte[]> waiting = CompletableFuture.supplyAsync(() -> {
                try {
                    return r.readFully(0, 2000);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            spool.fail(new IOException("connection reset"));
            assertThatThrownBy(() -> waiting.get(10, TimeUnit.SECONDS))
                    .hasRootCauseMessage("connection reset");
            assertThat(r.readFully(0, 1000)).isEqualTo(data);
        }
    }

    @Test
    void aCancelledSpoolFailsEveryRead() throws Exception {
        try (Spool spool = Spool.create(dir.resolve("s.part"), 100, false)) {
            ReadSource r = spool.reader();
            spool.append(bytes(100, 4), 0, 100);
            spool.cancel();
            assertThatThrownBy(() -> r.readFully(0, 10)).isInstanceOf(InterruptedIOException.class);
        }
    }

    @Test
    void withoutAnAnnouncedLengthTheSizeIsKnownAtTheEnd() throws Exception {
        try (Spool spool = Spool.create(dir.resolve("s.part"), -1, false)) {
            ReadSource r = spool.reader();
            CompletableFuture<Long> size = CompletableFuture.supplyAsync(() -> {
                try {
                    return r.size();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            spool.append(bytes(700, 5), 0, 700);
            assertThat(size).isNotDone();
            spool.complete();
            assertThat(size.get(10, TimeUnit.SECONDS)).isEqualTo(700);
        }
    }

    @Test
    void theFileMustBeNew() throws Exception {
        Files.write(dir.resolve("taken.part"), new byte[1]);
        assertThatThrownBy(() -> Spool.create(dir.resolve("taken.part"), 1, false))
                .isInstanceOf(java.nio.file.FileAlreadyExistsException.class);
    }

    /**
     * A spool kept as the blob goes past the page cache in whole blocks; appends of any size, across
     * the gathering buffer's end, and a last partial block must all land in order.
     */
    @Test
    void aKeptSpoolHoldsEveryByteAppended() throws Exception {
        // under target/, on the build's disk: /tmp may be a tmpfs, which refuses O_DIRECT
        Path parent = Files.createDirectories(Path.of("target", "spool-test"));
        Path file = parent.resolve("kept-" + System.nanoTime() + ".part");
        java.util.Random r = new java.util.Random(3);
        byte[] all = new byte[3 * DirectAppend.BUFFER + 777];
        r.nextBytes(all);
        try (Spool spool = Spool.create(file, all.length, true)) {
            assertThat(spool.isDirect()).as("O_DIRECT on %s", file).isTrue();
            assertThatThrownBy(spool::reader).isInstanceOf(IllegalStateException.class);
            int at = 0;
            while (at < all.length) {
                int n = Math.min(all.length - at, r.nextInt(300_000));
                spool.append(all, at, n);
                at += n;
            }
            spool.complete();
            assertThat(spool.written()).isEqualTo(all.length);
        }
        try {
            assertThat(Files.readAllBytes(file)).isEqualTo(all);
        } finally {
            Files.delete(file);
        }
    }
}
