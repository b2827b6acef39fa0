package dev.strata.driver.overlay2;

import dev.strata.driver.LayerId;
import dev.strata.driver.LayerInfo;
import dev.strata.driver.error.InvalidArgumentException;
import dev.strata.files.FileTrees;
import dev.strata.posix.FileNodes;
import dev.strata.posix.Timestamp;
import dev.strata.posix.Xattrs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.UUID;

/**
 * A layer directory's life on disk: built in {@code .staging/<id>}, renamed into place, linked
 * from {@code l/}; on removal renamed into {@code .trash/} before anything is deleted. A crash at
 * any point leaves the whole layer or something {@link Sweeper} clears.
 */
final class LayerBuilder {

  /** What goes into the new layer's {@code diff/}. */
  @FunctionalInterface
  interface Fill<T> {
    T into(Path diff) throws IOException;
  }

  private static final String SHORT_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  static final int SHORT_LENGTH = 26;
  /** A new root's times until the fill: no fill writes the epoch by creating an entry. */
  private static final Timestamp UNTOUCHED = new Timestamp(0, 0);

  private final OverlayHome home;
  private final FileNodes nodes;
  private final Xattrs xattrs;
  private final String overlayPrefix;
  private final boolean root;
  private final SecureRandom random = new SecureRandom();

  LayerBuilder(OverlayHome home, FileNodes nodes, Xattrs xattrs, String overlayPrefix, boolean root) {
    this.home = home;
    this.nodes = nodes;
    this.xattrs = xattrs;
    this.overlayPrefix = overlayPrefix;
    this.root = root;
  }

  /** Prepares the new layer's empty directory before anything is created in it. */
  @FunctionalInterface
  interface Prepare {
    void layerDir(Path dir) throws IOException;
  }

  /** Waits until the new layer's parent is in place. */
  @FunctionalInterface
  interface ParentWait {
    void await() throws IOException;
  }

  /** The end of a fill that needs the parent's content, run once the parent is in place. */
  @FunctionalInterface
  interface Finish<T> {
    /** Completes {@code filled}; returns whether the fill set the root's owner, mode and times itself. */
    boolean finish(T filled) throws IOException;
  }

  <T> T build(LayerInfo info, Fill<T> fill) throws IOException {
    return build(info, OptionalInt.empty(), dir -> { }, fill, () -> { }, filled -> false);
  }

  /**
   * Builds a layer whose directory joins xfs project {@code projectId} (recorded with the layer)
   * through {@code prepare}, so that {@code diff/} and {@code work/} inherit it.
   *
   * <p>{@code fill} reads nothing of the parent, so it may run while the parent is still being
   * built; {@code parent} then waits for it, and only after that are the parent's root attributes,
   * its short name and {@code finish} read, and the layer renamed into place.
   */
  <T> T build(LayerInfo info, OptionalInt projectId, Prepare prepare, Fill<T> fill, ParentWait parent,
      Finish<T> finish) throws IOException {
    LayerId id = info.id();
    if (id.value().equals(OverlayHome.LINKS)) {
      throw new InvalidArgumentException(id.value(), "layer id 'l' is the overlay2 short-link"
          + " directory; choose another id");
    }
    Path staging = home.staging().resolve(id.value());
    try {
      FileTrees.delete(staging);
      Files.createDirectory(staging);
      prepare.layerDir(staging);
      Path diff = Files.createDirectory(staging.resolve("diff"));
      Files.createDirectory(staging.resolve("merged"));
      if (info.writable()) {
        Files.createDirectory(staging.resolve("work"));
      }
      if (info.parent().isPresent()) {
        // Marks the root's times untouched, so that inheritRoot sees whether the fill changed the root.
        nodes.setTimes(diff, UNTOUCHED, UNTOUCHED);
      } else {
        nodes.chmod(diff, 0755);
        if (info.writable()) {
          nodes.chmod(Files.createDirectory(staging.resolve("empty")), 0755);
        }
      }
      T result = fill.into(diff);
      parent.await();
      boolean setsRoot = finish.finish(result);
      String shortName = newShortName();
      LayerFiles.writeLink(staging, shortName);
      if (info.parent().isPresent()) {
        inheritRoot(home.diff(info.parent().get()), diff, setsRoot);
        Path parentDir = home.layerDir(info.parent().get());
        List<String> lowers = new ArrayList<>();
        lowers.add(LayerFiles.readLink(parentDir));
        lowers.addAll(LayerFiles.readLowers(parentDir));
        LayerFiles.writeLowers(staging, lowers);
      }
      if (!info.writable()) {
        LayerFiles.write(staging.resolve("committed"), "");
      }
      LayerFiles.writeInfo(staging, info, projectId);
      Files.move(staging, home.layerDir(id), StandardCopyOption.ATOMIC_MOVE);
      link(shortName, id);
      if (info.parent().isPresent()) {
        // Docker's rule: a layer with a child is committed, and its view from now on read-only.
        Path marker = home.committed(info.parent().get());
        if (!Files.exists(marker)) {
          LayerFiles.write(marker, "");
        }
      }
      return result;
    } catch (IOException | RuntimeException | Error e) {
      try {
        FileTrees.delete(staging);
      } catch (IOException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e;
    }
  }

  /** The {@code diff/} directories of {@code top} and its ancestors, nearest first. */
  List<Path> lowerDiffs(LayerId top) throws IOException {
    Path dir = home.layerDir(top);
    List<Path> diffs = new ArrayList<>();
    diffs.add(home.diff(top));
    for (String shortName : LayerFiles.readLowers(dir)) {
      diffs.add(home.link(shortName));
    }
    return diffs;
  }

  /** The whiteout policy for a new layer's {@code diff/}; it reads nothing of the lower layers until its finish. */
  OverlayWhiteouts whiteouts(Path diff) throws IOException {
    return new OverlayWhiteouts(nodes, xattrs, overlayPrefix, diff.toRealPath());
  }

  /** {@code l/SHORT -> ../<id>/diff}, relative so the home can move. */
  void link(String shortName, LayerId id) throws IOException {
    Path link = home.link(shortName);
    Files.deleteIfExists(link);
    Files.createSymbolicLink(link, Path.of("..", id.value(), "diff"));
  }

  /** Takes the layer out of the home at once; its files wait in the trash for {@link #delete}. */
  Path remove(LayerId id) throws IOException {
    Path dir = home.layerDir(id);
    String shortName = LayerFiles.readLink(dir);
    Path away = home.trash().resolve(id.value() + "-" + UUID.randomUUID());
    Files.move(dir, away, StandardCopyOption.ATOMIC_MOVE);
    Files.deleteIfExists(home.link(shortName));
    return away;
  }

  void delete(Path trashed) throws IOException {
    FileTrees.delete(trashed);
  }

  /**
   * The new upper's root is what the view's root is: overlay shows the topmost layer's root, so a
   * child whose root did not inherit its parent's would change the view's root mode, owner and
   * times. Applied after the fill, to the same effect as before it: what the tar's own root entry
   * set stays ({@code setsRoot}); an xattr of the parent's is added where the tar set none of that
   * name; and the root keeps the modification time the fill gave it by creating entries in it.
   */
  private void inheritRoot(Path from, Path to, boolean setsRoot) throws IOException {
    Map<String, Object> a = Files.readAttributes(from, "unix:mode,uid,gid,lastModifiedTime,lastAccessTime",
        LinkOption.NOFOLLOW_LINKS);
    for (String name : xattrs.list(from)) {
      if (!name.startsWith(overlayPrefix) && xattrs.get(to, name).isEmpty()) {
        xattrs.get(from, name).ifPresent(v -> setQuietly(to, name, v));
      }
    }
    if (setsRoot) {
      return;
    }
    if (root) {
      nodes.lchown(to, (Integer) a.get("uid"), (Integer) a.get("gid"));
    }
    nodes.chmod(to, (Integer) a.get("mode"));
    FileTime modified = Files.getLastModifiedTime(to, LinkOption.NOFOLLOW_LINKS);
    Timestamp mtime = Timestamp.of(modified).equals(UNTOUCHED) ? Timestamp.of((FileTime) a.get("lastModifiedTime"))
        : Timestamp.of(modified);
    nodes.setTimes(to, Timestamp.of((FileTime) a.get("lastAccessTime")), mtime);
  }

  private void setQuietly(Path to, String name, byte[] value) {
    try {
      xattrs.set(to, name, value);
    } catch (IOException e) {
      // Safe: only root may set trusted.* and security.*; the view's root then lacks the attribute.
      System.getLogger(LayerBuilder.class.getName()).log(System.Logger.Level.DEBUG,
          "cannot copy xattr " + name + " to " + to, e);
    }
  }

  private String newShortName() {
    while (true) {
      StringBuilder s = new StringBuilder(SHORT_LENGTH);
      for (int i = 0; i < SHORT_LENGTH; i++) {
        s.append(SHORT_ALPHABET.charAt(random.nextInt(SHORT_ALPHABET.length())));
      }
      if (!Files.exists(home.link(s.toString()), LinkOption.NOFOLLOW_LINKS)) {
        return s.toString();
      }
    }
  }
}
