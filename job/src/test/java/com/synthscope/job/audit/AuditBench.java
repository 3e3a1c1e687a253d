package com.synthscope.job.audit;

import com.synthscope.job.SynthScopeCli;
import com.synthscope.job.TestDetectors;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Runs {@code synthscope audit} with the test detectors ({@link TestDetectors}: the ONNX fixture as
 * {@code dnf}, the grey level as {@code nsnet}) on a folder, to measure the job's own stages (read,
 * hash, decode, write, report) before the real detectors ship. Arguments: the audit's arguments
 * (without {@code audit}).
 *
 * <pre>
 * mvn -o -pl udfs,job test-compile dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt -Dmdep.includeScope=test
 * java -Xmx4g $(the parent pom's synthscope.jvm.flags) \
 *   -cp job/target/test-classes:job/target/classes:udfs/target/classes:udfs/target/test-classes:$(cat /tmp/cp.txt) \
 *   com.synthscope.job.AuditBench --input /tmp/md420 --output /tmp/audit420 --master 'local[2]'
 * </pre>
 *
 * With the real detectors, run {@code com.synthscope.job.SynthScopeCli audit ...} on the same
 * classpath, or {@code bin/synthscope audit ...}.
 */
public final class AuditBench {

  private AuditBench() {}

  public static void main(String[] args) throws Exception {
    Path fixtures = Files.createTempDirectory("audit-bench-models");
    String[] all = new String[args.length + 1];
    all[0] = "audit";
    System.arraycopy(args, 0, all, 1, args.length);
    PrintWriter out = new PrintWriter(System.out, true);
    int code =
        SynthScopeCli.run(
            new TestDetectors(fixtures).factory(), out, new PrintWriter(System.err, true), all);
    org.apache.spark.sql.SparkSession.getDefaultSession()
        .foreach(
            s -> {
              s.stop();
              return null;
            });
    System.exit(code);
  }
}
