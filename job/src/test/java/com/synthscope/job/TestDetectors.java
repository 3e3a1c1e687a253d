package com.synthscope.job;

import com.synthscope.job.JobTestSupport.Result;
import com.synthscope.job.audit.AuditCommand;
import com.synthscope.job.audit.DemoCommand;
import com.synthscope.udfs.detect.DetectorCatalog;
import com.synthscope.udfs.detect.ImageDetector;
import com.synthscope.udfs.image.ColorMode;
import com.synthscope.udfs.image.FloatImage;
import com.synthscope.udfs.image.ImageTensors;
import com.synthscope.udfs.image.Resampler;
import com.synthscope.udfs.image.ResizeFilter;
import com.synthscope.udfs.model.ExecutionSettings;
import com.synthscope.udfs.model.LoadedModel;
import com.synthscope.udfs.model.ModelEngine;
import com.synthscope.udfs.model.ModelFormat;
import com.synthscope.udfs.model.ModelPreflight;
import com.synthscope.udfs.model.ModelRef;
import com.synthscope.udfs.model.ModelRegistry;
import com.synthscope.udfs.model.Tensor;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine;

/**
 * Real detectors for testing the audit before DNF and NS-Net ship, under their CLI names: {@code
 * dnf} runs the tiny random-weight ONNX fixture model through the real ONNX Runtime engine (p =
 * softmax of its two logits on the image resized to 8x8); {@code nsnet} is pure Java, p = the
 * image's mean grey level, so tests know which images it flags. {@code --model dnf.classifier=DIR}
 * replaces the fixture folder; {@code --model nsnet.version=V} sets the grey-level "model version"
 * (another version is another model id).
 */
public final class TestDetectors implements DetectorCatalog {

  private final Path onnxFixture;

  /** Copies the ONNX fixture (from the udfs test jar) into {@code dir}. */
  public TestDetectors(Path dir) {
    this.onnxFixture = copyFixture("tiny-onnx", List.of("synthscope-model.json", "tiny.onnx"), dir);
  }

  @Override
  public List<String> names() {
    return List.of("dnf", "nsnet");
  }

  @Override
  public ImageDetector create(String name, java.util.Map<String, String> models) {
    return switch (name) {
      case "dnf" ->
          new OnnxFixtureDetector(
              models.containsKey("classifier")
                  ? Path.of(models.get("classifier")).toAbsolutePath().toUri()
                  : onnxFixture.toUri());
      case "nsnet" -> new GreyLevelDetector(models.getOrDefault("version", "1"));
      default -> throw new ConfigurationException("unknown detector '" + name + "'");
    };
  }

  /** Runs the CLI with this catalog on the shared session, as {@code synthscope ARGS} would. */
  public Result cli(String... args) {
    return JobTestSupport.cli(factory(), args);
  }

  /** A picocli factory that gives audit and demo this catalog. */
  public CommandLine.IFactory factory() {
    DetectorCatalog catalog = this;
    return new CommandLine.IFactory() {
      @Override
      public <K> K create(Class<K> cls) throws Exception {
        if (cls == AuditCommand.class) {
          return cls.cast(new AuditCommand(catalog));
        }
        if (cls == DemoCommand.class) {
          return cls.cast(new DemoCommand(catalog));
        }
        return CommandLine.defaultFactory().create(cls);
      }
    };
  }

  private static Path copyFixture(String name, List<String> files, Path dir) {
    try {
      Path to = Files.createDirectories(dir.resolve(name));
      for (String f : files) {
        try (InputStream in =
            TestDetectors.class.getResourceAsStream("/models/" + name + "/" + f)) {
          if (in == null) {
            throw new IllegalStateException(
                "fixture /models/" + name + "/" + f + " is not on the test classpath");
          }
          Files.copy(in, to.resolve(f), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
      }
      return to;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The ONNX fixture as a detector, through the real model runtime (fetch, verify, cache, load once
   * per JVM).
   */
  static final class OnnxFixtureDetector implements ImageDetector {
    private static final long serialVersionUID = 1L;
    private final ModelRef ref;

    OnnxFixtureDetector(URI folder) {
      this.ref = ModelRef.of(folder, null, ModelFormat.ONNX);
    }

    @Override
    public String name() {
      return "dnf";
    }

    @Override
    public ModelEngine engine() {
      return ModelEngine.ONNX_RUNTIME;
    }

    @Override
    public int batchSize() {
      return 4;
    }

    @Override
    public String preflight(Configuration hadoopConf) {
      return ModelPreflight.check(ref, hadoopConf, List.<long[]>of(new long[] {3, 8, 8})).modelId();
    }

    @Override
    public Scorer open(Configuration hadoopConf, ExecutionSettings settings) {
      LoadedModel model = ModelRegistry.get().model(ref, hadoopConf, settings);
      return images -> {
        List<float[]> x = new ArrayList<>();
        for (BufferedImage img : images) {
          FloatImage f =
              Resampler.resize(
                  ImageTensors.toFloat(img, ColorMode.RGB), 8, 8, ResizeFilter.BILINEAR);
          x.add(f.data());
        }
        Tensor y = model.predict(List.of(Tensor.stack(x, 3, 8, 8))).get(0);
        double[] p = new double[images.size()];
        for (int i = 0; i < p.length; i++) {
          double a = y.data()[2 * i];
          double b = y.data()[2 * i + 1];
          p[i] = 1 / (1 + Math.exp(a - b)); // softmax(a, b)[1]
        }
        return p;
      };
    }
  }

  /** p = mean grey level in [0, 1]. */
  static final class GreyLevelDetector implements ImageDetector {
    private static final long serialVersionUID = 1L;
    private final String version;

    GreyLevelDetector(String version) {
      this.version = version;
    }

    @Override
    public String name() {
      return "nsnet";
    }

    @Override
    public ModelEngine engine() {
      return ModelEngine.PYTORCH;
    }

    @Override
    public int batchSize() {
      return 8;
    }

    @Override
    public String preflight(Configuration hadoopConf) {
      try {
        byte[] d =
            MessageDigest.getInstance("SHA-256")
                .digest(("grey-level " + version).getBytes(StandardCharsets.UTF_8));
        return "grey-level-v" + version + "@" + HexFormat.of().formatHex(d);
      } catch (java.security.NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }

    @Override
    public Scorer open(Configuration hadoopConf, ExecutionSettings settings) {
      return images -> {
        double[] p = new double[images.size()];
        for (int i = 0; i < p.length; i++) {
          float[] g = ImageTensors.toFloat(images.get(i), ColorMode.GREY).data();
          double sum = 0;
          for (float v : g) {
            sum += v;
          }
          p[i] = sum / g.length;
        }
        return p;
      };
    }
  }
}
