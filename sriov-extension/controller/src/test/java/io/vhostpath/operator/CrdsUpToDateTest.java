package io.vhostpath.operator;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The CRDs under samples/deploy/crds are the ones the build generates from the Java types, byte for byte. */
class CrdsUpToDateTest {
    private static final Path GENERATED = Path.of("target/classes/META-INF/fabric8");
    private static final Path COMMITTED = Path.of("../../samples/deploy/crds");

    private static List<String> names(Path dir) throws Exception {
        var out = new ArrayList<String>();
        try (var s = Files.newDirectoryStream(dir, "*.yml")) {
            for (Path p : s) out.add(p.getFileName().toString());
        }
        return out.stream().sorted().toList();
    }

    @Test
    void committed_crds_match_the_generated_ones() throws Exception {
        assertEquals(names(GENERATED), names(COMMITTED), "the set of CRDs; refresh with `make crds`");
        for (String n : names(GENERATED)) {
            assertEquals(Files.readString(GENERATED.resolve(n)), Files.readString(COMMITTED.resolve(n)), n + " is stale: `make crds`");
        }
    }
}
