package dev.strata.volumeplugin;

import dev.strata.volume.VolumeStore;
import java.io.IOException;
import java.nio.file.Path;

/** A store on {@code root} and a plugin serving it on {@code root/plugin.sock}, closed together. */
final class RunningPlugin implements AutoCloseable {

  final VolumeStore volumes;
  final VolumePluginServer server;
  final PluginClient client;

  private RunningPlugin(VolumeStore volumes, VolumePluginServer server) {
    this.volumes = volumes;
    this.server = server;
    this.client = new PluginClient(server.socket());
  }

  static RunningPlugin start(Path root) throws IOException {
    VolumeStore volumes = VolumeStore.open(root.resolve("strata"));
    try {
      return new RunningPlugin(volumes, VolumePluginServer.start(root.resolve("plugin.sock"), volumes));
    } catch (IOException | RuntimeException e) {
      volumes.close();
      throw e;
    }
  }

  @Override
  public void close() throws IOException {
    try {
      server.close();
    } finally {
      volumes.close();
    }
  }
}
