package dev.ferry.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.format.convert.TargetFormat;
import dev.ferry.server.TestServer;
import dev.ferry.server.tasks.DataServer;
import dev.ferry.server.tasks.TestImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openstack4j.api.OSClient;
import org.openstack4j.api.identity.EndpointURLResolver;
import org.openstack4j.api.types.Facing;
import org.openstack4j.api.types.ServiceType;
import org.openstack4j.core.transport.Config;
import org.openstack4j.model.identity.URLResolverParams;
import org.openstack4j.model.image.v2.ContainerFormat;
import org.openstack4j.model.image.v2.DiskFormat;
import org.openstack4j.model.image.v2.Image;
import org.openstack4j.model.image.v2.Task;
import org.openstack4j.openstack.OSFactory;
import org.openstack4j.openstack.identity.v3.domain.KeystoneToken;
import org.openstack4j.openstack.image.v2.domain.GlanceTask;

/**
 * openstack4j (a widely used Java OpenStack SDK, with its OkHttp connector) against a real Ferry
 * over HTTP: a fixed token from Ferry's static tokens file, the image endpoint given directly
 * instead of from a Keystone catalog. It creates a legacy import task, polls it to success, reads
 * the task and the image it made, and lists images and tasks, all through the SDK's own models.
 */
class OpenStack4jTest {

    static final String TOKEN = "o4j-token";
    static final String PROJECT = "o4jproject";

    @TempDir
    static Path dir;
    static TestServer ferry;
    static DataServer data;
    static OSClient.OSClientV3 os;
    static byte[] qcow2;

    @BeforeAll
    static void start() throws Exception {
        data = new DataServer();
        qcow2 = TestImages.convert(TestImages.raw(2 << 20, 41), TargetFormat.QCOW2,
                Files.createDirectories(dir.resolve("work")));
        data.serve("/disk.qcow2", qcow2);
        Path tokens = Files.writeString(dir.resolve("tokens"), TOKEN + " " + PROJECT + " o4juser admin\n");
        ferry = new TestServer(Files.createDirectories(dir.resolve("ferry")), "jdbc:h2:mem:o4j;DB_CLOSE_DELAY=-1",
                Map.of("identity.type", "static", "identity.tokens_file", tokens.toString(),
                        "url.allowed_hosts", "127.0.0.1", "url.allowed_ports", String.valueOf(data.port())),
                Clock.systemUTC());
        KeystoneToken token = new KeystoneToken();
        token.setId(TOKEN);
        EndpointURLResolver fixed = new EndpointURLResolver() {
            @Override
            public String findURLV2(URLResolverParams p) {
                return p.type == ServiceType.IMAGE ? ferry.base() : null;
            }

            @Override
            public String findURLV3(URLResolverParams p) {
                return p.type == ServiceType.IMAGE ? ferry.base() : null;
            }
        };
        os = OSFactory.clientFromToken(token, Facing.PUBLIC,
                Config.newConfig().withEndpointURLResolver(fixed).withConnectionTimeout(5000).withReadTimeout(30000));
    }

    @AfterAll
    static void stop() {
        if (ferry != null) {
            ferry.close();
        }
        if (data != null) {
            data.close();
        }
    }

    @Test
    void anImportTaskRunsToAnImageThroughTheSdk() {
        Task request = GlanceTask.builder().type("import").input(Map.of(
                "import_from", data.url("/disk.qcow2"),
                "import_from_format", "qcow2",
                "image_properties", Map.of("name", "from-openstack4j", "disk_format", "qcow2",
                        "container_format", "bare"))).build();
        Task created = os.imagesV2().tasks().create(request);
        assertThat(created).as("create returned nothing: Ferry's reply did not parse").isNotNull();
        assertThat(created.getId()).isNotBlank();
        assertThat(created.getStatus()).isEqualTo(Task.TaskStatus.PENDING);
        assertThat(created.getType()).isEqualTo("import");
        assertThat(created.getOwner()).isEqualTo(PROJECT);
        assertThat(created.getSelf()).isEqualTo("/v2/tasks/" + created.getId());
        assertThat(created.getSchema()).isEqualTo("/v2/schemas/task");
        assertThat(created.getInput()).containsEntry("import_from", data.url("/disk.qcow2"));
        assertThat(created.getCreatedAt()).isNotNull();

        // openstack4j keeps its session per thread: poll on this one
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).pollInSameThread().until(() -> {
            Task.TaskStatus s = os.imagesV2().tasks().get(created.getId()).getStatus();
            return s == Task.TaskStatus.SUCCESS || s == Task.TaskStatus.FAILURE;
        });
        Task done = os.imagesV2().tasks().get(created.getId());
        assertThat(done.getStatus()).as(done.getMessage()).isEqualTo(Task.TaskStatus.SUCCESS);
        assertThat(done.getMessage()).isEmpty();
        assertThat(done.getExpiresAt()).isAfter(done.getUpdatedAt());
        String imageId = done.getResult().get("image_id");
        assertThat(imageId).isNotBlank();

        Image image = os.imagesV2().get(imageId);
        assertThat(image).isNotNull();
        assertThat(image.getName()).isEqualTo("from-openstack4j");
        assertThat(image.getStatus()).isEqualTo(Image.ImageStatus.ACTIVE);
        assertThat(image.getDiskFormat()).isEqualTo(DiskFormat.QCOW2);
        assertThat(image.getContainerFormat()).isEqualTo(ContainerFormat.BARE);
        assertThat(image.getSize()).isEqualTo(qcow2.length);
        assertThat(image.getVirtualSize()).isEqualTo(2L << 20);
        assertThat(image.getOwner()).isEqualTo(PROJECT);

        List<? extends Image> images = os.imagesV2().list();
        assertThat(images).extracting(Image::getId).contains(imageId);
        List<? extends Task> tasks = os.imagesV2().tasks().list(Map.of("type", "import"));
        assertThat(tasks).extracting(Task::getId).contains(created.getId());
    }
}
