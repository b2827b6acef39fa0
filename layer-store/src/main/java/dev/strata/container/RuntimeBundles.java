package dev.strata.container;

import dev.strata.driver.error.FailedPreconditionException;
import dev.strata.driver.error.InvalidArgumentException;
import dev.strata.driver.error.NotFoundException;
import dev.strata.files.AtomicFiles;
import dev.strata.image.ImageId;
import dev.strata.image.ImageStore;
import dev.strata.json.Json;
import dev.strata.volume.McsPair;
import dev.strata.volume.MountSpec;
import dev.strata.volume.SelinuxLabel;
import dev.strata.volume.SelinuxMountLabels;
import dev.strata.volume.VolumeStore;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * OCI runtime bundles of containers, for runc or any runtime that reads the OCI runtime spec: a
 * directory holding {@code config.json}, whose root is the container's root filesystem as {@link
 * ContainerStore#mount} mounts it and whose mounts carry the container's volumes, binds and tmpfs.
 *
 * <pre>{@code
 * Container c = containers.create(Optional.of("web"), "busybox:1", List.of(MountSpec.parseVolume("data:/data")));
 * bundles.write(c, Path.of("/run/bundles/web"), List.of(), false);
 * // runc run -b /run/bundles/web web      ... then, when the runtime is done with it:
 * containers.unmount(c);
 * }</pre>
 *
 * Each {@link #write} is one counted mount of the container, which stays mounted (with its volumes)
 * until a matching {@link ContainerStore#unmount}: the runtime binds the root from it. The process
 * comes from the image config as {@code docker run} takes it: {@code Entrypoint}, then the command
 * given or else {@code Cmd}; {@code Env} (with Docker's {@code PATH} when it has none); {@code
 * WorkingDir}; {@code User} resolved against the container's own {@code /etc/passwd} and {@code
 * /etc/group}.
 *
 * <p>The config stands on its own: its {@code mounts} name every volume, bind and tmpfs, for a
 * runtime that binds only the root. runc binds the root recursively, so the container also sees
 * the binds {@link ContainerStore#mount} made inside it, beneath the config's own (the same
 * sources and flags; a tmpfs of the config is the runtime container's own, fresh).
 */
public final class RuntimeBundles {

  /** The file a runtime reads in a bundle. */
  public static final String CONFIG = "config.json";
  /** The {@code PATH} Docker gives a process whose image sets none. */
  static final String DEFAULT_PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  /** {@code HOST_NAME_MAX}: the kernel refuses longer host names. */
  private static final int MAX_HOSTNAME = 64;

  private final ContainerStore containers;
  private final ImageStore images;
  private final OciMounts mounts;

  public RuntimeBundles(ContainerStore containers, ImageStore images, VolumeStore volumes) {
    this.containers = containers;
    this.images = images;
    this.mounts = new OciMounts(volumes);
  }

  /**
   * Mounts {@code container} and writes {@code dir/config.json} for it, atomically (written aside,
   * fsynced, renamed into place). {@code dir} is created when missing; an existing one must be
   * empty or hold only a previous {@code config.json}, which is replaced.
   *
   * @param command the command to run instead of the image's {@code Cmd} (after its {@code
   *     Entrypoint}); empty for the image's own
   * @param terminal give the process a pseudo-terminal ({@code process.terminal})
   * @return the {@code config.json} written
   * @throws FailedPreconditionException if {@code dir} is not a directory or holds other files, or
   *     the container's image is gone and no command is given
   * @throws InvalidArgumentException if there is nothing to run, or the image's {@code User} names
   *     an account the container does not have
   * @throws dev.strata.driver.error.CorruptException if the image config is unreadable
   */
  public Path write(Container container, Path dir, List<String> command, boolean terminal) throws IOException {
    List<String> given = List.copyOf(command);
    checkDirectory(dir);
    ImageProcess process = process(container, !given.isEmpty());
    List<String> args = process.args(given);
    if (args.isEmpty()) {
      throw new InvalidArgumentException(container.name(), "the image of container " + container.name()
          + " has neither Entrypoint nor Cmd; give the command to run");
    }
    Files.createDirectories(dir);
    Path rootfs = containers.mount(container).toAbsolutePath();
    try {
      String hostname = container.name().length() > MAX_HOSTNAME
          ? container.name().substring(0, MAX_HOSTNAME) : container.name();
      RuntimeSpec spec = new RuntimeSpec(args, env(process.env(), hostname, terminal), cwd(process.workingDir()),
          ProcessUser.resolve(rootfs, process.user()), terminal, rootfs, hostname, mounts.of(container),
          mountLabel(container), OciMounts.rootfsPropagation(container));
      Path config = dir.resolve(CONFIG);
      AtomicFiles.write(config, Json.prettyBytes(spec.json()));
      return config;
    } catch (IOException | RuntimeException e) {
      try {
        containers.unmount(container);
      } catch (IOException | RuntimeException undo) {
        e.addSuppressed(undo);
      }
      throw e;
    }
  }

  private ImageProcess process(Container container, boolean commandGiven) throws IOException {
    Optional<ImageId> image = container.image();
    if (image.isPresent()) {
      try {
        return ImageProcess.parse(images.config(image.get()), "the config of image " + container.imageRef());
      } catch (NotFoundException gone) {
        if (!commandGiven) {
          throw new FailedPreconditionException(container.name(), "the image of container " + container.name()
              + " (" + container.imageRef() + ") is gone; give the command to run", gone);
        }
      }
    } else if (!commandGiven) {
      throw new FailedPreconditionException(container.name(), "container " + container.name()
          + " has lost the record of its image; give the command to run");
    }
    return ImageProcess.NONE;
  }

  /**
   * Docker's defaults ({@code PATH} when the image has none, {@code HOSTNAME}, {@code TERM} with a
   * terminal), then the image's variables; a later one replaces an earlier one of the same name in
   * its place, so a process never sees a name twice (libc's {@code getenv} takes the first).
   */
  static List<String> env(List<String> image, String hostname, boolean terminal) {
    Map<String, String> byName = new LinkedHashMap<>();
    List<String> all = new ArrayList<>();
    if (image.stream().noneMatch(e -> e.startsWith("PATH="))) {
      all.add(DEFAULT_PATH);
    }
    all.add("HOSTNAME=" + hostname);
    if (terminal) {
      all.add("TERM=xterm");
    }
    all.addAll(image);
    for (String variable : all) {
      int eq = variable.indexOf('=');
      byName.put(eq < 0 ? variable : variable.substring(0, eq), variable);
    }
    return List.copyOf(byName.values());
  }

  /** Docker's rule: no {@code WorkingDir} is {@code /}, a relative one is taken from {@code /}. */
  private static String cwd(String workingDir) {
    return workingDir.isEmpty() ? "/" : workingDir.startsWith("/") ? workingDir : "/" + workingDir;
  }

  private static Optional<String> mountLabel(Container container) throws IOException {
    SelinuxMountLabels labels = new SelinuxMountLabels(SelinuxLabel.CONTAINER_FILE);
    if (container.mountLabel().isPresent()) {
      return Optional.of(labels.privateTo(McsPair.parse(container.mountLabel().get())).toString());
    }
    boolean shared = container.mounts().stream().anyMatch(m -> m.relabel() == MountSpec.Relabel.SHARED);
    return shared ? Optional.of(labels.shared().toString()) : Optional.empty();
  }

  private static void checkDirectory(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    if (!Files.isDirectory(dir)) {
      throw new FailedPreconditionException(dir.toString(), "bundle directory " + dir + " exists and is not a directory");
    }
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path entry : entries) {
        String name = entry.getFileName().toString();
        // A previous config.json is replaced; a temporary a crashed write left is swept by the next.
        if (!name.equals(CONFIG) && !name.startsWith(AtomicFiles.TEMP_PREFIX + CONFIG)) {
          throw new FailedPreconditionException(dir.toString(), "bundle directory " + dir + " holds " + name
              + "; give a new or empty directory (only a previous " + CONFIG + " may be there)");
        }
      }
    }
    AtomicFiles.sweep(dir);
  }
}
