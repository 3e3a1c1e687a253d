package com.synthscope.job;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.synthscope.udfs.model.ModelException;
import com.synthscope.udfs.spark.FileListing;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.AnalysisException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A subcommand. Maps failures to the exit codes schedulers rely on: 2 for configuration, input and
 * model errors (nothing ran), 1 for a job that failed while running; every failure, JVM {@link
 * Error}s included, ends with one line on standard error.
 */
public abstract class CommandBase implements Callable<Integer> {

  private static final Gson JSON =
      new GsonBuilder().disableHtmlEscaping().serializeSpecialFloatingPointValues().create();

  @Spec protected CommandSpec spec;

  /** Does the work; returns the exit code. */
  protected abstract int execute() throws Exception;

  /** Checks options before anything starts; throw {@link ConfigurationException} to refuse. */
  protected void validate() {}

  @Override
  public final Integer call() {
    try {
      validate();
      return execute();
    } catch (ConfigurationException | ModelException e) {
      return fail(SynthScopeCli.EXIT_USAGE, e.getMessage());
    } catch (AnalysisException e) {
      // e.g. "[PATH_NOT_FOUND] Path does not exist": the input is wrong, not the job.
      return fail(SynthScopeCli.EXIT_USAGE, e.getSimpleMessage());
    } catch (FileListing.InputException e) {
      return fail(SynthScopeCli.EXIT_USAGE, e.getMessage());
    } catch (IOException | UncheckedIOException e) {
      // the filesystem failed (unreachable, timed out, full): its message says what; a trace would
      // bury it
      return fail(SynthScopeCli.EXIT_JOB_FAILURE, "job failed: " + describe(e));
    } catch (Exception e) {
      e.printStackTrace(err());
      return fail(SynthScopeCli.EXIT_JOB_FAILURE, "job failed: " + e);
    } catch (Error e) {
      // StackOverflowError, OutOfMemoryError, Hadoop's FSError ...: still one line and an exit code
      return fail(SynthScopeCli.EXIT_JOB_FAILURE, "job failed: " + describe(e));
    }
  }

  /**
   * A filesystem failure in one line. java.nio's exceptions carry only the path as their message,
   * which alone reads like a success: say what happened to it.
   */
  static String describe(Exception e) {
    Throwable t = e instanceof UncheckedIOException u && u.getCause() != null ? u.getCause() : e;
    if (t instanceof java.nio.file.NoSuchFileException n) {
      return "no such file or folder: " + n.getFile();
    }
    if (t instanceof java.nio.file.AccessDeniedException a) {
      return "permission denied: " + a.getFile();
    }
    if (t instanceof java.nio.file.FileSystemException f && f.getReason() == null) {
      return f.getClass().getSimpleName() + ": " + f.getFile();
    }
    return t.getMessage() != null ? t.getMessage() : t.toString();
  }

  /** A one-line account of a JVM error, with what to do where there is something to do. */
  static String describe(Error e) {
    if (e instanceof StackOverflowError) {
      return "stack overflow ("
          + e
          + "); rerun with a larger stack, e.g. --driver-java-options -Xss64m";
    }
    if (e instanceof OutOfMemoryError) {
      return "out of memory (" + e + "); give the driver more memory, e.g. --driver-memory 8g";
    }
    return e.toString();
  }

  private int fail(int code, String message) {
    err()
        .println(
            "synthscope "
                + spec.qualifiedName(" ").replaceFirst("^synthscope ", "")
                + ": error: "
                + oneLine(message));
    err().flush();
    return code;
  }

  public PrintWriter out() {
    return spec.commandLine().getOut();
  }

  public PrintWriter err() {
    return spec.commandLine().getErr();
  }

  /** Prints the command's metrics as one JSON object on the last line of standard output. */
  public void printJson(Map<String, ?> metrics) {
    out().println(JSON.toJson(metrics));
    out().flush();
  }

  private static String oneLine(String s) {
    String t = s == null ? "unknown error" : s.strip();
    int nl = t.indexOf('\n');
    return nl < 0 ? t : t.substring(0, nl);
  }
}
