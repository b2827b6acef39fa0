package dev.strata.layer;

import dev.strata.files.StoreLock;
import dev.strata.files.StoreUsers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The locks that let several processes (every {@code strata} command is one) work on one root at
 * once, in {@code <root>/locks/}:
 *
 * <ul>
 *   <li>{@code users}: held shared by every process with the store open. Crash recovery runs only
 *       while a process holds it alone ({@link #whenAlone}), so that nothing another process is
 *       building is mistaken for a leftover.
 *   <li>{@code records}: held exclusively around every change to the records (layers published or
 *       removed, references, mount counts, images, tags). Its generation tells a process that
 *       another one changed them, and the caches registered with {@link #onChange} are dropped.
 *   <li>{@code layers}: held shared for the whole of an operation that builds on or reads layers it
 *       holds no reference to (applying a layer on a parent, creating or committing a container,
 *       exporting), and exclusively to remove layers, so that no layer goes while one of those runs.
 * </ul>
 *
 * Always {@code layers} before {@code records}, never the other way round.
 */
final class StoreLocks implements AutoCloseable {

  private final Optional<StoreUsers> users;
  private final StoreLock records;
  private final StoreLock layers;

  private StoreLocks(Optional<StoreUsers> users, StoreLock records, StoreLock layers) {
    this.users = users;
    this.records = records;
    this.layers = layers;
  }

  /** The locks of the store at {@code root}, joining its users. */
  static StoreLocks open(Path root) throws IOException {
    StoreUsers users = StoreUsers.join(usersFile(root));
    try {
      return open(root, Optional.of(users));
    } catch (IOException | RuntimeException e) {
      users.close();
      throw e;
    }
  }

  /**
   * The locks of the store at {@code root} for a caller that holds its users file alone already
   * ({@code strata check}): it joins nothing, and {@link #whenAlone} runs nothing.
   */
  static StoreLocks forAudit(Path root) throws IOException {
    return open(root, Optional.empty());
  }

  private static StoreLocks open(Path root, Optional<StoreUsers> users) throws IOException {
    Path dir = Files.createDirectories(root.resolve("locks"));
    StoreLock records = StoreLock.at(dir.resolve("records"));
    try {
      return new StoreLocks(users, records, StoreLock.at(dir.resolve("layers")));
    } catch (IOException | RuntimeException e) {
      records.close();
      throw e;
    }
  }

  /** {@code <root>/locks/users}: held shared by every process with the store open. */
  static Path usersFile(Path root) throws IOException {
    return Files.createDirectories(root.resolve("locks")).resolve("users");
  }

  /** Runs {@code recovery} while no other process has the store open; returns whether it ran. */
  boolean whenAlone(StoreUsers.Recovery recovery) throws IOException {
    return users.isPresent() && users.get().whenAlone(recovery);
  }

  /** Held around a change to the records; drops the registered caches first if others changed them. */
  StoreLock.Hold records() throws IOException {
    return records.exclusive();
  }

  /**
   * Held around a change to something beside the records that no process caches (a layer's blob
   * record): excludes the records' writers, leaves the generation, so no cache is dropped.
   */
  StoreLock.Hold recordsAside() throws IOException {
    return records.reading();
  }

  /** Drops the registered caches if another process changed the records since this one looked. */
  void refreshIfChanged() throws IOException {
    records.refreshIfChanged();
  }

  void onChange(StoreLock.Reload reload) {
    records.onChange(reload);
  }

  /** Held while an operation builds on or reads layers: none of them is removed meanwhile. */
  StoreLock.Hold building() throws IOException {
    return layers.shared();
  }

  /** Held to remove layers: waits for every operation building on layers to end. */
  StoreLock.Hold removing() throws IOException {
    return layers.exclusive();
  }

  @Override
  public void close() {
    try {
      layers.close();
      records.close();
    } finally {
      users.ifPresent(StoreUsers::close);
    }
  }
}
