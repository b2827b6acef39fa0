package dev.strata.volume;

import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;

/**
 * What changes while a volume lives, persisted in {@code state.json} beside its options.
 *
 * @param references ids of the containers that use the volume
 * @param mounts ids of the outstanding mounts; the filesystem is mounted while this is not empty
 * @param populate how far the one-time copy of an image's directory got
 */
record VolumeState(Set<String> references, Set<String> mounts, Populate populate) {

  /** The one-time copy into an empty volume, in the order its steps are persisted. */
  enum Populate {
    /** Never copied: the next mount over an image directory copies. */
    NONE,
    /** Copying into {@code _data/.strata-populate}; after a crash that half copy is deleted. */
    COPYING,
    /** The copy is whole; moving its entries into {@code _data}, which a crash resumes. */
    MOVING,
    /** Copied (or found not empty); never again. */
    DONE
  }

  VolumeState {
    references = Collections.unmodifiableSet(new TreeSet<>(references));
    mounts = Collections.unmodifiableSet(new TreeSet<>(mounts));
    if (populate == null) {
      populate = Populate.NONE;
    }
  }

  static VolumeState empty() {
    return new VolumeState(Set.of(), Set.of(), Populate.NONE);
  }

  VolumeState withReference(String ref, boolean present) {
    Set<String> refs = new TreeSet<>(references);
    if (present) {
      refs.add(ref);
    } else {
      refs.remove(ref);
    }
    return new VolumeState(refs, mounts, populate);
  }

  VolumeState withMount(String id, boolean present) {
    Set<String> ids = new TreeSet<>(mounts);
    if (present) {
      ids.add(id);
    } else {
      ids.remove(id);
    }
    return new VolumeState(references, ids, populate);
  }

  VolumeState withPopulate(Populate step) {
    return new VolumeState(references, mounts, step);
  }
}
