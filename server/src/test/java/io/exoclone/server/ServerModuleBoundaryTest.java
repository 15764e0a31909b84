package io.exoclone.server;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The server module depends on the engine only: never on Flink, Hadoop or Kafka. */
class ServerModuleBoundaryTest {
    /** The main classes of the server and of the modules below it, in directories or jars. */
    private static final JavaClasses MAIN =
            new ClassFileImporter()
                    .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                    .importPackages("io.exoclone");

    @Test
    void serverIsFreeOfStreamingAndHadoop() {
        noClasses()
                .that()
                .resideInAnyPackage("io.exoclone.server..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "org.apache.kafka..", "org.apache.flink..", "org.apache.hadoop..")
                .because("server/ depends on the engine only (see DESIGN.md)")
                .check(MAIN);
    }

    @Test
    void theRulesSeeTheEngineAndTheServer() {
        org.assertj.core.api.Assertions.assertThat(MAIN.contain("io.exoclone.engine.Pool"))
                .isTrue();
        org.assertj.core.api.Assertions.assertThat(MAIN.contain(ServeCommand.class)).isTrue();
    }

    @Test
    void theEngineDoesNotKnowTheServer() {
        noClasses()
                .that()
                .resideInAnyPackage(
                        "io.exoclone.engine..", "io.exoclone.format..", "io.exoclone.cli..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("io.exoclone.server..")
                .because("the server is built on the engine, not the other way round")
                .check(MAIN);
    }
}
