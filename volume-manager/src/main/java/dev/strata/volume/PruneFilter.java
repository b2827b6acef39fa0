package dev.strata.volume;

import dev.strata.driver.error.InvalidArgumentException;
import java.util.ArrayList;
import java.util.List;

/**
 * Which unused volumes {@code prune} takes: anonymous ones only unless {@code all}; those with
 * every {@code label} filter and none of the {@code notLabels} ones.
 *
 * @param all named volumes too
 * @param labels {@code label=KEY[=VALUE]} filters, all of which must match
 * @param notLabels {@code label!=KEY[=VALUE]} filters, none of which may match
 */
public record PruneFilter(boolean all, List<String> labels, List<String> notLabels) {

  public PruneFilter {
    labels = List.copyOf(labels);
    notLabels = List.copyOf(notLabels);
  }

  /** Anonymous, unused volumes: Docker's default since 23.0. */
  public static PruneFilter anonymous() {
    return new PruneFilter(false, List.of(), List.of());
  }

  /**
   * Parses Docker's prune filters: {@code label=}, {@code label!=} and {@code all=true|false}
   * (at most once), on top of the {@code --all} flag.
   *
   * @throws InvalidArgumentException for another key, a repeated or non-boolean {@code all}
   */
  public static PruneFilter parse(boolean allFlag, List<String> filters) throws InvalidArgumentException {
    boolean all = allFlag;
    boolean allSeen = false;
    List<String> labels = new ArrayList<>();
    List<String> notLabels = new ArrayList<>();
    for (String filter : filters) {
      if (filter.startsWith("label!=")) {
        notLabels.add(nonEmpty(filter, filter.substring(7)));
      } else if (filter.startsWith("label=")) {
        labels.add(nonEmpty(filter, filter.substring(6)));
      } else if (filter.startsWith("all=")) {
        if (allSeen) {
          throw new InvalidArgumentException(filter, "invalid filter 'all': only one value may be given");
        }
        allSeen = true;
        all |= Booleans.parse("all", filter.substring(4));
      } else {
        throw new InvalidArgumentException(filter, "invalid filter '" + filter
            + "' (volume prune takes label=, label!= and all=)");
      }
    }
    return new PruneFilter(all, labels, notLabels);
  }

  /** True when {@code volume} is one this filter prunes (usage is checked by the store). */
  public boolean matches(Volume volume) {
    if (!all && !volume.anonymous()) {
      return false;
    }
    for (String label : labels) {
      if (!Labels.matches(volume.labels(), label)) {
        return false;
      }
    }
    for (String label : notLabels) {
      if (Labels.matches(volume.labels(), label)) {
        return false;
      }
    }
    return true;
  }

  private static String nonEmpty(String filter, String value) throws InvalidArgumentException {
    if (value.isEmpty() || value.startsWith("=")) {
      throw new InvalidArgumentException(filter, "label filter without a key: " + filter);
    }
    return value;
  }
}
