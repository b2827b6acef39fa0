package dev.strata.cli;

import dev.strata.driver.Digest;
import dev.strata.image.Image;
import dev.strata.layer.ChainId;
import dev.strata.layer.Layer;
import dev.strata.layer.WriteLayer;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code strata layers}: the read-only layers as a tree (children under their parent), each with
 * its ChainID and DiffID in short form, its size, and the images whose top layer it is and the
 * containers created on it. {@code --format json} gives one object per layer with full ids.
 */
@Command(name = "layers", description = "Show the read-only layers as a tree, with the images and containers on them.")
final class LayersCommand implements Callable<Integer> {

  @ParentCommand StrataCommand top;
  @Spec CommandSpec spec;

  private final Map<ChainId, List<String>> images = new HashMap<>();
  private final Map<ChainId, List<String>> containers = new HashMap<>();
  private final Map<Optional<ChainId>, List<Layer>> children = new HashMap<>();

  @Override
  public Integer call() throws Exception {
    List<Layer> layers;
    Map<ChainId, Integer> references = new HashMap<>();
    try (Stores stores = top.openStores()) {
      layers = stores.layers.layers();
      for (Layer layer : layers) {
        references.put(layer.chainId(), stores.layers.references(layer.chainId()));
      }
      for (Image image : stores.images.images()) {
        if (image.top().isPresent()) {
          String label = image.tags().isEmpty() ? image.id().shortId() : image.tags().get(0).toString();
          images.computeIfAbsent(image.top().get(), k -> new ArrayList<>()).add(label);
        }
      }
      for (WriteLayer w : stores.layers.writeLayers().list()) {
        w.parent().ifPresent(p -> containers.computeIfAbsent(p, k -> new ArrayList<>()).add(w.container()));
      }
    }
    layers.sort(Comparator.comparingInt(Layer::depth).thenComparing(l -> l.chainId().toString()));
    for (Layer layer : layers) {
      children.computeIfAbsent(layer.parent(), k -> new ArrayList<>()).add(layer);
    }
    PrintWriter out = spec.commandLine().getOut();
    if (top.format == StrataCommand.Format.json) {
      List<Map<String, Object>> rows = new ArrayList<>();
      for (Layer layer : layers) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("chain_id", layer.chainId().toString());
        row.put("diff_id", layer.diffId().toString());
        row.put("parent", layer.parent().map(ChainId::toString).orElse(null));
        row.put("depth", layer.depth());
        row.put("size", layer.size());
        row.put("references", references.get(layer.chainId()));
        row.put("images", images.getOrDefault(layer.chainId(), List.of()));
        row.put("containers", containers.getOrDefault(layer.chainId(), List.of()));
        rows.add(row);
      }
      new Output(out, top.format).table(List.of(), rows);
      return ExitCodes.OK;
    }
    if (layers.isEmpty()) {
      out.println("no layers (load or import an image first)");
    }
    for (Layer root : children.getOrDefault(Optional.empty(), List.of())) {
      print(out, root, "", "");
    }
    return ExitCodes.OK;
  }

  private void print(PrintWriter out, Layer layer, String lead, String childLead) {
    StringBuilder line = new StringBuilder(lead).append(shortForm(layer.chainId().digest()))
        .append("  diff ").append(shortForm(layer.diffId())).append("  ").append(Output.size(layer.size()));
    for (String image : images.getOrDefault(layer.chainId(), List.of())) {
      line.append("  image ").append(image);
    }
    for (String container : containers.getOrDefault(layer.chainId(), List.of())) {
      line.append("  container ").append(container);
    }
    out.println(line);
    List<Layer> kids = children.getOrDefault(Optional.of(layer.chainId()), List.of());
    for (int i = 0; i < kids.size(); i++) {
      boolean last = i == kids.size() - 1;
      print(out, kids.get(i), childLead + (last ? "└── " : "├── "), childLead + (last ? "    " : "│   "));
    }
  }

  private static String shortForm(Digest digest) {
    return digest.hex().substring(0, 12);
  }
}
