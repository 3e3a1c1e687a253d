package com.synthscope.udfs.bench;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Convolution;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import com.synthscope.udfs.model.FetchedModel;
import com.synthscope.udfs.model.LoadedModel;
import com.synthscope.udfs.model.ModelFormat;
import com.synthscope.udfs.model.ModelManifest;
import com.synthscope.udfs.model.TensorSpec;
import com.synthscope.udfs.nets.AttentionBlock;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Counts the multiply-accumulates of a DJL Block-API network honestly: the block is initialised at
 * the actual input shapes, one forward pass runs on zeros through a {@link ParameterStore} that
 * records which parameters were read and how often, and the block tree is walked. Only layers whose
 * weights the pass read count (a network may hold layers a role never runs, e.g. the UNet's decoder
 * in NS-Net's encoder role), as many times as they ran.
 *
 * <p>Counted: {@code Conv2d} (any convolution leaf: output elements x input channels / groups x
 * kernel area), {@code Linear} (output elements x input features) and the two matrix products of
 * {@link AttentionBlock} (2 C (HW)^2). Not counted: normalisation, activations, pooling, additions,
 * softmax, resizing and everything outside the network (decoding, pre-processing, patch selection).
 */
public final class FlopCounter {

  private FlopCounter() {}

  /**
   * Per sample: the counts of one forward pass at these shapes (batch first) divided by the batch
   * size.
   */
  public static FlopCount count(Block block, Shape... inputShapes) {
    try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
      block.initialize(manager, DataType.FLOAT32, inputShapes);
      Recording store = new Recording(manager);
      NDList inputs = new NDList();
      for (Shape s : inputShapes) {
        inputs.add(manager.zeros(s));
      }
      block.forward(store, inputs, false).close();
      long batch = inputShapes[0].get(0);
      long[] macs = new long[3];
      walk(block, store.uses, macs);
      return new FlopCount(macs[0] / batch, macs[1] / batch, macs[2] / batch);
    }
  }

  /**
   * Per sample for a djl-params artifact: a fresh network of the manifest's block and arguments
   * (its weights do not change the count), at the manifest's input shapes with batch 1.
   */
  public static FlopCount count(FetchedModel fetched) {
    ModelManifest m = fetched.manifest();
    if (m.formatType() != ModelFormat.DJL_PARAMS) {
      throw new IllegalArgumentException(
          "FLOPs are counted for djl-params models only; " + m.id() + " is " + m.format());
    }
    Shape[] shapes = new Shape[m.inputs().size()];
    for (int i = 0; i < shapes.length; i++) {
      TensorSpec spec = m.inputs().get(i);
      if (spec.shape().stream().anyMatch(d -> d < 0)) {
        throw new IllegalArgumentException(
            "input "
                + spec.name()
                + " of "
                + m.id()
                + " has a free size "
                + spec.shape()
                + ": no single count");
      }
      long[] dims = new long[spec.shape().size() + 1];
      dims[0] = 1;
      for (int d = 0; d < spec.shape().size(); d++) {
        dims[d + 1] = spec.shape().get(d);
      }
      shapes[i] = new Shape(dims);
    }
    try (Model model = Model.newInstance(m.id(), Device.cpu(), m.engineType().djlName())) {
      Block block =
          LoadedModel.newBlockFactory(fetched.ref().displayName(), m.block())
              .newBlock(model, fetched.folder(), m.arguments());
      return count(block, shapes);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot build the network of " + m.id(), e);
    }
  }

  private static void walk(Block block, Map<Parameter, Integer> uses, long[] macs) {
    if (block instanceof Convolution conv) {
      int runs = uses.getOrDefault(conv.getParameters().get("weight"), 0);
      Shape in = conv.getInputShapes()[0];
      Shape out = conv.getOutputShapes(new Shape[] {in})[0];
      long perOutput = in.get(1) / conv.getGroups() * conv.getKernelShape().size();
      macs[0] += runs * out.size() * perOutput;
      return;
    }
    if (block instanceof Linear linear) {
      int runs = uses.getOrDefault(linear.getParameters().get("weight"), 0);
      Shape in = linear.getInputShapes()[0];
      Shape out = linear.getOutputShapes(new Shape[] {in})[0];
      macs[1] += runs * out.size() * in.get(in.dimension() - 1);
      return;
    }
    if (block instanceof AttentionBlock) {
      int runs = 0;
      for (Parameter p : block.getParameters().values()) {
        runs = Math.max(runs, uses.getOrDefault(p, 0));
      }
      Shape x = block.getInputShapes()[0]; // (N, C, H, W)
      long hw = x.get(2) * x.get(3);
      macs[2] += runs * 2L * x.get(0) * x.get(1) * hw * hw;
    }
    for (Block child : block.getChildren().values()) {
      walk(child, uses, macs);
    }
  }

  /** A parameter store that counts how often each parameter is read. */
  private static final class Recording extends ParameterStore {
    final Map<Parameter, Integer> uses = new IdentityHashMap<>();

    Recording(NDManager manager) {
      super(manager, false);
    }

    @Override
    public NDArray getValue(Parameter parameter, Device device, boolean training) {
      uses.merge(parameter, 1, Integer::sum);
      return super.getValue(parameter, device, training);
    }
  }
}
