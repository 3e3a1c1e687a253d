package com.synthscope.udfs.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslatorContext;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Moves whole batches between plain Java tensors and the engine.
 *
 * <p>Two things keep native memory flat over thousands of batches. DJL gives every prediction its
 * own NDManager (the TranslatorContext's) and closes it when the prediction ends: all arrays are
 * made there and results are copied out before returning. And inputs are staged in one direct
 * buffer per thread and input, reused batch after batch: both engines wrap a direct buffer without
 * copying, whereas {@code create(float[])} would allocate a new direct buffer per batch that only a
 * garbage collection frees, and a heap with little garbage rarely collects (measured: +250 MB of
 * resident memory over 4000 small ONNX batches).
 */
final class TensorTranslator implements NoBatchifyTranslator<List<Tensor>, List<Tensor>> {

  private final ModelManifest manifest;
  private final ThreadLocal<ByteBuffer[]> staging;

  TensorTranslator(ModelManifest manifest) {
    this.manifest = manifest;
    this.staging = ThreadLocal.withInitial(() -> new ByteBuffer[manifest.inputs().size()]);
  }

  @Override
  public NDList processInput(TranslatorContext ctx, List<Tensor> inputs) {
    NDManager manager = ctx.getNDManager();
    NDList list = new NDList(inputs.size());
    for (int i = 0; i < inputs.size(); i++) {
      Tensor t = inputs.get(i);
      TensorSpec spec = manifest.inputs().get(i);
      boolean int64 = spec.dtype().equals("int64");
      ByteBuffer buffer = stagingBuffer(i, t.data().length * (int64 ? Long.BYTES : Float.BYTES));
      if (int64) {
        LongBuffer longs = buffer.asLongBuffer();
        for (float v : t.data()) {
          longs.put(Math.round(v));
        }
      } else {
        buffer.asFloatBuffer().put(t.data());
      }
      NDArray array =
          manager.create(buffer, new Shape(t.shape()), int64 ? DataType.INT64 : DataType.FLOAT32);
      array.setName(spec.name());
      list.add(array);
    }
    return list;
  }

  /**
   * This thread's direct buffer for input {@code index}, grown when a larger batch comes, limited
   * to its bytes.
   */
  private ByteBuffer stagingBuffer(int index, int bytes) {
    ByteBuffer[] buffers = staging.get();
    ByteBuffer b = buffers[index];
    if (b == null || b.capacity() < bytes) {
      b = ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder());
      buffers[index] = b;
    }
    b.clear().limit(bytes);
    return b.slice().order(ByteOrder.nativeOrder());
  }

  @Override
  public List<Tensor> processOutput(TranslatorContext ctx, NDList list) {
    List<Tensor> out = new ArrayList<>(list.size());
    for (NDArray a : list) {
      NDArray f = a.getDataType() == DataType.FLOAT32 ? a : a.toType(DataType.FLOAT32, false);
      out.add(
          new Tensor(
              Arrays.copyOf(f.getShape().getShape(), f.getShape().dimension()), f.toFloatArray()));
    }
    return out;
  }
}
