package com.synthscope.job;

import com.synthscope.job.audit.AuditCommand;
import com.synthscope.job.audit.CalibrateCommand;
import com.synthscope.job.audit.DemoCommand;
import com.synthscope.job.audit.IngestCommand;
import com.synthscope.job.augment.AugmentCommand;
import com.synthscope.job.bench.BenchCommand;
import com.synthscope.job.bench.BenchDataCommand;
import com.synthscope.job.eval.EvalCommand;
import com.synthscope.job.train.TrainCommand;
import com.synthscope.udfs.detect.DetectorCatalog;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of the spark-submit jar and of {@code bin/synthscope}.
 *
 * <p>Exit codes, relied on by schedulers: 0 success, 1 job failure, 2 usage or configuration error.
 */
@Command(
    name = "synthscope",
    mixinStandardHelpOptions = true,
    versionProvider = SynthScopeCli.Version.class,
    description =
        "Spark jobs that audit image archives for AI-generated images and augment micrograph training sets.",
    subcommands = {
      CommandLine.HelpCommand.class,
      IngestCommand.class,
      AuditCommand.class,
      DemoCommand.class,
      CalibrateCommand.class,
      AugmentCommand.class,
      TrainCommand.class,
      EvalCommand.class,
      BenchDataCommand.class,
      BenchCommand.class
    })
public final class SynthScopeCli implements Runnable {

  public static final int EXIT_OK = 0;
  public static final int EXIT_JOB_FAILURE = 1;
  public static final int EXIT_USAGE = 2;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    int code = run(args);
    // Stop Spark before exiting so event logs and output committers finish cleanly.
    org.apache.spark.sql.SparkSession.getDefaultSession()
        .foreach(
            s -> {
              s.stop();
              return null;
            });
    System.exit(code);
  }

  /** Runs the CLI without exiting the JVM. */
  public static int run(String... args) {
    return guarded(new CommandLine(new SynthScopeCli()), args);
  }

  /**
   * Runs the CLI with commands made by {@code factory} (e.g. with another {@link DetectorCatalog}).
   */
  public static int run(
      CommandLine.IFactory factory,
      java.io.PrintWriter out,
      java.io.PrintWriter err,
      String... args) {
    return guarded(new CommandLine(new SynthScopeCli(), factory).setOut(out).setErr(err), args);
  }

  /** Runs the CLI with its output captured, for tests and embedding. */
  public static int run(java.io.PrintWriter out, java.io.PrintWriter err, String... args) {
    return guarded(new CommandLine(new SynthScopeCli()).setOut(out).setErr(err), args);
  }

  /**
   * Runs; whatever escapes the commands' own handler (see {@link CommandBase}) still ends with one
   * line and 1.
   */
  private static int guarded(CommandLine cli, String... args) {
    try {
      return cli.execute(args);
    } catch (Throwable t) {
      String m = t instanceof Error e ? CommandBase.describe(e) : t.toString();
      cli.getErr().println("synthscope: error: " + m.strip().replace('\n', ' '));
      cli.getErr().flush();
      return EXIT_JOB_FAILURE;
    }
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = SynthScopeCli.class.getPackage().getImplementationVersion();
      return new String[] {"synthscope " + (v == null ? "dev" : v)};
    }
  }
}
