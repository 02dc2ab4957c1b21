package dev.ferry.server;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The dependency rule: http → services → repositories/stores/sources; the domain knows no HTTP or JDBC. */
class ArchitectureTest {

    static final JavaClasses SERVER = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.ferry.server");

    @Test
    void onlyTheHttpLayerAndTheWiringKnowHelidon() {
        noClasses().that().resideOutsideOfPackages("dev.ferry.server.http..")
                .and().doNotHaveFullyQualifiedName("dev.ferry.server.FerryServer")
                .should().dependOnClassesThat().resideInAPackage("io.helidon..")
                .check(SERVER);
    }

    @Test
    void nothingBelowHttpDependsOnIt() {
        noClasses().that().resideInAnyPackage("dev.ferry.server.tasks..", "dev.ferry.server.images..",
                        "dev.ferry.server.metadefs..", "dev.ferry.server.identity..", "dev.ferry.server.sources..", "dev.ferry.server.stores..",
                        "dev.ferry.server.db..", "dev.ferry.server.config..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.ferry.server.http..", "dev.ferry.server.cli..")
                .check(SERVER);
    }

    @Test
    void theHttpLayerDoesNotTouchTheDatabase() {
        noClasses().that().resideInAPackage("dev.ferry.server.http..")
                .should().dependOnClassesThat().resideInAnyPackage("org.jdbi..", "java.sql..", "dev.ferry.server.db..",
                        "com.zaxxer..")
                .check(SERVER);
    }

    @Test
    void identityAndPolicyStandAlone() {
        noClasses().that().resideInAnyPackage("dev.ferry.server.identity..", "dev.ferry.server.policy..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.ferry.server.http..", "dev.ferry.server.cli..",
                        "dev.ferry.server.tasks..", "dev.ferry.server.images..", "dev.ferry.server.db..",
                        "io.helidon..", "org.jdbi..", "java.sql..")
                .check(SERVER);
    }

    @Test
    void domainRecordsKnowNoHttpNorJdbc() {
        noClasses().that().haveFullyQualifiedName("dev.ferry.server.tasks.Task")
                .or().haveFullyQualifiedName("dev.ferry.server.tasks.TaskStatus")
                .or().haveFullyQualifiedName("dev.ferry.server.tasks.TaskType")
                .or().haveFullyQualifiedName("dev.ferry.server.images.Image")
                .or().haveFullyQualifiedName("dev.ferry.server.identity.Identity")
                .should().dependOnClassesThat().resideInAnyPackage("io.helidon..", "org.jdbi..", "java.sql..")
                .check(SERVER);
    }

    @Test
    void metadefsRecordsKnowNoHttpNorJdbc() {
        noClasses().that().resideInAPackage("dev.ferry.server.metadefs").and().areRecords()
                .should().dependOnClassesThat().resideInAnyPackage("io.helidon..", "org.jdbi..", "java.sql..")
                .check(SERVER);
    }

    @Test
    void theLowerLayersDoNotReachUp() {
        noClasses().that().resideInAnyPackage("dev.ferry.server.sources..", "dev.ferry.server.stores..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.ferry.server.tasks..", "dev.ferry.server.images..")
                .check(SERVER);
    }
}
