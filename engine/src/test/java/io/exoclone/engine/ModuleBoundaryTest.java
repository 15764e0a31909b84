package io.exoclone.engine;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The engine module never depends on Kafka, Flink or Hadoop; connectors adapt it. */
class ModuleBoundaryTest {
    private static final JavaClasses ENGINE =
            new ClassFileImporter()
                    .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                    .importPackages("io.exoclone");

    @Test
    void engineIsFreeOfStreamingAndHadoop() {
        noClasses()
                .that()
                .resideInAnyPackage(
                        "io.exoclone.engine..", "io.exoclone.format..", "io.exoclone.cli..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "org.apache.kafka..", "org.apache.flink..", "org.apache.hadoop..")
                .because("engine/ must stay free of Kafka, Flink and Hadoop (see DESIGN.md)")
                .check(ENGINE);
    }

    @Test
    void engineOpensNoSockets() {
        noClasses()
                .that()
                .resideInAnyPackage(
                        "io.exoclone.engine..", "io.exoclone.format..", "io.exoclone.cli..")
                .should()
                .dependOnClassesThat()
                .haveFullyQualifiedName("java.nio.channels.SocketChannel")
                .orShould()
                .dependOnClassesThat()
                .haveFullyQualifiedName("java.nio.channels.ServerSocketChannel")
                .orShould()
                .dependOnClassesThat()
                .haveFullyQualifiedName("java.net.Socket")
                .orShould()
                .dependOnClassesThat()
                .haveFullyQualifiedName("java.net.ServerSocket")
                .because(
                        "the engine and the CLI reach a served pool through the PoolServices SPI;"
                                + " the control socket lives in server/")
                .check(ENGINE);
    }

    @Test
    void noneOfThemIsEvenOnTheEngineClasspath() {
        for (String c :
                new String[] {
                    "org.apache.kafka.clients.producer.KafkaProducer",
                    "org.apache.flink.streaming.api.environment.StreamExecutionEnvironment",
                    "org.apache.hadoop.fs.FileSystem"
                }) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> Class.forName(c))
                    .as(c)
                    .isInstanceOf(ClassNotFoundException.class);
        }
    }
}
