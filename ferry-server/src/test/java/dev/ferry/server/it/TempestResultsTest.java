package dev.ferry.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How TempestIT reads tempest's output and its expectations file (no tempest needed). */
class TempestResultsTest {

    @Test
    void parsesTestAndClassLinesOfTempestRun() {
        Map<String, String> r = TempestIT.parse(List.of(
                "{0} tempest.api.image.v2.test_images.ListUserImagesTest.test_list_no_params [0.012406s] ... ok",
                "tempest.api.image.v2.test_versions.VersionsTest.test_list_versions [0.006272s] ... ok",
                "{0} tempest.api.image.v2.test_images.ImportImagesTest.test_remote_import ... SKIPPED: No image_remote",
                "{0} setUpClass (tempest.api.image.v2.test_images.ImportImagesTest) ... FAILED",
                "{0} tempest.api.image.v2.test_images_negative.ImagesNegativeTest.test_get_image_null_id"
                        + "[id-ef45000d-0a72-4781-866d-4cb7bf2562ad,negative] [0.1s] ... FAILED",
                "Captured traceback:", "    tempest.lib.exceptions.NotFound: Object not found", " - Passed: 44"));
        assertThat(r).containsExactly(
                Map.entry("tempest.api.image.v2.test_images.ListUserImagesTest.test_list_no_params", "ok"),
                Map.entry("tempest.api.image.v2.test_versions.VersionsTest.test_list_versions", "ok"),
                Map.entry("tempest.api.image.v2.test_images.ImportImagesTest.test_remote_import",
                        "SKIPPED: No image_remote"),
                Map.entry("tempest.api.image.v2.test_images.ImportImagesTest", "FAILED"),
                Map.entry("tempest.api.image.v2.test_images_negative.ImagesNegativeTest.test_get_image_null_id",
                        "FAILED"));
    }

    @Test
    void aFailureOfAClassIsNotHiddenByALaterLine() {
        Map<String, String> r = TempestIT.parse(List.of(
                "{0} setUpClass (tempest.api.image.v2.test_images.X) ... FAILED",
                "{0} tearDownClass (tempest.api.image.v2.test_images.X) ... ok"));
        assertThat(r).containsEntry("tempest.api.image.v2.test_images.X", "FAILED");
    }

    @Test
    void theExpectationsFileGivesAReasonForEveryAllowedFailure() throws Exception {
        Map<String, TempestIT.Expectation> e = TempestIT.expectations();
        assertThat(e).hasSizeGreaterThan(40);
        assertThat(e.values()).filteredOn(x -> x.outcome() == TempestIT.Outcome.FAIL)
                .allSatisfy(x -> assertThat(x.reason()).isNotBlank());
        assertThat(e.get("tempest.api.image.v2.test_versions.VersionsTest.test_list_versions").outcome())
                .isEqualTo(TempestIT.Outcome.OK);
    }
}
