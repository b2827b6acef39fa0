package dev.strata.registry;

import dev.strata.driver.Digest;
import dev.strata.driver.error.CorruptException;
import dev.strata.driver.error.FailedPreconditionException;
import dev.strata.driver.error.InvalidArgumentException;
import dev.strata.driver.error.NotFoundException;
import dev.strata.files.FileTrees;
import dev.strata.image.Image;
import dev.strata.image.ImageStore;
import dev.strata.image.Reference;
import dev.strata.layer.ChainId;
import dev.strata.layer.LayerStore;
import dev.strata.registry.BlobPush.Outcome;
import dev.strata.registry.PushProgress.State;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One push. For each layer, base first, the blobs it is known as ({@link KnownBlobs}: pulled,
 * loaded or pushed before) in the push's compression come first: a {@code HEAD} in the target
 * repository, then a cross-repository mount from the repositories of that registry it was seen in,
 * and the first that works names the layer in the manifest; no byte is compressed or sent for it.
 * The layers left are exported and compressed into {@code <root>/tmp/image-push-*} (swept by the
 * stores on open) on several threads ({@link CompressionQueue}), and put into the repository in
 * order (HEAD, mount or upload, {@link BlobUploader}). Each blob put is recorded for the next push.
 * Then the config blob; then the manifest, last, so that the tag never names an image whose blobs
 * are missing. Compression is deterministic: a layer Strata compressed has the same digest each time.
 */
final class Pusher {

  private static final System.Logger LOG = System.getLogger(Pusher.class.getName());
  /** Mounts tried per layer before compressing it, as Docker tries as many. */
  private static final int MAX_MOUNTS = 3;

  private final RegistryTransport transport;
  private final PushOptions options;
  private final PushListener listener;
  private final int threads;
  /** A repository a layer was mounted from: the config is most likely there too. */
  private Optional<String> layersFrom = Optional.empty();

  Pusher(RegistryTransport transport, PushOptions options, PushListener listener) {
    this(transport, options, listener, CompressionQueue.defaultThreads());
  }

  Pusher(RegistryTransport transport, PushOptions options, PushListener listener, int threads) {
    this.transport = transport;
    this.options = options;
    this.listener = listener;
    this.threads = threads;
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
      List<BlobPush> pushed = pushLayers(image, layers, target, mountFrom, uploader, staging);
      List<BlobRef> refs = pushed.stream().map(p -> ref(p, options.compression().mediaType(oci))).toList();
      Path configFile = Files.write(staging.resolve("config.json"), config);
      StagedBlob configBlob = new StagedBlob(configFile, image.id().digest(), config.length);
      Outcome configOutcome = uploader.push(repository, configBlob, mountFrom.or(() -> layersFrom),
          new BlobUploader.Asked(), n -> { });
      BlobRef configRef = new BlobRef(configBlob.digest(), configBlob.size(), ManifestWriter.configMediaType(oci));
      byte[] manifest = ManifestWriter.write(oci, configRef, refs);
      Digest digest = putManifest(target, manifest, ManifestWriter.mediaType(oci));
      return new PushResult(target, digest, manifest.length, ManifestWriter.mediaType(oci),
          new BlobPush(configBlob.digest(), configBlob.size(), configOutcome), pushed);
    } finally {
      FileTrees.delete(staging);
    }
  }

  /** Puts every layer into the repository, base first: known blobs first, then the rest compressed. */
  private List<BlobPush> pushLayers(Image image, LayerStore layers, ImageName target, Optional<String> mountFrom,
      BlobUploader uploader, Path staging) throws IOException {
    String mediaType = options.compression().mediaType(options.ociManifest());
    List<ChainId> chains = image.chainIds();
    BlobPush[] pushed = new BlobPush[chains.size()];
    Map<Integer, BlobUploader.Asked> asked = new HashMap<>();
    List<Integer> toCompress = new ArrayList<>();
    for (int i = 0; i < chains.size(); i++) {
      listener.onProgress(new PushProgress(image.diffIds().get(i), 0, 0, State.PREPARING));
    }
    for (int i = 0; i < chains.size(); i++) {
      BlobUploader.Asked a = new BlobUploader.Asked();
      Optional<BlobPush> reused = reuse(uploader, target.repository(), a, KnownBlobs.candidates(layers, chains.get(i),
          options.compression(), target, mountFrom));
      if (reused.isPresent()) {
        pushed[i] = reused.get();
        done(image.diffIds().get(i), reused.get());
        KnownBlobs.record(layers, chains.get(i), ref(reused.get(), mediaType), target);
      } else {
        asked.put(i, a);
        toCompress.add(i);
      }
    }
    List<CompressionQueue.Job> jobs = new ArrayList<>();
    for (int i : toCompress) {
      Digest diffId = image.diffIds().get(i);
      jobs.add(new CompressionQueue.Job(chains.get(i), staging.resolve("layer-" + i),
          n -> listener.onProgress(new PushProgress(diffId, n, 0, State.PREPARING))));
    }
    try (CompressionQueue queue = new CompressionQueue(new LayerCompressor(layers), options.compression(), jobs,
        threads)) {
      for (int i : toCompress) {
        Digest diffId = image.diffIds().get(i);
        StagedBlob blob = queue.next();
        listener.onProgress(new PushProgress(diffId, 0, blob.size(), State.UPLOADING));
        Outcome outcome = uploader.push(target.repository(), blob, mountFrom, asked.get(i),
            n -> listener.onProgress(new PushProgress(diffId, n, blob.size(), State.UPLOADING)));
        // A pushed layer's file is no longer needed: only those compressed ahead stay on disk.
        Files.delete(blob.file());
        pushed[i] = new BlobPush(blob.digest(), blob.size(), outcome);
        done(diffId, pushed[i]);
        KnownBlobs.record(layers, chains.get(i), ref(pushed[i], mediaType), target);
      }
    }
    return List.of(pushed);
  }

  /**
   * Asks the registry for a blob the layer is known as: HEAD in the target repository, then mounts
   * from where it was seen, at most {@link #MAX_MOUNTS}. A mount the registry answers with an
   * upload session instead is cancelled: the layer may still be found under another digest, and the
   * upload, if it comes to that, is of other bytes.
   */
  private Optional<BlobPush> reuse(BlobUploader uploader, String repository, BlobUploader.Asked asked,
      List<KnownBlobs.Candidate> candidates) throws IOException {
    int mounts = 0;
    for (KnownBlobs.Candidate c : candidates) {
      OptionalLong size = uploader.exists(repository, c.digest(), asked);
      if (size.isPresent()) {
        if (size.getAsLong() == c.size() || size.getAsLong() < 0) {
          return Optional.of(new BlobPush(c.digest(), c.size(), Outcome.EXISTS));
        }
        LOG.log(Level.WARNING, "{0} has blob {1} with {2} bytes, but it was recorded with {3}; not using it",
            transport.registry(), c.digest(), size.getAsLong(), c.size());
        continue;
      }
      for (String from : c.mountFrom()) {
        if (mounts++ == MAX_MOUNTS) {
          return Optional.empty();
        }
        BlobUploader.MountAnswer answer;
        try {
          answer = uploader.mount(repository, c.digest(), from, asked);
        } catch (FailedPreconditionException | NotFoundException | InvalidArgumentException e) {
          // Some registries refuse a mount outright (no access to the source, no such repository)
          // instead of opening an upload: the upload below asks again without one.
          LOG.log(Level.INFO, "{0} refused to mount {1} from {2} ({3}); compressing and uploading the layer instead",
              transport.registry(), c.digest(), from, e.getMessage());
          return Optional.empty();
        }
        if (answer.mounted()) {
          layersFrom = Optional.of(from);
          return Optional.of(new BlobPush(c.digest(), c.size(), Outcome.MOUNTED));
        }
        answer.session().ifPresent(s -> uploader.cancel(repository, s));
      }
    }
    return Optional.empty();
  }

  private void done(Digest diffId, BlobPush p) {
    listener.onProgress(new PushProgress(diffId, p.size(), p.size(), switch (p.outcome()) {
      case UPLOADED -> State.PUSHED;
      case EXISTS -> State.EXISTS;
      case MOUNTED -> State.MOUNTED;
    }));
  }

  private static BlobRef ref(BlobPush p, String mediaType) {
    return new BlobRef(p.digest(), p.size(), mediaType);
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
