package dev.strata.cli;

import dev.strata.registry.BlobCompression;
import dev.strata.registry.ImageName;
import dev.strata.registry.PushOptions;
import dev.strata.registry.PushProgress;
import dev.strata.registry.PushResult;
import dev.strata.registry.RegistryClient;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code strata push REF}: {@code docker push} of the local image tagged {@code REF} to the
 * registry and repository {@code REF} names (tag it first with {@code strata tag}).
 */
@Command(name = "push", description = "Push an image to a registry.")
final class PushCommand implements Callable<Integer> {

  /** The compression names users type. */
  enum CompressionName { gzip, zstd }

  @ParentCommand StrataCommand top;
  @Spec CommandSpec spec;
  @Mixin RegistryOptions registries;

  @Option(names = "--compression", paramLabel = "ALGO",
      description = "Layer compression: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}); zstd implies --oci.")
  CompressionName compression = CompressionName.gzip;

  @Option(names = "--oci", description = "Write an OCI image manifest instead of Docker schema 2.")
  boolean oci;

  @Parameters(paramLabel = "REF", description = "A local tag, [HOST[:PORT]/]NAME[:TAG].")
  String ref;

  @Override
  public Integer call() throws Exception {
    ImageName target = ImageName.parse(ref);
    String local = target.localTag().map(Object::toString).orElse(ref);
    PrintWriter out = spec.commandLine().getOut();
    out.println("The push refers to repository [" + target.registry() + "/" + target.repository() + "]");
    out.flush();
    PushOptions options = PushOptions.DEFAULTS.withOci(oci)
        .withCompression(BlobCompression.valueOf(compression.name().toUpperCase(Locale.ROOT)));
    PushResult result;
    try (Stores stores = top.openStores();
        LayerLines lines = new LayerLines(out, spec.commandLine().getErr(), top.terminal());
        RegistryClient client = RegistryClient.open(registries.config().build())) {
      result = client.push(stores.images, local, target, options, p -> report(lines, p));
    }
    out.println(target.tag().orElseThrow() + ": digest: " + result.manifestDigest() + " size: " + result.manifestSize());
    return ExitCodes.OK;
  }

  private static void report(LayerLines lines, PushProgress p) {
    String id = LayerLines.shortId(p.diffId().hex());
    switch (p.state()) {
      case PUSHED -> lines.done(id, "Pushed");
      case EXISTS -> lines.done(id, "Layer already exists");
      case MOUNTED -> lines.done(id, "Mounted");
      case PREPARING -> lines.moving(id, "Preparing", p.done(), p.total());
      case UPLOADING -> lines.moving(id, "Pushing", p.done(), p.total());
      default -> { }
    }
  }
}
