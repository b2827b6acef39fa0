package dev.strata.interop;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.InspectImageResponse;
import com.github.dockerjava.api.command.PullImageResultCallback;
import com.github.dockerjava.api.command.WaitContainerResultCallback;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.ChangeLog;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.PullResponseItem;
import com.github.dockerjava.api.model.PushResponseItem;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.images.builder.ImageFromDockerfile;

/**
 * The Docker engine as one test class uses it: builds images from the static busybox, saves, loads,
 * exports and diffs, tags, pushes and pulls, and remembers every image and container it made so
 * that {@link #close()} removes them all (Ryuk, which would, cannot be pulled here).
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
    return build(repository, dockerfile, Map.of());
  }

  /** As {@link #build(String, String)}, with more files (name to content) in the build context. */
  String build(String repository, String dockerfile, Map<String, String> files) {
    String tag = "strata-interop/" + repository + ":" + UUID.randomUUID().toString().substring(0, 12);
    images.add(tag);
    ImageFromDockerfile image = new ImageFromDockerfile(tag, false)
        .withFileFromString("Dockerfile", dockerfile)
        .withFileFromPath("busybox", BUSYBOX);
    files.forEach(image::withFileFromString);
    return image.get();
  }

  /** The major version of the engine: 20 for Debian's 20.10.24, 23 for 23.0. */
  int majorVersion() {
    String version = client.versionCmd().exec().getVersion();
    return Integer.parseInt(version.substring(0, version.indexOf('.')));
  }

  /** {@code docker tag image repository:tag}. */
  void tag(String image, String repository, String tag) {
    images.add(repository + ":" + tag);
    client.tagImageCmd(image, repository, tag).exec();
  }

  /** {@code docker push repository:tag}; fails on the first error the engine reports. */
  void push(String repository, String tag) throws InterruptedException {
    List<String> errors = new ArrayList<>();
    client.pushImageCmd(repository).withTag(tag).exec(new ResultCallback.Adapter<PushResponseItem>() {
      @Override
      public void onNext(PushResponseItem item) {
        if (item.isErrorIndicated()) {
          errors.add(item.getError());
        }
      }
    }).awaitCompletion();
    if (!errors.isEmpty()) {
      throw new IllegalStateException("docker push " + repository + ":" + tag + " failed: " + errors);
    }
  }

  /**
   * {@code docker pull repository:tag}; returns the ids of the layers the engine downloaded and
   * extracted ("Pull complete"), not those it already had ("Already exists").
   */
  Set<String> pull(String repository, String tag) throws InterruptedException {
    images.add(repository + ":" + tag);
    Set<String> pulled = new LinkedHashSet<>();
    client.pullImageCmd(repository).withTag(tag).exec(new PullImageResultCallback() {
      @Override
      public void onNext(PullResponseItem item) {
        if ("Pull complete".equals(item.getStatus())) {
          pulled.add(item.getId());
        }
        super.onNext(item);
      }
    }).awaitCompletion();
    return pulled;
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
  ComparableRootfs exportTree(String image) throws IOException {
    // Never started: the command only has to exist, as an image from scratch names none.
    return exportContainer(create(image, "/bin/sh"));
  }

  /** Extracts what {@code docker export} shows of a container made from {@code image} into {@code dir}, byte for byte. */
  void exportInto(String image, Path dir) throws IOException {
    try (InputStream in = client.copyArchiveFromContainerCmd(create(image, "/bin/sh"), "/").exec()) {
      ByteTrees.extract(in, dir);
    }
  }

  ComparableRootfs exportContainer(String container) throws IOException {
    try (InputStream in = client.copyArchiveFromContainerCmd(container, "/").exec()) {
      return ComparableRootfs.fromTar(in);
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
