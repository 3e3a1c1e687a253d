package com.synthscope.udfs.train.segmentation;

import ai.djl.ndarray.NDArray;
import com.synthscope.udfs.nets.SegUNet;
import com.synthscope.udfs.nets.SegUNetConfig;
import com.synthscope.udfs.train.LabelledMicrograph;
import com.synthscope.udfs.train.MetalDam;
import com.synthscope.udfs.train.Pair;
import com.synthscope.udfs.train.Split;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One arm of the segmentation benchmark on MetalDAM (issue #9): train on the train split (real
 * crops, optionally mixed with generated pairs), keep the weights with the best validation mIoU
 * (scored at the training scale), and score them on the test split at full label resolution.
 */
public final class SegmentationBenchmark {

  private SegmentationBenchmark() {}

  /**
   * @param losses loss of every step
   * @param validation validation mIoU by step, in order
   * @param bestStep the step whose weights were scored on the test split
   * @param test test-split confusion at full label resolution
   * @param syntheticPerBatch generated pairs in each batch
   * @param scored confusion of the best weights on each extra set of labelled images, in the order
   *     given (empty without any)
   */
  public record Result(
      double[] losses,
      Map<Integer, Double> validation,
      int bestStep,
      double bestValidationMiou,
      ConfusionMatrix test,
      long parameters,
      int syntheticPerBatch,
      double seconds,
      List<ConfusionMatrix> scored) {}

  public static Result run(
      Path metalDam,
      List<Pair> synthetic,
      SegmentationRecipe recipe,
      SegUNetConfig net,
      PrintStream progress)
      throws IOException {
    return run(metalDam, synthetic, recipe, net, List.of(), progress);
  }

  /**
   * As {@link #run(Path, List, SegmentationRecipe, SegUNetConfig, PrintStream)}, and the selected
   * weights also segment each set of {@code scored} (labelled images at the training scale, e.g.
   * generated pairs, scored against their own labels, each image as it is: no context around it):
   * PF-DiffSeg's image-mask agreement.
   */
  public static Result run(
      Path metalDam,
      List<Pair> synthetic,
      SegmentationRecipe recipe,
      SegUNetConfig net,
      List<List<LabelledMicrograph>> scored,
      PrintStream progress)
      throws IOException {
    long started = System.nanoTime();
    List<LabelledMicrograph> train = MetalDam.loadDownscaled(metalDam, Split.TRAIN, recipe.scale());
    List<LabelledMicrograph> validation =
        MetalDam.loadDownscaled(metalDam, Split.VALIDATION, recipe.scale());
    List<LabelledMicrograph> testFull = MetalDam.load(metalDam, Split.TEST);
    List<LabelledMicrograph> testInput = new ArrayList<>();
    for (LabelledMicrograph m : testFull) {
      testInput.add(MetalDam.downscale(m, recipe.scale()));
    }
    SegmentationBatches batches =
        new SegmentationBatches(
            train, synthetic, recipe.size(), recipe.batch(), recipe.syntheticRatio());
    try (SegmentationTrainer trainer = new SegmentationTrainer(recipe, new SegUNet(net), batches)) {
      progress.printf(
          Locale.ROOT,
          "training %,d parameters, %d steps of %d crops %dx%d (%d generated per batch)%n",
          trainer.parameters(),
          recipe.steps(),
          recipe.batch(),
          recipe.size(),
          recipe.size(),
          batches.syntheticPerBatch());
      double[] losses = new double[recipe.steps()];
      Map<Integer, Double> history = new LinkedHashMap<>();
      Map<String, NDArray> best = null;
      int bestStep = 0;
      double bestMiou = Double.NEGATIVE_INFINITY;
      double lossEma = Double.NaN;
      long lastPrint = System.nanoTime();
      for (int s = 0; s < recipe.steps(); s++) {
        losses[s] = trainer.step(s);
        lossEma = Double.isNaN(lossEma) ? losses[s] : 0.98 * lossEma + 0.02 * losses[s];
        int done = s + 1;
        if (done % recipe.evalEvery() == 0 || done == recipe.steps()) {
          double miou = trainer.evaluate(validation, validation).meanIou();
          history.put(done, miou);
          if (miou > bestMiou) {
            bestMiou = miou;
            bestStep = done;
            best =
                trainer
                    .snapshot(); // older snapshots stay in the trainer's memory: a few, each small
          }
          progress.printf(
              Locale.ROOT,
              "step %d/%d  loss %.4f  validation mIoU %.4f (best %.4f at %d)%n",
              done,
              recipe.steps(),
              lossEma,
              miou,
              bestMiou,
              bestStep);
          lastPrint = System.nanoTime();
        } else if (System.nanoTime() - lastPrint > 30e9) {
          lastPrint = System.nanoTime();
          progress.printf(
              Locale.ROOT,
              "step %d/%d  loss %.4f  %.0f s%n",
              done,
              recipe.steps(),
              lossEma,
              (lastPrint - started) / 1e9);
        }
      }
      trainer.restore(best);
      ConfusionMatrix test = trainer.evaluate(testInput, testFull);
      List<ConfusionMatrix> extra = new ArrayList<>();
      for (List<LabelledMicrograph> set : scored) {
        extra.add(trainer.evaluate(set, set));
      }
      return new Result(
          losses,
          history,
          bestStep,
          bestMiou,
          test,
          trainer.parameters(),
          batches.syntheticPerBatch(),
          (System.nanoTime() - started) / 1e9,
          extra);
    }
  }
}
