package dev.strata.registry;

import dev.strata.driver.Digest;
import dev.strata.driver.error.CorruptException;
import dev.strata.driver.error.InvalidArgumentException;
import dev.strata.files.FileTrees;
import dev.strata.image.Image;
import dev.strata.image.ImageStore;
import dev.strata.image.Reference;
import dev.strata.layer.ChainId;
import dev.strata.layer.LayerStore;
import dev.strata.registry.BlobPush.Outcome;
import dev.strata.registry.PushProgress.State;
import java.io.IOException;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One push: every layer, base first, is exported, compressed into {@code <root>/tmp/image-push-*}
 * (swept by the stores on open) and put into the repository unless there already; then the config
 * blob; then the manifest, last, so that the tag never names an image whose blobs are missing.
 * Layers go one at a time: compression is the slow part and runs on the same disk anyway. Every
 * layer is compressed even when the registry has it, since the blob digest is known only then;
 * deterministic compression makes it the same digest as last time.
 */
final class Pusher {

  private final RegistryTransport transport;
  private final PushOptions options;
  private final PushListener listener;

  Pusher(RegistryTransport transport, PushOptions options, PushListener listener) {
    this.transport = transport;
    this.options = options;
    this.listener = listener;
  }

  PushResult push(ImageStore images, String localRef, ImageName target) throws IOException {
    if (target.tag().isEmpty()) {
      throw new InvalidArgumentException(target.toString(), "cannot push to " + target
          + " without a tag: a manifest's digest is known only once it is written");
    }
    Image image = images.get(localRef);
    byte[] config = images.config(image.id());
    LayerStore layers = images.layerStore();
    boolean oci = options.ociManifest();
    String repository = target.repository();
    Optional<String> mountFrom = options.mountFrom().or(() -> sourceRepository(image, target));
    BlobUploader uploader = new BlobUploader(transport, options);
    Path staging = Files.createTempDirectory(stagingRoot(layers), "image-push-");
    try {
      List<ChainId> chains = image.chainIds();
      List<BlobPush> pushed = new ArrayList<>();
      List<BlobRef> refs = new ArrayList<>();
      for (int i = 0; i < chains.size(); i++) {
        Digest diffId = image.diffIds().get(i);
        listener.onProgress(new PushProgress(diffId, 0, 0, State.PREPARING));
        StagedBlob blob = new LayerCompressor(layers).compress(chains.get(i), options.compression(),
            staging.resolve("layer-" + i), n -> listener.onProgress(new PushProgress(diffId, n, 0, State.PREPARING)));
        listener.onProgress(new PushProgress(diffId, 0, blob.size(), State.UPLOADING));
        Outcome outcome = uploader.push(repository, blob, mountFrom,
            n -> listener.onProgress(new PushProgress(diffId, n, blob.size(), State.UPLOADING)));
        listener.onProgress(new PushProgress(diffId, blob.size(), blob.size(), switch (outcome) {
          case UPLOADED -> State.PUSHED;
          case EXISTS -> State.EXISTS;
          case MOUNTED -> State.MOUNTED;
        }));
        // A pushed layer's file is no longer needed: keep at most one compressed layer on disk.
        Files.delete(blob.file());
        pushed.add(new BlobPush(blob.digest(), blob.size(), outcome));
        refs.add(new BlobRef(blob.digest(), blob.size(), options.compression().mediaType(oci)));
      }
      Path configFile = Files.write(staging.resolve("config.json"), config);
      StagedBlob configBlob = new StagedBlob(configFile, image.id().digest(), config.length);
      Outcome configOutcome = uploader.push(repository, configBlob, mountFrom, n -> { });
      BlobRef configRef = new BlobRef(configBlob.digest(), configBlob.size(), ManifestWriter.configMediaType(oci));
      byte[] manifest = ManifestWriter.write(oci, configRef, refs);
      Digest digest = putManifest(target, manifest, ManifestWriter.mediaType(oci));
      return new PushResult(target, digest, manifest.length, ManifestWriter.mediaType(oci),
          new BlobPush(configBlob.digest(), configBlob.size(), configOutcome), pushed);
    } finally {
      FileTrees.delete(staging);
    }
  }

  private Digest putManifest(ImageName target, byte[] manifest, String mediaType) throws IOException {
    Digest digest = Digest.sha256Of(manifest);
    String what = "manifest " + target.repository() + ":" + target.tag().orElseThrow();
    Request put = new Request("PUT", transport.uri("/v2/" + target.repository() + "/manifests/" + target.tag().get()),
        Map.of("Content-Type", mediaType), Optional.of(BodyPublishers.ofByteArray(manifest)),
        List.of(RegistryTransport.pushScope(target.repository())));
    try (Response r = transport.checked(put, target.toString(), what)) {
      Optional<String> confirmed = r.header("Docker-Content-Digest").map(String::trim);
      if (confirmed.isPresent() && !confirmed.get().equals(digest.toString())) {
        throw new CorruptException(target.toString(), what + ": the registry stored " + confirmed.get()
            + " but the manifest sent hashes to " + digest + "; it was changed on the way");
      }
    }
    return digest;
  }

  // An image tagged in another repository of the target registry was most likely pulled from
  // there: its blobs can be mounted rather than sent again.
  static Optional<String> sourceRepository(Image image, ImageName target) {
    for (Reference tag : image.tags()) {
      try {
        ImageName name = ImageName.parse(tag.toString());
        if (name.registry().equals(target.registry()) && !name.repository().equals(target.repository())) {
          return Optional.of(name.repository());
        }
      } catch (InvalidArgumentException e) {
        // Every stored tag is a valid reference; one that is not is simply no mount source.
      }
    }
    return Optional.empty();
  }

  // LayerStore.metadataRoot() is <root>/image/<driver>; staging the stores sweep is <root>/tmp.
  private static Path stagingRoot(LayerStore layers) throws IOException {
    return Files.createDirectories(layers.metadataRoot().getParent().getParent().resolve("tmp"));
  }
}
