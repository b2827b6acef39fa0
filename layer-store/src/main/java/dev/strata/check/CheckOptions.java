package dev.strata.check;

import java.util.Objects;

/**
 * How {@link StoreCheck#run} works.
 *
 * @param repair fix what can be fixed without losing data
 * @param verifyContent rebuild every layer's tar and compare its hash with the DiffID (reads every
 *     byte of every layer; {@code strata check --quick} skips it)
 * @param progress told how many tar bytes the content verification will read, then as it reads them
 */
public record CheckOptions(boolean repair, boolean verifyContent, Progress progress) {

  /** Progress of the content verification. */
  public interface Progress {
    void start(long totalBytes);

    void advance(long bytes);

    Progress NONE = new Progress() {
      @Override
      public void start(long totalBytes) {}

      @Override
      public void advance(long bytes) {}
    };
  }

  public CheckOptions {
    Objects.requireNonNull(progress, "progress");
  }

  public static CheckOptions report() {
    return new CheckOptions(false, true, Progress.NONE);
  }

  public static CheckOptions repairing() {
    return new CheckOptions(true, true, Progress.NONE);
  }
}
