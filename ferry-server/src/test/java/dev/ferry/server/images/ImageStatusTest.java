package dev.ferry.server.images;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ImageStatusTest {

    @Test
    void uploadPathAndItsFailureReturnToQueued() {
        assertThat(ImageStatus.allows("queued", "saving")).isTrue();
        assertThat(ImageStatus.allows("saving", "active")).isTrue();
        assertThat(ImageStatus.allows("saving", "queued")).isTrue();
    }

    @Test
    void deactivationOnlyFromActive() {
        assertThat(ImageStatus.allows("active", "deactivated")).isTrue();
        assertThat(ImageStatus.allows("deactivated", "active")).isTrue();
        assertThat(ImageStatus.allows("queued", "deactivated")).isFalse();
        assertThat(ImageStatus.allows("killed", "active")).isFalse();
    }

    @Test
    void deletedIsFinalAndUnknownStatusesGoNowhere() {
        assertThat(ImageStatus.allows("deleted", "active")).isFalse();
        assertThat(ImageStatus.allows("active", "saving")).isFalse();
        assertThat(ImageStatus.allows("bogus", "active")).isFalse();
    }
}
