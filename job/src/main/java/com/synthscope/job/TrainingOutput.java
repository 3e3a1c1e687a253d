package com.synthscope.job;

import com.synthscope.udfs.train.DiffusionRecipe;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Progress and the closing lines of the training commands. */
public final class TrainingOutput {

  private TrainingOutput() {}

  public static PrintStream of(PrintWriter out) {
    return new PrintStream(new WriterStream(out), true, StandardCharsets.UTF_8);
  }

  public static int finish(
      CommandBase command, String name, Path artifact, DiffusionRecipe recipe, long startedNanos) {
    command.out().println("model artifact: " + artifact);
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("command", name);
    json.put("artifact", artifact.toString());
    json.put("steps", recipe.steps());
    json.put("seconds", Math.round((System.nanoTime() - startedNanos) / 1e9));
    command.printJson(json);
    return SynthScopeCli.EXIT_OK;
  }
}
