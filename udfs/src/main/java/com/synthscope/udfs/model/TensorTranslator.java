package com.synthscope.udfs.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslatorContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Moves whole batches between plain Java tensors and the engine.
 *
 * <p>DJL gives every prediction its own NDManager (the TranslatorContext's) and closes it when the prediction ends;
 * creating all arrays there and copying results out before returning is what keeps native memory flat over
 * thousands of batches.
 */
final class TensorTranslator implements NoBatchifyTranslator<List<Tensor>, List<Tensor>> {

  private final ModelManifest manifest;

  TensorTranslator(ModelManifest manifest) {
    this.manifest = manifest;
  }

  @Override
  public NDList processInput(TranslatorContext ctx, List<Tensor> inputs) {
    NDManager manager = ctx.getNDManager();
    NDList list = new NDList(inputs.size());
    for (int i = 0; i < inputs.size(); i++) {
      Tensor t = inputs.get(i);
      TensorSpec spec = manifest.inputs().get(i);
      NDArray array;
      if (spec.dtype().equals("int64")) {
        long[] values = new long[t.data().length];
        for (int j = 0; j < values.length; j++) {
          values[j] = Math.round(t.data()[j]);
        }
        array = manager.create(values, new Shape(t.shape()));
      } else {
        array = manager.create(t.data(), new Shape(t.shape()));
      }
      array.setName(spec.name());
      list.add(array);
    }
    return list;
  }

  @Override
  public List<Tensor> processOutput(TranslatorContext ctx, NDList list) {
    List<Tensor> out = new ArrayList<>(list.size());
    for (NDArray a : list) {
      NDArray f = a.getDataType() == DataType.FLOAT32 ? a : a.toType(DataType.FLOAT32, false);
      out.add(new Tensor(Arrays.copyOf(f.getShape().getShape(), f.getShape().dimension()), f.toFloatArray()));
    }
    return out;
  }
}
