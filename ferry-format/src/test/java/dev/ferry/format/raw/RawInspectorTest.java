package dev.ferry.format.raw;

import static dev.ferry.format.testing.TestImages.fixGptHeaderCrc;
import static dev.ferry.format.testing.TestImages.gptDisk;
import static dev.ferry.format.testing.TestImages.mbrDisk;
import static dev.ferry.format.testing.TestImages.putLe64;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.format.Inspection;
import dev.ferry.format.Limits;
import dev.ferry.format.Reason;
import dev.ferry.format.io.ByteArrayReadSource;
import java.io.IOException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class RawInspectorTest {
    private final RawInspector raw = new RawInspector();

    private Inspection inspect(byte[] d) throws IOException {
        return raw.inspect(new ByteArrayReadSource(d), Limits.NONE);
    }

    @Test
    void plainRawIsItsLengthAndQemuRoundsUpTo512() throws IOException {
        Inspection i = inspect(new byte[196_616]);
        assertThat(i.accepted()).isTrue();
        assertThat(i.subformat()).isNull();
        assertThat(i.virtualSize()).isEqualTo(196_616);
        assertThat(i.qemuVirtualSize()).isEqualTo(197_120);
    }

    @Test
    void dosPartitionTableIsSubformatMbr() throws IOException {
        assertThat(inspect(mbrDisk(4 << 20)).subformat()).isEqualTo("mbr");
    }

    @Test
    void protectiveMbrWithValidHeaderIsGpt() throws IOException {
        Inspection i = inspect(gptDisk(1 << 20));
        assertThat(i.accepted()).as("%s", i).isTrue();
        assertThat(i.subformat()).isEqualTo("gpt");
    }

    @Test
    void corruptGptHeaderCrcIsRefused() throws IOException {
        byte[] d = gptDisk(1 << 20);
        d[512 + 60] ^= 1;
        Inspection i = inspect(d);
        assertThat(i.rejection().code()).isEqualTo(Reason.BAD_HEADER);
        assertThat(i.rejection().message()).contains("CRC32");
    }

    @Test
    void corruptEntryArrayCrcIsRefused() throws IOException {
        byte[] d = gptDisk(1 << 20);
        d[1024 + 5] = 7;
        assertThat(inspect(d).rejection().message()).contains("entry array CRC32");
    }

    @Test
    void gptWhoseBackupLiesPastTheEndIsTruncated() throws IOException {
        byte[] d = gptDisk(1 << 20);
        byte[] cut = Arrays.copyOf(d, 512 * 1024);
        Inspection i = inspect(cut);
        assertThat(i.rejection().code()).isEqualTo(Reason.TRUNCATED);
    }

    @Test
    void hugeEntryArrayIsRefusedWithoutReadingIt() throws IOException {
        byte[] d = gptDisk(1 << 20);
        putLe64(d, 512 + 80, 0xFFFF_FFFFL | 0xFFFF_FFFFL << 32);
        fixGptHeaderCrc(d);
        assertThat(inspect(d).rejection().code()).isEqualTo(Reason.BAD_HEADER);
    }

    @Test
    void bootSectorWithInvalidEntriesIsPlainRaw() throws IOException {
        byte[] d = mbrDisk(1 << 20);
        d[446] = 0x0A;
        Inspection i = inspect(d);
        assertThat(i.accepted()).isTrue();
        assertThat(i.subformat()).isNull();
    }

    @Test
    void fatBootRecordIsNotAPartitionTable() throws IOException {
        byte[] d = mbrDisk(1 << 20);
        d[0x10] = 2;
        d[0x15] = (byte) 0xF8;
        assertThat(RawInspector.hasPartitionTableSignature(new ByteArrayReadSource(d))).isFalse();
        assertThat(RawInspector.hasPartitionTableSignature(new ByteArrayReadSource(mbrDisk(1 << 20)))).isTrue();
    }

    @Test
    void protectiveEntryBesideAnotherPartitionIsNotATable() throws IOException {
        byte[] d = gptDisk(1 << 20);
        d[462 + 4] = (byte) 0x83;
        assertThat(inspect(d).subformat()).isNull();
    }

    @Test
    void emptyAndOverLimitAreRefused() throws IOException {
        assertThat(inspect(new byte[0]).rejection().code()).isEqualTo(Reason.EMPTY_FILE);
        Inspection i = raw.inspect(new ByteArrayReadSource(new byte[4096]), new Limits(1024, Long.MAX_VALUE));
        assertThat(i.rejection().code()).isEqualTo(Reason.VIRTUAL_SIZE_LIMIT);
        assertThat(i.virtualSize()).isEqualTo(4096);
    }
}
