package dev.strata.registry;

import dev.strata.driver.Digest;
import dev.strata.layer.ChainId;
import dev.strata.layer.LayerBlob;
import dev.strata.layer.LayerStore;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The compressed blobs a layer is known as in registries ({@link LayerStore#recordBlob}), as
 * Docker's distribution metadata keeps them: each pull records the blobs its manifest named and the
 * repository they came from, each push the blob it put and where. A push then asks the registry
 * for a blob it may have already ({@link Candidate}) before compressing the layer into bytes of its
 * own, which, for a layer another tool compressed, would have another digest and go up again.
 *
 * <p>Recording is a hint and never fails the pull or push that does it: a failure is logged, and
 * costs at most a later push the upload this record would have saved.
 */
final class KnownBlobs {

  /** Digests a push asks about per layer, newest first; Docker checks as few. */
  static final int MAX_DIGESTS = 3;

  private static final System.Logger LOG = System.getLogger(KnownBlobs.class.getName());

  private KnownBlobs() {}

  /**
   * A blob a layer is known as, in the push's compression, and the repositories of the target
   * registry (other than the target) it was seen in, to mount it from.
   */
  record Candidate(Digest digest, long size, List<String> mountFrom) {
    Candidate {
      mountFrom = List.copyOf(mountFrom);
    }
  }

  /** Records the layer blobs a pull of {@code name} fetched or found present, layer {@code i} as {@code chains[i]}. */
  static void recordPulled(LayerStore layers, List<ChainId> chains, List<BlobRef> blobs, ImageName name) {
    for (int i = 0; i < chains.size(); i++) {
      record(layers, chains.get(i), blobs.get(i), name);
    }
  }

  /** Records that {@code blob} of layer {@code chain} is now in {@code target}'s repository. */
  static void record(LayerStore layers, ChainId chain, BlobRef blob, ImageName target) {
    try {
      layers.recordBlob(chain, new LayerBlob(blob.digest(), blob.mediaType(), blob.size(),
          Optional.of(target.registry() + "/" + target.repository())));
    } catch (IOException | IllegalArgumentException e) {
      LOG.log(Level.WARNING, "could not record that layer {0} is blob {1} in {2} ({3}); a later push of it may"
          + " upload it again", chain, blob.digest(), target.registry() + "/" + target.repository(), e.getMessage());
    }
  }

  /**
   * What to ask {@code target}'s registry for before compressing layer {@code chain}: its known
   * blobs in {@code compression} (another compression would not be the blob the push promises),
   * newest first, at most {@link #MAX_DIGESTS}; each with the repositories of that registry it was
   * seen in, and {@code mountFrom} (the push's own guess) last.
   */
  static List<Candidate> candidates(LayerStore layers, ChainId chain, BlobCompression compression, ImageName target,
      Optional<String> mountFrom) throws IOException {
    Map<Digest, Long> sizes = new LinkedHashMap<>();
    Map<Digest, List<String>> froms = new LinkedHashMap<>();
    for (LayerBlob blob : layers.blobs(chain)) {
      if (!compression.names(blob.mediaType())) {
        continue;
      }
      if (!sizes.containsKey(blob.digest())) {
        if (sizes.size() == MAX_DIGESTS) {
          continue;
        }
        sizes.put(blob.digest(), blob.size());
        froms.put(blob.digest(), new ArrayList<>());
      }
      sameRegistry(blob.repository(), target).filter(r -> !froms.get(blob.digest()).contains(r))
          .ifPresent(froms.get(blob.digest())::add);
    }
    List<Candidate> out = new ArrayList<>();
    for (Map.Entry<Digest, Long> e : sizes.entrySet()) {
      List<String> from = froms.get(e.getKey());
      mountFrom.filter(r -> !r.equals(target.repository()) && !from.contains(r)).ifPresent(from::add);
      out.add(new Candidate(e.getKey(), e.getValue(), from));
    }
    return out;
  }

  // The repository part of "host[:port]/path" when the host is the target's; the record's grammar is
  // checked again here since the path goes into a URL.
  private static Optional<String> sameRegistry(Optional<String> seenIn, ImageName target) {
    if (seenIn.isEmpty()) {
      return Optional.empty();
    }
    int slash = seenIn.get().indexOf('/');
    if (slash < 0 || !seenIn.get().substring(0, slash).equals(target.registry())) {
      return Optional.empty();
    }
    String repository = seenIn.get().substring(slash + 1);
    try {
      new ImageName(target.registry(), repository, Optional.of("latest"), Optional.empty());
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    return repository.equals(target.repository()) ? Optional.empty() : Optional.of(repository);
  }
}
