package dev.strata.cli;

import dev.strata.driver.error.AlreadyExistsException;
import dev.strata.driver.error.FailedPreconditionException;
import dev.strata.driver.error.InvalidArgumentException;
import dev.strata.driver.error.NotFoundException;
import dev.strata.image.Image;
import dev.strata.image.ImageStore;
import dev.strata.layer.InitHook;
import dev.strata.layer.LayerStore;
import dev.strata.layer.WriteLayer;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The containers of a root: each a write layer in the {@link LayerStore} (which owns the files)
 * plus a {@link ContainerRecord} (which image, how many mounts). The write layer is created
 * before the record and removed before it, so a crash can leave a write layer without a record
 * (shown with an unknown image, removable with {@code rm}) or a record without a write layer
 * (swept when the root is opened), never a record pointing at nothing that survives.
 */
final class Containers {

  private static final System.Logger LOG = System.getLogger(Containers.class.getName());
  /** Docker's rule for container names; checked before a name touches a path. */
  private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]{1,127}");

  private final LayerStore layers;
  private final ImageStore images;
  private final ContainerFiles files;
  private final ContainerNames names;
  private final Clock clock;

  private Containers(LayerStore layers, ImageStore images, ContainerFiles files, ContainerNames names, Clock clock) {
    this.layers = layers;
    this.images = images;
    this.files = files;
    this.names = names;
    this.clock = clock;
  }

  /** Opens {@code <root>/containers}, sweeping what a crash left. */
  static Containers open(Path root, LayerStore layers, ImageStore images) throws IOException {
    Path dir = Files.createDirectories(root.resolve("containers"));
    ContainerFiles files = new ContainerFiles(dir);
    files.sweep();
    Containers containers = new Containers(layers, images, files, new ContainerNames(new SecureRandom()),
        Clock.systemUTC());
    for (String name : files.names()) {
      if (NAME.matcher(name).matches() && layers.writeLayer(name).isEmpty()) {
        LOG.log(Level.INFO, "removing the record of container {0}: its write layer is gone (interrupted rm)", name);
        files.delete(name);
      }
    }
    return containers;
  }

  /**
   * Creates a container on the image {@code imageRef} names: a write layer on its top layer, with
   * Docker's init layer beneath.
   *
   * @param name the container's name, or empty to generate one
   * @throws InvalidArgumentException if the name breaks Docker's rule
   * @throws AlreadyExistsException if the name is taken
   * @throws NotFoundException if no image is called {@code imageRef}
   */
  ContainerRecord create(Optional<String> name, String imageRef) throws IOException {
    if (name.isPresent()) {
      check(name.get());
    }
    Image image = images.get(imageRef);
    String chosen = name.isPresent() ? name.get() : generateName();
    if (files.read(chosen).isPresent()) {
      throw new AlreadyExistsException(chosen, "a container named '" + chosen + "' already exists; pick another --name");
    }
    layers.createWriteLayer(chosen, image.top(), InitHook.dockerLike(), Map.of());
    ContainerRecord record = new ContainerRecord(chosen, Optional.of(image.id()), imageRef, clock.instant());
    try {
      files.write(record);
    } catch (IOException | RuntimeException e) {
      try {
        layers.removeWriteLayer(chosen);
      } catch (IOException | RuntimeException undo) {
        e.addSuppressed(undo);
      }
      throw e;
    }
    return record;
  }

  /**
   * The container called {@code name}.
   *
   * @throws InvalidArgumentException if the name breaks Docker's rule
   * @throws NotFoundException if there is no such container
   */
  ContainerRecord get(String name) throws IOException {
    check(name);
    if (layers.writeLayer(name).isEmpty()) {
      throw new NotFoundException(name, "no such container: " + name + " (see `strata ps`)");
    }
    return files.read(name).orElseGet(() -> new ContainerRecord(name, Optional.empty(), "", Instant.EPOCH));
  }

  /** The write layer under a container that {@link #get} found. */
  WriteLayer writeLayer(ContainerRecord container) throws IOException {
    return layers.writeLayer(container.name()).orElseThrow(() ->
        new NotFoundException(container.name(), "no such container: " + container.name()));
  }

  /** Every container, by name. */
  List<ContainerRecord> list() throws IOException {
    List<ContainerRecord> all = new ArrayList<>();
    for (WriteLayer w : layers.writeLayers()) {
      all.add(get(w.container()));
    }
    all.sort((a, b) -> a.name().compareTo(b.name()));
    return all;
  }

  /**
   * Mounts the container's root filesystem. The layer store persists the count, so the mount
   * outlives this process until a matching {@code strata umount}.
   */
  Path mount(ContainerRecord container) throws IOException {
    return layers.mount(container.name());
  }

  /** Outstanding mounts of the container's root filesystem. */
  int mounts(ContainerRecord container) throws IOException {
    return layers.mountCount(container.name());
  }

  /**
   * Drops one outstanding mount.
   *
   * @throws FailedPreconditionException if the container is not mounted
   */
  void unmount(ContainerRecord container) throws IOException {
    layers.unmount(container.name());
  }

  /**
   * Removes the container's write layer and record.
   *
   * @param force unmount a mounted container first
   * @throws FailedPreconditionException if it is mounted and not forced
   */
  void remove(ContainerRecord container, boolean force) throws IOException {
    int mounts = layers.writeLayer(container.name()).isPresent() ? layers.mountCount(container.name()) : 0;
    if (mounts > 0 && !force) {
      throw new FailedPreconditionException(container.name(), "container " + container.name() + " is mounted "
          + mounts + " time(s); `strata umount " + container.name() + "` first, or rm -f");
    }
    for (int i = 0; i < mounts; i++) {
      layers.unmount(container.name());
    }
    layers.removeWriteLayer(container.name());
    files.delete(container.name());
  }

  /** True when the container exists (the name is valid and has a write layer). */
  boolean exists(String name) throws IOException {
    return NAME.matcher(name).matches() && layers.writeLayer(name).isPresent();
  }

  private String generateName() throws IOException {
    for (int attempt = 0; attempt < 100; attempt++) {
      String candidate = names.next();
      if (!exists(candidate) && files.read(candidate).isEmpty()) {
        return candidate;
      }
    }
    throw new AlreadyExistsException("name", "could not find a free container name; pass --name");
  }

  static void check(String name) throws InvalidArgumentException {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new InvalidArgumentException(String.valueOf(name), "invalid container name '" + name
          + "': only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed, 2 to 128 characters");
    }
  }
}
