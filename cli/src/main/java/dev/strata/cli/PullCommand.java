package dev.strata.cli;

import dev.strata.image.Image;
import dev.strata.image.ImageId;
import dev.strata.image.Reference;
import dev.strata.registry.ImageName;
import dev.strata.registry.LayerProgress;
import dev.strata.registry.Platform;
import dev.strata.registry.PullResult;
import dev.strata.registry.RegistryClient;
import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code strata pull [--platform os/arch[/variant]] REF}: {@code docker pull}. */
@Command(name = "pull", description = "Pull an image from a registry.")
final class PullCommand implements Callable<Integer> {

  @ParentCommand StrataCommand top;
  @Spec CommandSpec spec;
  @Mixin RegistryOptions registries;

  @Option(names = "--platform", paramLabel = "OS/ARCH[/VARIANT]",
      description = "Which image of a multi-platform index (default: linux/amd64).")
  String platform;

  @Parameters(paramLabel = "REF", description = "[HOST[:PORT]/]NAME[:TAG|@DIGEST]; Docker Hub when no host.")
  String ref;

  @Override
  public Integer call() throws Exception {
    ImageName name = ImageName.parse(ref);
    Platform wanted = platform == null ? Platform.LINUX_AMD64 : Platform.parse(platform);
    PrintWriter out = spec.commandLine().getOut();
    out.println(name.tag().orElse(name.reference()) + ": Pulling from " + name.repository());
    out.flush();
    PullResult result;
    Optional<ImageId> before;
    try (Stores stores = top.openStores();
        LayerLines lines = new LayerLines(out, spec.commandLine().getErr(), top.terminal())) {
      before = name.localTag().isPresent()
          ? stores.images.find(name.localTag().get().toString()).map(Image::id) : Optional.empty();
      try (RegistryClient client = RegistryClient.open(
          registries.config().platform(wanted).listener(p -> report(lines, p)).build())) {
        result = client.pull(stores.images, name);
      }
    }
    out.println("Digest: " + result.manifestDigest());
    boolean upToDate = result.downloaded() == 0 && before.equals(Optional.of(result.imageId()));
    out.println("Status: " + (upToDate ? "Image is up to date for " : "Downloaded newer image for ")
        + name.localTag().map(Reference::toString).orElse(ref));
    return ExitCodes.OK;
  }

  private static void report(LayerLines lines, LayerProgress p) {
    String id = LayerLines.shortId(p.digest().hex());
    switch (p.state()) {
      case EXISTS -> lines.done(id, "Already exists");
      case DONE -> lines.done(id, "Pull complete");
      case DOWNLOADING -> lines.moving(id, "Downloading", p.done(), p.total());
      default -> { }
    }
  }
}
