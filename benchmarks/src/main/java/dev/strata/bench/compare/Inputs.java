package dev.strata.bench.compare;

import dev.strata.bench.fixture.StackArchives;
import dev.strata.bench.fixture.LayerTars;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Makes (or finds, cached) every input of {@code compare.sh} and prints one {@code name=path} line
 * each, so that the script and {@link Compare} read the very same files:
 *
 * <pre>
 * java -cp ... dev.strata.bench.compare.Inputs LAYERS FILES_PER_LAYER
 * small=... small_gz=... big=... big_gz=... archive=... stack.0=... stack.1=...
 * </pre>
 */
public final class Inputs {

  private Inputs() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      System.err.println("usage: Inputs LAYERS FILES_PER_LAYER   (the docker-archive's shape)");
      System.exit(2);
    }
    int layers = Integer.parseInt(args[0]);
    int filesPerLayer = Integer.parseInt(args[1]);
    LayerTars tars = LayerTars.standard();
    Path small = tars.smallFiles(LayerTars.SMALL_FILES);
    print("small", small);
    print("small_gz", tars.gzip(small));
    Path big = tars.oneGib();
    print("big", big);
    print("big_gz", tars.gzip(big));
    print("archive", new StackArchives(tars).stack(layers, filesPerLayer));
    print("archive_tag", StackArchives.TAG);
    for (int i = 0; i < layers; i++) {
      print("stack." + i, tars.stackLayer(i, filesPerLayer));
    }
  }

  private static void print(String name, Object value) {
    System.out.println(name + "=" + value);
  }
}
