package com.synthscope.udfs.nets;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * NS-Net's head over frozen features f (METHODS.md 2.3-2.4): standardise {@code s = (f - mean) /
 * scale}, project onto the null space {@code u = P s} (P symmetric; the identity for the ablation
 * without it), then a projection MLP {@code z = W2 relu(W1 u)} (d -> hidden -> hidden) and a
 * classifier {@code logit = w . relu(z)}.
 *
 * <p>Outputs {@code (logit (N, 1), z (N, hidden))}: training takes SupCon on z and BCE on the
 * logit; scoring uses the logit. {@code mean}, {@code scale} and {@code P} are constants of the
 * trained model (no gradient), saved with its weights, so the artifact needs nothing else at
 * inference.
 */
public final class ContrastiveHead extends AbstractBlock {

  private final int dimension;
  private final Parameter mean;
  private final Parameter scale;
  private final Parameter projector;
  private final Linear hidden;
  private final Linear projection;
  private final Linear classifier;

  public ContrastiveHead(int dimension, int hiddenUnits) {
    this.dimension = dimension;
    mean = addParameter(constant("mean", new Shape(1, dimension)));
    scale = addParameter(constant("scale", new Shape(1, dimension)));
    projector = addParameter(constant("projector", new Shape(dimension, dimension)));
    hidden = addChildBlock("hidden", Linear.builder().setUnits(hiddenUnits).build());
    projection = addChildBlock("projection", Linear.builder().setUnits(hiddenUnits).build());
    classifier = addChildBlock("classifier", Linear.builder().setUnits(1).build());
  }

  private static Parameter constant(String name, Shape shape) {
    return Parameter.builder()
        .setName(name)
        .setType(Parameter.Type.RUNNING_MEAN)
        .optRequiresGrad(false)
        .optShape(shape)
        .build();
  }

  public int dimension() {
    return dimension;
  }

  /** Sets the constants after initialisation (training); a loaded model brings its own. */
  public void setConstants(float[] mean, float[] scale, float[] projectorRowMajor) {
    this.mean.getArray().set(mean);
    this.scale.getArray().set(scale);
    this.projector.getArray().set(projectorRowMajor);
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray f = inputs.singletonOrThrow();
    NDArray s =
        f.sub(ps.getValue(mean, f.getDevice(), training))
            .div(ps.getValue(scale, f.getDevice(), training));
    NDArray u =
        s.matMul(ps.getValue(projector, f.getDevice(), training)); // P symmetric: s P = (P s^T)^T
    NDArray z =
        projection
            .forward(
                ps,
                new NDList(
                    Activation.relu(
                        hidden.forward(ps, new NDList(u), training).singletonOrThrow())),
                training)
            .singletonOrThrow();
    NDArray logit =
        classifier.forward(ps, new NDList(Activation.relu(z)), training).singletonOrThrow();
    return new NDList(logit, z);
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    long n = inputShapes[0].get(0);
    hidden.initialize(manager, dataType, new Shape(n, dimension));
    Shape h = hidden.getOutputShapes(new Shape[] {new Shape(n, dimension)})[0];
    projection.initialize(manager, dataType, h);
    classifier.initialize(manager, dataType, h);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    long n = inputShapes[0].get(0);
    Shape h = hidden.getOutputShapes(new Shape[] {new Shape(n, dimension)})[0];
    return new Shape[] {new Shape(n, 1), h};
  }
}
