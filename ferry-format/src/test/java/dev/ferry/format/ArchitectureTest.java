package dev.ferry.format;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** ferry-format is a pure library: no server, JDBC, HTTP server or JSON code. */
@AnalyzeClasses(packages = "dev.ferry.format", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule knowsNothingOfTheServer = noClasses().that().resideInAPackage("dev.ferry.format..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.ferry.server..", "java.sql..", "io.helidon..", "tools.jackson..")
            .because("the format library must stay usable without the server (DESIGN.md dependency rule)");

    @ArchTest
    static final ArchRule formatPackagesDoNotUseTheDetector = noClasses().that().resideInAnyPackage("dev.ferry.format.raw..",
                    "dev.ferry.format.iso..", "dev.ferry.format.qed..", "dev.ferry.format.vdi..", "dev.ferry.format.qcow2..",
                    "dev.ferry.format.vmdk..", "dev.ferry.format.vhd..", "dev.ferry.format.vhdx..")
            .should().dependOnClassesThat().resideInAPackage("dev.ferry.format.detect..")
            .because("each format validates itself; only the detector combines them");
}
