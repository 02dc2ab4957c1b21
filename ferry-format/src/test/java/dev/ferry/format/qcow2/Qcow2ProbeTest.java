package dev.ferry.format.qcow2;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.format.io.ByteArrayReadSource;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class Qcow2ProbeTest {
    private final Qcow2Inspector inspector = new Qcow2Inspector();

    @Test
    void magicAtZeroIsQcow2WhateverTheVersion() throws IOException {
        for (int version : new int[] {1, 2, 3, 4}) {
            byte[] b = {'Q', 'F', 'I', (byte) 0xfb, 0, 0, 0, (byte) version};
            assertThat(inspector.probe(new ByteArrayReadSource(b))).as("version %d", version).isTrue();
        }
    }

    @Test
    void otherBytesAreNotQcow2() throws IOException {
        assertThat(inspector.probe(new ByteArrayReadSource(new byte[0]))).isFalse();
        assertThat(inspector.probe(new ByteArrayReadSource(new byte[] {'Q', 'F', 'I'}))).isFalse();
        assertThat(inspector.probe(new ByteArrayReadSource(new byte[] {'Q', 'E', 'D', 0, 0, 0, 0, 0}))).isFalse();
        assertThat(inspector.probe(new ByteArrayReadSource(new byte[512]))).isFalse();
    }
}
