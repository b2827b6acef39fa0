package dev.strata.check;

import dev.strata.driver.Digest;
import dev.strata.driver.error.CorruptException;
import dev.strata.layer.ChainId;
import dev.strata.layer.LayerAudit.StoredLayer;
import dev.strata.layer.LayerAudit;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Layer records against the driver: orphan driver layers, damaged records, missing data, broken
 * parents, reference counts, and (unless quick) every layer's content against its DiffID.
 */
final class LayerChecks {

  private static final String RELOAD = "remove the images that use it and load or pull them again";

  private final LayerAudit audit;
  private final CheckOptions options;
  private int verified;

  LayerChecks(LayerAudit audit, CheckOptions options) {
    this.audit = audit;
    this.options = options;
  }

  /** Layers whose content was re-hashed by {@link #findings}. */
  int verified() {
    return verified;
  }

  List<Finding> findings(StoreState state) throws IOException {
    List<Finding> findings = new ArrayList<>();
    for (String cacheId : audit.unnamedDriverLayers()) {
      findings.add(Finding.of(FindingKind.ORPHAN_DRIVER_LAYER, cacheId, "driver layer " + cacheId
          + " is named by no layer record and no container (an interrupted register, commit or removal);"
          + " --repair deletes it"));
    }
    state.damaged().forEach(d -> findings.add(Finding.of(FindingKind.DAMAGED_LAYER_RECORD,
        d.chainId().toString(), d.problem() + "; " + RELOAD)));
    Map<ChainId, Integer> expected = state.expectedReferences();
    List<StoredLayer> toVerify = new ArrayList<>();
    long total = 0;
    for (StoredLayer l : state.layers()) {
      String id = l.layer().chainId().toString();
      if (!l.dataPresent()) {
        findings.add(Finding.of(FindingKind.MISSING_LAYER_DATA, id, "the driver has no data for layer " + id
            + " (driver id " + l.cacheId() + "); " + RELOAD));
      } else {
        toVerify.add(l);
        total += l.layer().size();
      }
      if (l.layer().parent().isPresent() && !state.hasRecord(l.layer().parent().get())) {
        findings.add(Finding.of(FindingKind.BROKEN_PARENT, id, "layer " + id + " sits on "
            + l.layer().parent().get() + ", which is not in the store; " + RELOAD));
      }
      int want = expected.getOrDefault(l.layer().chainId(), 0);
      if (l.references() != want) {
        findings.add(Finding.of(FindingKind.BAD_REFERENCE_COUNT, id, "layer " + id + " records "
            + l.references() + " reference(s), but " + want + " image(s) have it as their top layer;"
            + " --repair writes " + want + " (it never removes the layer)"));
      }
    }
    if (options.verifyContent()) {
      options.progress().start(total);
      for (StoredLayer l : toVerify) {
        verify(l).ifPresent(findings::add);
      }
    }
    return findings;
  }

  private Optional<Finding> verify(StoredLayer l) throws IOException {
    String id = l.layer().chainId().toString();
    try {
      Digest actual = audit.contentDigest(l.layer().chainId(), options.progress()::advance);
      verified++;
      if (actual.equals(l.layer().diffId())) {
        return Optional.empty();
      }
      return Optional.of(Finding.of(FindingKind.MODIFIED_LAYER, id, "the content of layer " + id
          + " hashes to " + actual + ", not its DiffID " + l.layer().diffId() + "; something changed its files; "
          + RELOAD + " (check never repairs this)"));
    } catch (CorruptException e) {
      return Optional.of(Finding.of(FindingKind.MODIFIED_LAYER, id, e.getMessage() + "; " + RELOAD
          + " (check never repairs this)"));
    }
  }
}
