package dev.strata.interop;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectImageResponse;
import com.github.dockerjava.api.command.WaitContainerResultCallback;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.ChangeLog;
import com.github.dockerjava.api.model.HostConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.images.builder.ImageFromDockerfile;

/**
 * The Docker engine as one test class uses it: builds images from the static busybox, saves, loads,
 * exports and diffs, and remembers every image and container it made so that {@link #close()}
 * removes them all (Ryuk, which would, cannot be pulled here).
 */
final class DockerEngine implements AutoCloseable {

  /** The static busybox from Debian's busybox-static; images are {@code FROM scratch} around it. */
  static final Path BUSYBOX = Path.of("/bin/busybox");

  private final DockerClient client;
  private final Set<String> images = new LinkedHashSet<>();
  private final Set<String> containers = new LinkedHashSet<>();

  private DockerEngine(DockerClient client) {
    this.client = client;
  }

  /** Skips the calling test class when no Docker engine answers (CI starts one, so none skip there). */
  static DockerEngine connect() {
    Assumptions.assumeTrue(DockerClientFactory.instance().isDockerAvailable(),
        "no Docker engine answers; start dockerd (see interop-tests/README.md)");
    Assumptions.assumeTrue(Files.isExecutable(BUSYBOX), "needs " + BUSYBOX + " (busybox-static)");
    return new DockerEngine(DockerClientFactory.instance().client());
  }

  DockerClient client() {
    return client;
  }

  /** Builds {@code dockerfile} (which may {@code COPY busybox}) under a unique tag and returns the tag. */
  String build(String repository, String dockerfile) {
    String tag = "strata-interop/" + repository + ":" + UUID.randomUUID().toString().substring(0, 12);
    images.add(tag);
    return new ImageFromDockerfile(tag, false)
        .withFileFromString("Dockerfile", dockerfile)
        .withFileFromPath("busybox", BUSYBOX)
        .get();
  }

  void save(String image, Path tar) throws IOException {
    try (InputStream in = client.saveImageCmd(image).exec()) {
      Files.copy(in, tar);
    }
  }

  void load(Path tar, String expectedTag) throws IOException {
    images.add(expectedTag);
    try (InputStream in = Files.newInputStream(tar)) {
      client.loadImageCmd(in).exec();
    }
  }

  InspectImageResponse inspect(String image) {
    return client.inspectImageCmd(image).exec();
  }

  /** Removes an image now, forcing past its tags, as {@code docker rmi -f}. */
  void removeImage(String image) {
    client.removeImageCmd(image).withForce(true).exec();
  }

  /** A created, never started container of {@code image}, without network. */
  String create(String image, String... command) {
    var create = client.createContainerCmd(image)
        .withHostConfig(HostConfig.newHostConfig().withNetworkMode("none"));
    if (command.length > 0) {
      create.withCmd(command);
    }
    String id = create.exec().getId();
    containers.add(id);
    return id;
  }

  /** Runs {@code sh -c script} in a new container of {@code image} and returns it, stopped. */
  String run(String image, String script) {
    String id = create(image, "/bin/sh", "-c", script);
    client.startContainerCmd(id).exec();
    int status = client.waitContainerCmd(id).exec(new WaitContainerResultCallback()).awaitStatusCode();
    if (status != 0) {
      throw new IllegalStateException("script exited " + status + " in " + image + ": " + script);
    }
    return id;
  }

  /** What {@code docker export} shows of a container made from {@code image}. */
  FileTree exportTree(String image) throws IOException {
    // Never started: the command only has to exist, as an image from scratch names none.
    return exportContainer(create(image, "/bin/sh"));
  }

  FileTree exportContainer(String container) throws IOException {
    try (InputStream in = client.copyArchiveFromContainerCmd(container, "/").exec()) {
      return FileTree.fromTar(in);
    }
  }

  List<ChangeLog> diff(String container) {
    return client.containerDiffCmd(container).exec();
  }

  @Override
  public void close() {
    List<RuntimeException> failures = new ArrayList<>();
    for (String id : containers) {
      try {
        client.removeContainerCmd(id).withForce(true).withRemoveVolumes(true).exec();
      } catch (NotFoundException e) {
        // Already gone: nothing left to clean.
      } catch (RuntimeException e) {
        failures.add(e);
      }
    }
    for (String image : images) {
      try {
        client.removeImageCmd(image).withForce(true).exec();
      } catch (NotFoundException e) {
        // Removed by the test itself (a round trip removes and loads again), or never built.
      } catch (RuntimeException e) {
        failures.add(e);
      }
    }
    containers.clear();
    images.clear();
    if (!failures.isEmpty()) {
      IllegalStateException failure = new IllegalStateException("could not remove what the tests made");
      failures.forEach(failure::addSuppressed);
      throw failure;
    }
  }
}
