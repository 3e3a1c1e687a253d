package com.synthscope.job.bench;

import com.synthscope.job.CommandBase;
import com.synthscope.job.ConfigurationException;
import com.synthscope.job.SynthScopeCli;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code synthscope bench-data archive}: a synthetic image lake for the nightly benchmark
 * (docs/nightly.md). Night 1: {@code --out DIR --files N} writes N distinct small PNGs (seeded RGB
 * noise, a few KB each) into nested folders {@code YYYY/MM/DD/cam-K/}. Night 2: {@code --grow DIR}
 * adds new files (in new day folders), rewrites some with new bytes (same path) and renames some,
 * as an archive changes between two nights.
 */
@Command(
    name = "archive",
    mixinStandardHelpOptions = true,
    description = {
      "Build (--out) or grow (--grow) a synthetic archive of distinct small PNGs in nested folders,",
      "for the nightly audit benchmark (docs/nightly.md)."
    })
public final class BenchDataArchiveCommand extends CommandBase {

  static final class Target {
    @Option(
        names = "--out",
        required = true,
        paramLabel = "DIR",
        description = "New archive folder (must not exist).")
    Path out;

    @Option(
        names = "--grow",
        required = true,
        paramLabel = "DIR",
        description = "Existing archive to change as a night would.")
    Path grow;
  }

  @ArgGroup(exclusive = true, multiplicity = "1")
  Target target;

  @Option(
      names = "--files",
      defaultValue = "100000",
      paramLabel = "N",
      description = "Files of a new archive (default: ${DEFAULT-VALUE}).")
  int files;

  @Option(
      names = "--side",
      defaultValue = "32",
      paramLabel = "PX",
      description = "Image side in pixels (default: ${DEFAULT-VALUE}).")
  int side;

  @Option(
      names = "--per-folder",
      defaultValue = "500",
      paramLabel = "N",
      description = "Files per leaf folder (default: ${DEFAULT-VALUE}).")
  int perFolder;

  @Option(
      names = "--new",
      defaultValue = "0.01",
      paramLabel = "FRACTION",
      description = "--grow: new files, as a fraction of the archive (default: ${DEFAULT-VALUE}).")
  double newFraction;

  @Option(
      names = "--changed",
      defaultValue = "0.001",
      paramLabel = "FRACTION",
      description = "--grow: files rewritten with new bytes (default: ${DEFAULT-VALUE}).")
  double changedFraction;

  @Option(
      names = "--renamed",
      defaultValue = "0.001",
      paramLabel = "FRACTION",
      description = "--grow: files renamed (default: ${DEFAULT-VALUE}).")
  double renamedFraction;

  @Option(names = "--seed", defaultValue = "1", description = "Seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Override
  protected void validate() {
    if (files < 1 || side < 8 || perFolder < 1) {
      throw new ConfigurationException("--files and --per-folder must be >= 1, --side >= 8");
    }
    for (double f : new double[] {newFraction, changedFraction, renamedFraction}) {
      if (!(f >= 0 && f <= 1)) {
        throw new ConfigurationException("--new, --changed and --renamed are fractions in [0, 1]");
      }
    }
  }

  @Override
  protected int execute() throws Exception {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("command", "bench-data archive");
    if (target.out != null) {
      if (Files.exists(target.out)) {
        throw new ConfigurationException("--out " + target.out + " exists; choose a new folder");
      }
      long bytes = 0;
      for (int i = 0; i < files; i++) {
        bytes += write(target.out.resolve(folder(i)).resolve("img-" + i + ".png"), i, seed);
      }
      out().printf("wrote %d PNGs (%d bytes) under %s%n", files, bytes, target.out);
      json.put("files", files);
      json.put("bytes", bytes);
    } else {
      List<Path> all;
      try (Stream<Path> walk = Files.walk(target.grow)) {
        all =
            new ArrayList<>(
                walk.filter(p -> p.getFileName().toString().endsWith(".png")).sorted().toList());
      }
      if (all.isEmpty()) {
        throw new ConfigurationException("--grow " + target.grow + " holds no PNG");
      }
      int n = all.size();
      SplittableRandom rng = new SplittableRandom(seed + n);
      int added = (int) Math.round(n * newFraction);
      int changed = (int) Math.round(n * changedFraction);
      int renamed = (int) Math.round(n * renamedFraction);
      long bytes = 0;
      // new files: numbered after every file there is, in the next day's folders
      int next = n + 1_000_000_000 / 2 + (int) (seed % 1000) * 100_000;
      for (int i = 0; i < added; i++) {
        int id = next + i;
        bytes +=
            write(
                target.grow.resolve("new-" + seed).resolve(folder(i)).resolve("img-" + id + ".png"),
                id,
                seed + 7);
      }
      for (int k = 0; k < changed + renamed; k++) {
        int j = rng.nextInt(all.size());
        Path p = all.remove(j);
        if (k < changed) {
          // new bytes under the same path, a later modification time
          write(p, j, seed + 13 + k);
          Files.setLastModifiedTime(
              p, FileTime.fromMillis(Files.getLastModifiedTime(p).toMillis() + 1000));
        } else {
          Path to = p.resolveSibling("renamed-" + p.getFileName());
          Files.move(p, to, StandardCopyOption.ATOMIC_MOVE);
        }
      }
      out()
          .printf(
              "grew %s: %d new files (%d bytes), %d rewritten, %d renamed%n",
              target.grow, added, bytes, changed, renamed);
      json.put("files_before", n);
      json.put("new", added);
      json.put("new_bytes", bytes);
      json.put("changed", changed);
      json.put("renamed", renamed);
    }
    printJson(json);
    return SynthScopeCli.EXIT_OK;
  }

  /** Nested like a camera archive: year/month/day/camera, {@code perFolder} files each. */
  private String folder(int i) {
    int leaf = i / perFolder;
    int cam = leaf % 4;
    int day = leaf / 4;
    return String.format(
        Locale.ROOT,
        "%04d/%02d/%02d/cam-%d",
        2020 + day / 336,
        1 + (day / 28) % 12,
        1 + day % 28,
        cam);
  }

  /** A PNG of seeded RGB noise: distinct bytes for every (id, seed). */
  private long write(Path file, int id, long salt) throws IOException {
    SplittableRandom r = new SplittableRandom(salt * 1_000_003L + id);
    BufferedImage img = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < side; y++) {
      for (int x = 0; x < side; x++) {
        img.setRGB(x, y, r.nextInt(1 << 24));
      }
    }
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    ImageIO.write(img, "png", buf);
    Files.createDirectories(file.getParent());
    Files.write(file, buf.toByteArray());
    return buf.size();
  }
}
