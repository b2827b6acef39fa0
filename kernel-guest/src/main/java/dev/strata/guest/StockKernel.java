package dev.strata.guest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A distribution kernel installed beside the running one ({@code /boot/vmlinuz-RELEASE} with its
 * modules under {@code /lib/modules/RELEASE}), to boot in the guest. Debian's
 * {@code linux-image-cloud-amd64} is the one this is made for: small, with virtiofs as a module.
 */
record StockKernel(String release, Path image, Path modules) {

  static final String PACKAGE = "linux-image-cloud-amd64";

  /**
   * The newest kernel under {@code boot} that has a virtiofs module, preferring a cloud flavour.
   *
   * @throws IOException naming the package to install when there is none
   */
  static StockKernel find(Path boot, Path modulesRoot) throws IOException {
    List<StockKernel> usable = new ArrayList<>();
    if (Files.isDirectory(boot)) {
      try (Stream<Path> files = Files.list(boot)) {
        for (Path image : files.toList()) {
          String name = image.getFileName().toString();
          if (name.startsWith("vmlinuz-")) {
            StockKernel k = new StockKernel(name.substring("vmlinuz-".length()), image,
                modulesRoot.resolve(name.substring("vmlinuz-".length())));
            if (k.modulePath("virtiofs").isPresent()) {
              usable.add(k);
            }
          }
        }
      }
    }
    return usable.stream()
        .max(Comparator.comparing((StockKernel k) -> k.release().endsWith("-cloud-amd64"))
            .thenComparing(k -> lastModified(k.image())))
        .orElseThrow(() -> new NoSuchFileException(boot.toString(), null, "no kernel with a virtiofs module"
            + " to boot in the guest; install it: apt-get install --no-install-recommends " + PACKAGE));
  }

  /** The module files to load, in order, skipping those built into the kernel. */
  List<Path> moduleFiles(List<String> names) throws IOException {
    List<Path> files = new ArrayList<>();
    Set<String> builtin = builtin();
    for (String name : names) {
      Optional<Path> path = modulePath(name);
      if (path.isPresent()) {
        files.add(path.get());
      } else if (!builtin.contains(name)) {
        throw new NoSuchFileException(modules.toString(), null, "kernel " + release + " has no module " + name);
      }
    }
    return files;
  }

  /** A module's file, from {@code modules.dep} (names there use {@code _} or {@code -} alike). */
  Optional<Path> modulePath(String name) throws IOException {
    return Optional.ofNullable(index().get(name.replace('-', '_'))).map(modules::resolve);
  }

  private Map<String, String> index() throws IOException {
    Path dep = modules.resolve("modules.dep");
    Map<String, String> byName = new HashMap<>();
    if (!Files.isRegularFile(dep)) {
      return byName;
    }
    for (String line : Files.readAllLines(dep)) {
      int colon = line.indexOf(':');
      if (colon > 0) {
        String file = line.substring(0, colon);
        byName.put(moduleName(file), file);
      }
    }
    return byName;
  }

  private Set<String> builtin() throws IOException {
    Path list = modules.resolve("modules.builtin");
    Set<String> names = new HashSet<>();
    if (Files.isRegularFile(list)) {
      for (String line : Files.readAllLines(list)) {
        names.add(moduleName(line));
      }
    }
    return names;
  }

  /** {@code kernel/fs/fuse/virtiofs.ko} (or {@code .ko.xz}) names {@code virtiofs}. */
  private static String moduleName(String file) {
    String base = file.substring(file.lastIndexOf('/') + 1);
    int dot = base.indexOf(".ko");
    return (dot < 0 ? base : base.substring(0, dot)).replace('-', '_');
  }

  private static long lastModified(Path p) {
    try {
      return Files.getLastModifiedTime(p).toMillis();
    } catch (IOException e) {
      return 0;
    }
  }
}
