package dev.strata.registry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.driver.Digest;
import dev.strata.driver.error.CorruptException;
import dev.strata.files.FileTrees;
import dev.strata.image.Image;
import dev.strata.image.ImageStore;
import dev.strata.image.Reference;
import dev.strata.json.Json;
import dev.strata.layer.ChainId;
import dev.strata.layer.Layer;
import dev.strata.layer.LayerStore;
import dev.strata.layer.StackLayer;
import dev.strata.registry.LayerProgress.State;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * One pull, all or nothing, in the order {@code ArchiveLoader} loads an archive: manifest (for the
 * platform), config (verified), then the layers the store lacks are downloaded in parallel into
 * {@code <root>/tmp/image-pull-*} (swept by the stores on open) while they are applied as one stack
 * ({@code LayerStore.registerAll}: each as soon as its download is done, side by side where the
 * driver allows, published bottom-up), each checked against the config's DiffID.
 * Then the image is added and tagged. Every layer reference the pull takes is dropped at the end;
 * on success the image holds its own on the top layer, on failure new layers vanish and old ones
 * keep their counts. The staging directory never outlives the pull.
 *
 * <p>Foreign (non-distributable) layers are fetched from the registry like any other blob, as
 * Docker does on Linux; their {@code urls} are not followed.
 */
final class Puller {

  private static final System.Logger LOG = System.getLogger(Puller.class.getName());
  private static final long MAX_CONFIG = 32L << 20;

  private final RegistryTransport transport;
  private final RegistryConfig config;

  Puller(RegistryTransport transport, RegistryConfig config) {
    this.transport = transport;
    this.config = config;
  }

  PullResult pull(ImageStore images, ImageName name) throws IOException {
    LayerStore layers = images.layerStore();
    Manifest manifest = new ManifestFetcher(transport).fetch(name, config.platform());
    Path staging = Files.createTempDirectory(stagingRoot(layers), "image-pull-");
    ExecutorService pool = Executors.newFixedThreadPool(config.maxParallelDownloads(), r -> {
      Thread t = new Thread(r, "strata-pull-" + name.repository());
      t.setDaemon(true);
      return t;
    });
    List<ChainId> taken = new ArrayList<>();
    Map<Digest, Future<Path>> downloads = new ConcurrentHashMap<>();
    try {
      byte[] configBytes = fetchConfig(name, manifest, staging);
      List<Digest> diffIds = diffIds(configBytes, name);
      if (diffIds.size() != manifest.layers().size()) {
        throw new CorruptException(name.toString(), "manifest " + manifest.digest() + " of " + name + " lists "
            + manifest.layers().size() + " layers but its config has " + diffIds.size() + " diff_ids");
      }
      List<ChainId> chains = chainIds(diffIds);
      for (int i = 0; i < chains.size(); i++) {
        BlobRef blob = manifest.layers().get(i);
        if (layers.get(chains.get(i)).isPresent()) {
          config.listener().onProgress(new LayerProgress(blob.digest(), blob.size(), blob.size(), State.EXISTS));
        } else {
          submit(pool, downloads, name, blob, staging);
        }
      }
      // Each layer's tar opens once its download is done; the store applies the stack side by
      // side where its driver allows, so the apply of one layer overlaps the downloads of others.
      List<StackLayer> stack = new ArrayList<>();
      Set<Integer> opened = ConcurrentHashMap.newKeySet();
      for (int i = 0; i < chains.size(); i++) {
        int index = i;
        BlobRef blob = manifest.layers().get(i);
        Digest diffId = diffIds.get(i);
        stack.add(new StackLayer(() -> {
          Path file = Futures.await(submit(pool, downloads, name, blob, staging), "a layer download");
          opened.add(index);
          config.listener().onProgress(new LayerProgress(blob.digest(), blob.size(), blob.size(), State.EXTRACTING));
          return Files.newInputStream(file);
        }, diffId, e -> new CorruptException(e.subject(), name + " layer " + index + " is not the layer rootfs.diff_ids["
            + index + "] = " + diffId + " promises: " + e.getMessage(), e)));
      }
      List<Layer> registered = layers.registerAll(Optional.empty(), stack);
      if (!registered.isEmpty()) {
        taken.add(registered.get(registered.size() - 1).chainId()); // the one reference the stack takes: its top's
      }
      for (int i : new TreeSet<>(opened)) {
        BlobRef blob = manifest.layers().get(i);
        config.listener().onProgress(new LayerProgress(blob.digest(), blob.size(), blob.size(), State.DONE));
      }
      int downloaded = opened.size();
      List<String> tags = name.localTag().map(Reference::toString).map(List::of).orElse(List.of());
      Image image = images.add(configBytes, tags);
      KnownBlobs.recordPulled(layers, chains, manifest.layers(), name);
      PullResult result = new PullResult(image.id(), manifest.digest(), name.localTag(), downloaded,
          chains.size() - downloaded);
      releaseAll(layers, taken, null);
      return result;
    } catch (IOException | RuntimeException e) {
      downloads.values().forEach(f -> f.cancel(true));
      releaseAll(layers, taken, e);
      throw e;
    } finally {
      pool.shutdownNow();
      try {
        if (!pool.awaitTermination(30, TimeUnit.SECONDS)) {
          LOG.log(Level.WARNING, "downloads of {0} did not stop within 30 s; {1} is deleted under them", name, staging);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      FileTrees.delete(staging);
    }
  }

  // LayerStore.metadataRoot() is <root>/image/<driver>; staging the stores sweep is <root>/tmp.
  private static Path stagingRoot(LayerStore layers) throws IOException {
    return Files.createDirectories(layers.metadataRoot().getParent().getParent().resolve("tmp"));
  }

  private byte[] fetchConfig(ImageName name, Manifest manifest, Path staging) throws IOException {
    BlobRef cfg = manifest.config();
    if (cfg.size() > MAX_CONFIG) {
      throw new CorruptException(cfg.digest().toString(), "config " + cfg.digest() + " of " + name + " claims "
          + cfg.size() + " bytes; an image config is never larger than " + MAX_CONFIG);
    }
    Path file = staging.resolve("config.json");
    new BlobFetcher(transport).download(name.repository(), cfg, file, BlobFetcher.Progress.NONE);
    return Files.readAllBytes(file);
  }

  private Future<Path> submit(ExecutorService pool, Map<Digest, Future<Path>> downloads, ImageName name, BlobRef blob,
      Path staging) {
    return downloads.computeIfAbsent(blob.digest(), d -> {
      PullListener listener = config.listener();
      listener.onProgress(new LayerProgress(d, 0, blob.size(), State.WAITING));
      return pool.submit(() -> {
        Path file = staging.resolve("layer-" + d.hex());
        new BlobFetcher(transport).download(name.repository(), blob, file,
            (done, state) -> listener.onProgress(new LayerProgress(d, done, blob.size(), state)));
        return file;
      });
    });
  }

  static List<Digest> diffIds(byte[] configJson, ImageName name) throws CorruptException {
    String what = "config of " + name;
    JsonNode root = Json.parse(configJson, what);
    JsonNode rootfs = root.get("rootfs");
    if (rootfs == null || !"layers".equals(Json.text(rootfs, "type").orElse(""))) {
      throw new CorruptException(name.toString(), what + " has no rootfs of type 'layers'; not an image config");
    }
    List<Digest> out = new ArrayList<>();
    JsonNode ids = rootfs.get("diff_ids");
    if (ids != null && ids.isArray()) {
      for (JsonNode id : ids) {
        try {
          out.add(Digest.parse(id.asText()));
        } catch (IllegalArgumentException e) {
          throw new CorruptException(name.toString(), what + " rootfs.diff_ids[" + out.size() + "]: " + e.getMessage(), e);
        }
      }
    }
    return out;
  }

  static List<ChainId> chainIds(List<Digest> diffIds) {
    List<ChainId> chains = new ArrayList<>();
    Optional<ChainId> parent = Optional.empty();
    for (Digest d : diffIds) {
      ChainId c = ChainId.of(parent, d);
      chains.add(c);
      parent = Optional.of(c);
    }
    return chains;
  }

  private static void releaseAll(LayerStore layers, List<ChainId> taken, Exception primary) {
    for (int i = taken.size() - 1; i >= 0; i--) {
      try {
        layers.release(taken.get(i));
      } catch (IOException e) {
        if (primary != null) {
          primary.addSuppressed(e);
        } else {
          LOG.log(Level.WARNING, "pulled, but dropping the pull''s reference on {0} failed ({1}); the image is"
              + " complete, the layer may outlive it", taken.get(i), e.getMessage());
        }
      }
    }
  }
}
