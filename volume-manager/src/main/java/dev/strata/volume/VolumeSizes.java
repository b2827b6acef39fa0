package dev.strata.volume;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;

/**
 * Volume sizes without a walk per question: {@code _data} is counted when its last mount ends (the
 * moment its content stops changing through the store) and the figure is kept in {@code size.json};
 * a volume never counted is counted at the first question. Every method runs while the volume
 * store's lock is held (a reading hold is exclusive too), so no mount begins or ends during a count,
 * and every process reads the figure the last count wrote.
 */
final class VolumeSizes {

  private static final System.Logger LOG = System.getLogger(VolumeSizes.class.getName());

  private final VolumeFiles files;
  private final ContentBytes content;
  private final Clock clock;

  VolumeSizes(VolumeFiles files, ContentBytes content, Clock clock) {
    this.files = files;
    this.content = content;
    this.clock = clock;
  }

  /** The figure kept for {@code name}, or -1 when it has none. Lock held. */
  long cached(String name) throws IOException {
    return files.countedSize(name).map(VolumeFiles.CountedSize::bytes).orElse(-1L);
  }

  /** Counts {@code name}'s {@code _data} now and keeps the figure. Lock held. */
  long count(String name) throws IOException {
    Path data = files.data(name);
    long bytes;
    try {
      bytes = Files.isDirectory(data, LinkOption.NOFOLLOW_LINKS) ? content.of(data) : 0;
    } catch (NoSuchFileException gone) {
      bytes = 0; // _data deleted by hand: the volume holds nothing
    }
    files.writeCountedSize(name, new VolumeFiles.CountedSize(bytes, clock.instant().toString()));
    return bytes;
  }

  /**
   * Counts after the last mount ended. A failure must not fail the unmount, which has happened; the
   * old figure is dropped instead, so the next question counts again rather than read a stale one.
   */
  void recount(String name) throws IOException {
    try {
      count(name);
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING, "volume {0}: cannot count its data ({1}); it is counted when next asked",
          name, e.getMessage());
      files.forgetCountedSize(name);
    }
  }
}
