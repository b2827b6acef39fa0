package dev.strata.volume;

import dev.strata.files.FileTrees;
import dev.strata.files.MountTable;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;

/**
 * What {@link VolumeStore#open} puts right after a crash or a reboot: half-created and half-removed
 * volumes are swept (never through something mounted in them); a volume's own filesystem is mounted
 * again while mounts are outstanding (a reboot) and unmounted when none are (a crash between mount
 * and record); a populate interrupted while copying is undone.
 */
final class VolumeRecovery {

  private static final System.Logger LOG = System.getLogger(VolumeRecovery.class.getName());

  /** Reads a volume the way the store shows it. */
  interface Lookup {
    Volume get(String name) throws IOException;
  }

  private final VolumeFiles files;
  private final MountTable mountTable;
  private final FilesystemMounts filesystems;
  private final Populator populator;

  VolumeRecovery(VolumeFiles files, MountTable mountTable, FilesystemMounts filesystems, Populator populator) {
    this.files = files;
    this.mountTable = mountTable;
    this.filesystems = filesystems;
    this.populator = populator;
  }

  void run(Lookup volumes) throws IOException {
    for (Path leftover : files.leftovers()) {
      Path data = leftover.resolve(VolumeFiles.DATA);
      if (!mountTable.mountPointsUnder(leftover).isEmpty() || filesystems.mounted(data)) {
        LOG.log(Level.WARNING, "not sweeping {0}: something is mounted in it", leftover);
        continue;
      }
      LOG.log(Level.INFO, "sweeping {0} (left by an interrupted create or remove)", leftover);
      FileTrees.delete(leftover);
    }
    for (String name : files.names()) {
      Volume volume = volumes.get(name);
      Path data = files.data(name);
      if (volume.mountsFilesystem() && !filesystemInLine(volume, data)) {
        continue; // its filesystem is not there to recover a populate into
      }
      populator.recover(data, new PopulateProgress(files, name));
    }
  }

  /** Mounts or unmounts the volume's own filesystem to match its ids; true when it is mounted. */
  private boolean filesystemInLine(Volume volume, Path data) throws IOException {
    boolean mounted = filesystems.mounted(data);
    if (!volume.mounts().isEmpty() && !mounted) {
      LOG.log(Level.INFO, "mounting volume {0} again for its {1} outstanding mount(s)", volume.name(),
          volume.mounts().size());
      try {
        filesystems.mount(volume.name(), volume.options(), data);
        return true;
      } catch (IOException e) {
        LOG.log(Level.WARNING, "cannot mount volume {0} again: {1}", volume.name(), e.getMessage());
        return false;
      }
    }
    if (volume.mounts().isEmpty() && mounted) {
      LOG.log(Level.INFO, "unmounting volume {0}: no mount is outstanding (interrupted)", volume.name());
      filesystems.unmount(data);
      return false;
    }
    return mounted;
  }
}
