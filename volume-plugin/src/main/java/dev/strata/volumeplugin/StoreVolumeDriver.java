package dev.strata.volumeplugin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.driver.error.InvalidArgumentException;
import dev.strata.volume.Volume;
import dev.strata.volume.VolumeFilter;
import dev.strata.volume.VolumeSpec;
import dev.strata.volume.VolumeStore;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;

/**
 * The volume driver Docker talks to, answered from one {@link VolumeStore}: each call is the store
 * operation {@code strata volume} would run, so names, options and in-use rules are the store's.
 *
 * <p>Docker's mount ids become the store's mount ids, one per id: a {@code Mount} repeated with
 * the same id (Docker retries a call whose answer it lost) counts once, and {@code Unmount} drops
 * exactly that id's mount, the last one unmounting a volume's own filesystem. The store keeps
 * them in the volume's {@code state.json}, so a restart of the plugin loses none, and a volume
 * Docker still has mounted is not removed, not even by {@code strata volume rm}.
 *
 * <p>Labels never arrive: Docker 20.10 keeps a plugin volume's labels in its own database and sends
 * {@code Create} only a name and options.
 */
final class StoreVolumeDriver {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final VolumeStore volumes;

  StoreVolumeDriver(VolumeStore volumes) {
    this.volumes = volumes;
  }

  /**
   * Answers {@code request} to {@code endpoint}.
   *
   * @throws IOException as the store raises it: its message is what Docker shows the user
   */
  ObjectNode call(Endpoint endpoint, PluginRequest request) throws IOException {
    ObjectNode answer = NODES.objectNode();
    String name = request.name();
    switch (endpoint) {
      case ACTIVATE -> answer.putArray("Implements").add("VolumeDriver");
      case CAPABILITIES -> answer.putObject("Capabilities").put("Scope", "local");
      case CREATE -> volumes.create(spec(name, request));
      case REMOVE -> volumes.remove(name, false);
      case GET -> describe(answer.putObject("Volume"), volumes.get(name));
      case PATH -> answer.put("Mountpoint", volumes.get(name).mountpoint().toString());
      case MOUNT -> answer.put("Mountpoint", volumes.mount(name, request.id()).toString());
      case UNMOUNT -> {
        // An id the volume does not hold was unmounted already (a retried call): nothing to undo.
        volumes.get(name);
        volumes.unmount(name, request.id());
      }
      case LIST -> {
        ArrayNode list = answer.putArray("Volumes");
        for (Volume v : volumes.list(VolumeFilter.all())) {
          describe(list.addObject(), v);
        }
      }
      default -> throw new IllegalStateException("no answer for " + endpoint);
    }
    return answer;
  }

  private static VolumeSpec spec(String name, PluginRequest request) throws InvalidArgumentException {
    try {
      return new VolumeSpec(Optional.of(name), VolumeStore.LOCAL, request.options(), Map.of());
    } catch (IllegalArgumentException e) {
      // The record's own check (an option with an empty key) is the user's input at fault here.
      throw new InvalidArgumentException(name, e.getMessage());
    }
  }

  private static void describe(ObjectNode node, Volume v) {
    node.put("Name", v.name());
    node.put("Mountpoint", v.mountpoint().toString());
    // Instant's ISO-8601 form in UTC is RFC 3339, which Docker parses.
    node.put("CreatedAt", v.createdAt().toString());
  }
}
