package dev.strata.image;

import dev.strata.driver.error.AlreadyExistsException;
import dev.strata.driver.error.CorruptException;
import dev.strata.driver.error.InvalidArgumentException;
import dev.strata.driver.error.NotFoundException;
import dev.strata.driver.error.OutOfSpace;
import dev.strata.files.FileTrees;
import dev.strata.layer.ChainId;
import dev.strata.layer.LayerStore;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code docker load} and {@code docker save} for an {@link ImageStore}.
 *
 * <h2>Load</h2>
 * Accepts a tar file (plain, gzip, zstd, xz or bzip2) or a directory, holding either a
 * docker-archive ({@code manifest.json}, legacy {@code <id>/layer.tar} or Docker 25+ {@code
 * blobs/sha256/}) or an OCI image layout ({@code oci-layout}, {@code index.json}, layers as tar,
 * tar+gzip or tar+zstd; multi-platform indexes give their {@code linux/amd64} image). When both
 * are present, as in Docker 25+ archives, {@code manifest.json} wins. A tar is extracted to
 * {@code <root>/tmp/image-load-*} first (nothing is held in memory; leftovers of a crash are
 * swept by {@link ImageStore#open}), refusing entries that escape it.
 *
 * <p>Every digest is checked: blob names and descriptors against content and size, each layer
 * against the config's {@code rootfs.diff_ids}, the layer count against the DiffID count. A bad
 * archive registers nothing and tags nothing:
 * <pre>{@code
 * try {
 *   archives.load(Path.of("busybox.tar"));
 * } catch (CorruptException e) {        // digest mismatch, missing blob, bad JSON, truncated tar
 * } catch (InvalidArgumentException e) { // a path in the archive points outside it; a bad tag
 * } catch (UnsupportedException e) {     // no linux/amd64 image, not a container image, pre-1.10 format
 * }
 * }</pre>
 *
 * <h2>Save</h2>
 * Writes the form Docker 25+ writes: a docker-archive (loadable by Docker 20.10 and later) that is
 * also an OCI image layout, with every layer exactly as it was registered, so DiffIDs and the
 * image id survive a load → save → load round trip. See {@link ArchiveWriter} for the layout.
 */
public final class ImageArchives {

  private final ImageStore images;

  public ImageArchives(ImageStore images) {
    this.images = Objects.requireNonNull(images, "images");
  }

  /**
   * Loads every image of an archive file or directory.
   *
   * @return the images loaded, with their tags, in archive order
   * @throws NotFoundException if {@code archiveOrDir} does not exist
   * @throws dev.strata.driver.error.FailedPreconditionException if the disk or a quota fills; every
   *     reference the load took is released and its staging deleted, as for any failure
   */
  public List<Image> load(Path archiveOrDir) throws IOException {
    try {
      return new ArchiveLoader(images).load(archiveOrDir);
    } catch (IOException e) {
      throw OutOfSpace.translate(e, images.tmpRoot().getParent().toString(),
          "loading " + archiveOrDir);
    }
  }

  /**
   * Writes the images {@code refs} name as one tar to {@code out} (left open). A ref naming a tag
   * saves that tag; a ref naming an id saves the image untagged, as Docker does.
   *
   * @throws NotFoundException if a ref names no image
   * @throws CorruptException if a layer no longer matches its DiffID
   */
  public void save(List<String> refs, OutputStream out) throws IOException {
    Objects.requireNonNull(out, "out");
    write(refs, new TarSink(out));
  }

  /**
   * Writes the images {@code refs} name as an OCI image layout (that is also a docker-archive
   * directory) into {@code dir}, which must not exist or be empty.
   *
   * @throws AlreadyExistsException if {@code dir} has content
   */
  public void saveOciLayout(List<String> refs, Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      try (var entries = Files.list(dir)) {
        if (entries.findAny().isPresent()) {
          throw new AlreadyExistsException(dir.toString(), "directory " + dir + " is not empty; save into a new one");
        }
      }
    }
    Files.createDirectories(dir);
    write(refs, new DirectorySink(dir));
  }

  private void write(List<String> refs, ArchiveSink sink) throws IOException {
    if (refs.isEmpty()) {
      throw new InvalidArgumentException("refs", "name at least one image to save");
    }
    Map<ImageId, List<Reference>> chosen = new LinkedHashMap<>();
    for (String ref : refs) {
      ImageLookup.Resolved resolved = images.lookup(ref).orElseThrow(() -> new NotFoundException(ref,
          "no such image: " + ref + " (see `strata images`)"));
      List<Reference> tags = chosen.computeIfAbsent(resolved.id(), id -> new ArrayList<>());
      resolved.viaTag().filter(t -> !tags.contains(t)).ifPresent(tags::add);
    }
    LayerStore layers = images.layerStore();
    List<SavedImage> saved = new ArrayList<>();
    List<ChainId> held = new ArrayList<>();
    Path scratch = StagingDirs.create(images.tmpRoot(), "save");
    try {
      for (Map.Entry<ImageId, List<Reference>> entry : chosen.entrySet()) {
        Image image = images.get(entry.getKey().toString());
        // Hold the image's layers for the duration, so a concurrent rmi cannot pull them away mid-export.
        Optional<ChainId> top = image.top();
        if (top.isPresent()) {
          layers.retain(top.get());
          held.add(top.get());
        }
        saved.add(new SavedImage(image.id(), images.config(image.id()), image.diffIds(), entry.getValue()));
      }
      new ArchiveWriter(layers::export, scratch).write(saved, sink);
    } finally {
      IOException failure = null;
      for (ChainId chain : held) {
        try {
          layers.release(chain);
        } catch (IOException e) {
          if (failure == null) {
            failure = e;
          } else {
            failure.addSuppressed(e);
          }
        }
      }
      FileTrees.delete(scratch);
      if (failure != null) {
        throw failure;
      }
    }
  }
}
