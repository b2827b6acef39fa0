package dev.strata.volume;

/**
 * What one {@link Relabeler#relabel} did.
 *
 * @param visited entries whose label was read, the root included
 * @param changed entries whose label was written; the rest already carried the label
 */
public record RelabelResult(long visited, long changed) {

  public RelabelResult {
    if (visited < 0 || changed < 0 || changed > visited) {
      throw new IllegalArgumentException(
          "invalid relabel counts: visited " + visited + ", changed " + changed);
    }
  }
}
