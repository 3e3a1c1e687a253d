package com.synthscope.udfs.image;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The parent pom points java.io.tmpdir at target/tmp, which nothing creates; JUnit's @TempDir needs it. */
final class TestDirs {
    private TestDirs() {
    }

    static void ensureTmpDir() {
        try {
            Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
